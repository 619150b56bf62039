"""A catalog beside the files: `catalog.csv`, one row per file, trusted over the files' own
metadata.

Columns: file, item, title, speaker, language, event, date, place, aliases (file is required;
the others may be empty). title: the talk's title as the event published it, searchable beside
the file's own; place: where the event took place, which `event:` finds it by; aliases: other
spellings of the speaker's name, separated by ";".
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.errors import CatalogError

CATALOG_NAME = "catalog.csv"
COLUMNS = ("file", "item", "title", "speaker", "language", "event", "date", "place", "aliases")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    file: str
    item: str | None
    title: str | None
    speaker: str | None
    language: str | None
    event: str | None
    date: str | None
    place: str | None = None  # where the event took place
    aliases: str | None = None  # other spellings of the speaker, ";"-separated

    @property
    def alias_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in (self.aliases or "").split(";") if a.strip())

    def to_dict(self) -> dict:
        return asdict(self)


def load_catalog(directory: Path) -> dict[str, CatalogEntry]:
    """The entries of DIRECTORY's catalog by file name; empty when it has none."""
    path = Path(directory, CATALOG_NAME)
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise CatalogError(path, "no 'file' column in the header")
            entries = {}
            for row in reader:
                values = {col: (row.get(col) or "").strip() or None for col in COLUMNS}
                if values["file"]:
                    entries[values["file"]] = CatalogEntry(**values)
            return entries
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CatalogError(path, f"unreadable catalog: {exc}") from exc


def digest(entry: CatalogEntry | None) -> str:
    """What a file's catalog row says, in a few characters: "" for no row. A file whose row's
    digest changed has the row applied again."""
    if entry is None:
        return ""
    text = json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
