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
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from indexer.errors import ExtractionError
from indexer.model import Document, Page


class PictureReader(Protocol):
    """What an extractor asks of the reader of pictures of text (`indexer.ocr.Ocr`)."""

    def wanted(self, page: Page) -> bool:
        """Whether the pictures of PAGE, as extracted, are to be read."""

    def read_page(self, page: Page, images: Iterable[bytes], where: str) -> Page:
        """PAGE with the text of IMAGES, the pictures it shows, as its last part."""

# suffix -> (format name, module that reads it); modules are imported only when needed
EXTRACTORS = {
    ".pdf": ("pdf", "indexer.extract.pdf"),
    ".pptx": ("pptx", "indexer.extract.pptx"),
    ".ppsx": ("pptx", "indexer.extract.pptx"),  # slideshow
    ".pptm": ("pptx", "indexer.extract.pptx"),  # macro-enabled
    ".ppsm": ("pptx", "indexer.extract.pptx"),
    ".potx": ("pptx", "indexer.extract.pptx"),  # template
    ".potm": ("pptx", "indexer.extract.pptx"),
    ".odp": ("odp", "indexer.extract.odp"),  # OpenDocument (LibreOffice Impress)
    ".otp": ("odp", "indexer.extract.odp"),  # its template
    ".ppt": ("ppt", "indexer.extract.ppt"),  # PowerPoint 97-2003, through LibreOffice
    ".pps": ("ppt", "indexer.extract.ppt"),
    ".pot": ("ppt", "indexer.extract.ppt"),
}
# Presentations in formats the archive cannot read: found in a folder, they are reported.
UNSUPPORTED = {
    ".key": "Keynote (.key)",
}

# What a file's first bytes say it is: (signature, kind, name); a kind is a format of
# EXTRACTORS. A ZIP package is a PPTX unless its first member says it is an ODP (below).
_SIGNATURES = (
    (b"%PDF-", "pdf", "a PDF"),
    (b"PK\x03\x04", "pptx", "a ZIP package"),
    (b"\xd0\xcf\x11\xe0", "ppt", "a legacy Office file"),
)
_ODP = ("odp", "an OpenDocument presentation")


def import_readers() -> None:
    """Every format's reader imported now, in a process that forks the readers of its files
    (see `indexer.workers.run_forked`), which would each import them afresh (0.4 s)."""
    for module_name in sorted({module for _, module in EXTRACTORS.values()}):
        importlib.import_module(module_name)


def is_supported(path: Path) -> bool:
    """Whether PATH is a presentation the archive reads, or one it reports it cannot read."""
    return path.suffix.lower() in EXTRACTORS or path.suffix.lower() in UNSUPPORTED


def extract(path: Path, ocr: PictureReader | None = None) -> Document:
    """PATH's text, page by page; with OCR, its pictures of text read too (see indexer.ocr)."""
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
        doc = module.extract(path, ocr)
    except (ExtractionError, MemoryError):
        raise  # MemoryError: the file's memory limit, reported as such
    except Exception as exc:  # any library, any failure: one line, never a traceback
        raise ExtractionError(path, f"cannot read {fmt.upper()}: {one_line(exc)}") from exc
    return _bounded(doc)


# The longest slides of real decks hold a few thousand characters; a page of more than this is
# a dump or an attack, and a document of more than the second is cut there too.
MAX_PAGE_CHARS = 100_000
MAX_DOCUMENT_CHARS = 5_000_000
# A ZIP package's parts (PPTX, ODP), uncompressed, may not exceed these: a larger one is a ZIP
# bomb.
MAX_PART_BYTES = 200 * 2**20
MAX_PACKAGE_BYTES = 1024 * 2**20


def check_unpacked_size(path: Path, members: list) -> None:
    """ExtractionError if a package's MEMBERS (`ZipFile.infolist()`) would unpack beyond the
    limits above."""
    if any(m.file_size > MAX_PART_BYTES for m in members) or (
            sum(m.file_size for m in members) > MAX_PACKAGE_BYTES):
        raise ExtractionError(path, "package too large once uncompressed (a ZIP bomb?)")


# A page with fewer characters of text than this that shows a picture may be a picture of text
# (a scanned handout, a slide that is one screenshot): such pages are named in `picture_pages`.
NEARLY_EMPTY_CHARS = 20


def nearly_empty(page: Page) -> bool:
    return len(page.text.strip()) < NEARLY_EMPTY_CHARS


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
        if text != page.text:  # cut (the parts no longer add up to it) or made valid
            parts = () if len(text) < len(page.text) else tuple(
                (kind, valid_text(piece)) for kind, piece in page.parts)
            ocr_from = page.ocr_from if page.ocr_from is None or page.ocr_from < len(text) else None
            page = replace(page, text=text, parts=parts, ocr_from=ocr_from)
        pages.append(page)
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
    if found is not None and found[0] == "pptx" and _opendocument_presentation(head):
        found = _ODP
    if fmt == "odp" and found is not None and found[0] == "pptx":
        return  # an ODP whose mimetype is not its first member: the extractor looks inside
    if found is None or found[0] != fmt:
        what = found[1] if found else "not a known format"
        article = "an" if fmt[0] in "aeio" else "a"
        raise ExtractionError(path, f"not {article} {fmt.upper()} file (content is {what})")


def _opendocument_presentation(head: bytes) -> bool:
    """Whether the ZIP package that starts with HEAD is an OpenDocument presentation (or its
    template): ODF puts a member "mimetype" first, stored uncompressed, that says so."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[30:30 + name_length] != b"mimetype" or head[8:10] != b"\0\0":
        return False
    start = 30 + name_length + extra_length
    return head[start:start + 64].startswith(b"application/vnd.oasis.opendocument.presentation")


def build_page(number: int, parts) -> Page:
    """Page NUMBER of PARTS, (kind, text) pieces in order (kinds of `PART_KINDS`): each text
    cleaned (`clean_text`), empty ones left out, neighbours of one kind joined; the page's text
    is theirs joined by newlines."""
    runs: list[tuple[str, list[str]]] = []
    for kind, text in parts:
        if not text or text.isspace():
            continue
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(text)
        else:
            runs.append((kind, [text]))
    # clean_text works line by line, dropping empty lines: a run cleaned whole is its pieces
    # cleaned one by one, at one call a run
    pieces: list[tuple[str, str]] = []
    for kind, texts in runs:
        text = clean_text("\n".join(texts))
        if not text:
            continue
        if pieces and pieces[-1][0] == kind:  # what stood between them cleaned to nothing
            pieces[-1] = (kind, f"{pieces[-1][1]}\n{text}")
        else:
            pieces.append((kind, text))
    return Page(number, "\n".join(text for _, text in pieces), parts=tuple(pieces))


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
