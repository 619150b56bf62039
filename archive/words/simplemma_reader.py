"""simplemma's dictionaries read a record at a time, through its private front-code reader,
where its public loader makes a dict of every entry first.

The private names are used only in the simplemma release they were written and tested against
(TESTED; setup.cfg asks for it), and `ARCHIVE_PLAIN_SIMPLEMMA=1` turns them off: the public
loader gives the same entries (tests/test_analysis.py compares the two), in more memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

# The simplemma release (major.minor) the private reader was written against.
TESTED = "2.0"


def enabled() -> bool:
    """Whether the private reader is used: the tested simplemma, and not switched off."""
    from importlib.metadata import version

    if os.environ.get("ARCHIVE_PLAIN_SIMPLEMMA", "") not in ("", "0"):
        return False
    return version("simplemma").split(".")[:2] == TESTED.split(".")


def entries(lang: str) -> Iterable[tuple[bytes, bytes]]:
    """(word, lemma) of LANG's dictionary in UTF-8, sorted by word."""
    if not enabled():
        from simplemma.strategies import DefaultDictionaryFactory

        mapping = DefaultDictionaryFactory().get_dictionary(lang)
        return sorted((word.encode(), mapping[word].encode()) for word in mapping)
    from simplemma.strategies.dictionaries import frontcode
    from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

    data = _read_decompressed(lang)
    reverse, _, start = frontcode._read_header(data)
    records = ((key, value) for _, key, value in frontcode._iter_records(data, start))
    if reverse:  # kept sorted by the reversed word
        return sorted((key[::-1], value[::-1]) for key, value in records)
    return records


def dictionary_file(lang: str) -> Path:
    """The file simplemma reads LANG's dictionary from."""
    from simplemma.strategies.dictionaries import dictionary_factory

    folder = getattr(dictionary_factory, "DATA_FOLDER", None)
    if folder is None:  # where simplemma 2.0 keeps them, in a release that names it otherwise
        from importlib.resources import files

        folder = files("simplemma.strategies.dictionaries") / "data"
    return Path(str(folder)) / f"{lang}.plzma"
