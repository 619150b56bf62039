"""One extractor per format behind `extract(path)`.

Every extractor returns a `Document` whose pages have no language yet, and raises only
`ExtractionError`: whatever a library raises on a broken file becomes a one-line reason.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import sys
import unicodedata
from dataclasses import replace
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
        doc = module.extract(path)
    except (ExtractionError, MemoryError):
        raise  # MemoryError: the file's memory limit, reported as such
    except Exception as exc:  # any library, any failure: one line, never a traceback
        raise ExtractionError(path, f"cannot read {fmt.upper()}: {one_line(exc)}") from exc
    return _bounded(doc)


# The longest slides of real decks hold a few thousand characters; a page of more than this is
# a dump or an attack, and a document of more than the second is cut there too.
MAX_PAGE_CHARS = 100_000
MAX_DOCUMENT_CHARS = 5_000_000


def _bounded(doc: Document) -> Document:
    """DOC with only valid text (see `valid_text`), each page and the whole cut to the limits
    above; the pages cut are named in `cut_pages`."""
    pages, cut, room = [], [], MAX_DOCUMENT_CHARS
    for page in doc.pages:
        text = valid_text(page.text)
        if len(text) > min(MAX_PAGE_CHARS, room):
            text = text[: min(MAX_PAGE_CHARS, room)]
            cut.append(page.number)
        room -= len(text)
        pages.append(page if text == page.text else
                     replace(page, text=text, parts=() if len(text) < len(page.text) else
                             tuple((kind, valid_text(piece)) for kind, piece in page.parts)))
    return replace(doc, pages=tuple(pages), title=valid_text(doc.title),
                   author=valid_text(doc.author), cut_pages=tuple(cut))


# Code points no text may hold: NUL, lone surrogates (a PDF font's map may give them, and no
# encoder writes them) and Unicode's non-characters.
_INVALID = re.compile(
    "[\x00\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(sys.maxunicode // 0x10000 + 1))
    + "]"
)


def valid_text(text: str | None) -> str | None:
    """TEXT with every invalid code point replaced by U+FFFD, the replacement character."""
    return _INVALID.sub("\ufffd", text) if text else text


def _check_content(path: Path, fmt: str) -> None:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # opening a FIFO would wait forever
            raise ExtractionError(path, "not a regular file")
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
