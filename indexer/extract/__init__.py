"""One extractor per format behind `extract(path)`.

Every extractor returns a `Document` whose pages have no language yet, and raises only
`ExtractionError`: whatever a library raises on a broken file becomes a one-line reason.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path

from indexer.errors import ExtractionError
from indexer.model import Document

# suffix -> (format name, module that reads it); modules are imported only when needed
EXTRACTORS = {
    ".pdf": ("pdf", "indexer.extract.pdf"),
    ".pptx": ("pptx", "indexer.extract.pptx"),
    ".ppsx": ("pptx", "indexer.extract.pptx"),  # slideshow
    ".pptm": ("pptx", "indexer.extract.pptx"),  # macro-enabled
    ".ppsm": ("pptx", "indexer.extract.pptx"),
    ".potx": ("pptx", "indexer.extract.pptx"),  # template
    ".potm": ("pptx", "indexer.extract.pptx"),
}
# Presentations in formats the archive cannot read: found in a folder, they are reported.
UNSUPPORTED = {
    ".ppt": "legacy PowerPoint (.ppt)",
    ".pps": "legacy PowerPoint (.pps)",
    ".pot": "legacy PowerPoint (.pot)",
    ".odp": "OpenDocument presentation (.odp)",
    ".key": "Keynote (.key)",
}

_SIGNATURES = (
    (b"%PDF-", "pdf", "a PDF"),
    (b"PK\x03\x04", "pptx", "a ZIP package"),
    (b"\xd0\xcf\x11\xe0", "ole", "a legacy Office file"),
)


def is_supported(path: Path) -> bool:
    """Whether PATH is a presentation the archive reads, or one it reports it cannot read."""
    return path.suffix.lower() in EXTRACTORS or path.suffix.lower() in UNSUPPORTED


def extract(path: Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise ExtractionError(path, f"unsupported format: {UNSUPPORTED[suffix]}")
    try:
        fmt, module_name = EXTRACTORS[suffix]
    except KeyError:
        raise ExtractionError(path, f"unsupported format {path.suffix or '(no extension)'}") from None
    _check_content(path, fmt)
    module = importlib.import_module(module_name)
    try:
        return module.extract(path)
    except ExtractionError:
        raise
    except Exception as exc:  # any library, any failure: one line, never a traceback
        raise ExtractionError(path, f"cannot read {fmt.upper()}: {one_line(exc)}") from exc


def _check_content(path: Path, fmt: str) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise ExtractionError(path, exc.strerror or str(exc)) from exc
    if not head:
        raise ExtractionError(path, "empty file")
    # PDF allows junk before the header within the first 1024 bytes; a ZIP starts with it.
    found = next(
        (
            (kind, name)
            for sig, kind, name in _SIGNATURES
            if (head.find(sig) >= 0 if kind == "pdf" else head.startswith(sig))
        ),
        None,
    )
    if found is None or found[0] != fmt:
        what = found[1] if found else "not a known format"
        raise ExtractionError(path, f"not a {fmt.upper()} file (content is {what})")


def one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    if len(message) > 200:
        message = message[:197] + "..."
    return message


_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(text: str) -> str:
    """NFC (PDFs often hold decomposed diacritics), one space between words, no blank lines."""
    text = unicodedata.normalize("NFC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
