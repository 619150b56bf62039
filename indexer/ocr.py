"""Pictures of text read with Tesseract (`archive index --ocr`): a scanned handout, a slide that
is one screenshot, a photo of a whiteboard.

Which pictures: those of pages with (nearly) no text of their own, or, with `every_picture`
(`--ocr all`), those of every page. The text read is the page's last part, of kind "ocr", and
`Page.ocr_from` says where it starts, so that search ranks it below typed text and `show`
marks it. Tesseract's own command reads each picture (`tesseract stdin stdout -l lav+lit+eng`:
no binding to install, and a picture that crashes it costs that picture), on one thread, since
each worker process is one reader already. What it read is kept in the user's cache folder by
the picture's SHA-256, so a file read again, or the same logo in a hundred decks, is read once.
Pillow, which python-pptx brings, tells a picture's size and converts what Tesseract cannot read.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from archive.files import replace_file
from archive.words.tables import cache_dir
from indexer.errors import IndexerError
from indexer.extract import build_page, nearly_empty, one_line
from indexer.model import Page

logger = logging.getLogger(__name__)

LANGUAGES = ("lav", "lit", "eng")  # Tesseract's names of Latvian, Lithuanian, English
INSTALL = ("apt-get install tesseract-ocr tesseract-ocr-lav tesseract-ocr-lit "
           "tesseract-ocr-eng (Debian, Ubuntu)")
# Smaller pictures are icons, bullets and lines, never text to read; larger ones would take
# minutes (and memory) to read, and are photographs.
MIN_SIDE = 24
MAX_PIXELS = 40_000_000
# What Tesseract (Leptonica) reads as it is; anything else Pillow opens is given to it as PNG.
_READABLE = {"PNG", "JPEG", "TIFF", "BMP", "GIF"}
# Bump when what is kept changes (the languages are part of the key already).
_CACHE_VERSION = "1"


class OcrUnavailable(IndexerError):
    """Tesseract, or one of its language packs, is not installed: `str()` says how to add it."""


def check_tesseract() -> None:
    """OcrUnavailable unless Tesseract and its Latvian, Lithuanian and English data are
    installed. Asked once, before a run starts, so that no file fails for it."""
    command = shutil.which("tesseract")
    if command is None:
        raise OcrUnavailable(f"--ocr needs Tesseract, which is not installed: {INSTALL}")
    try:
        listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True,
                                timeout=30, check=False).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailable(f"--ocr needs Tesseract, which does not start ({exc}): "
                             f"{INSTALL}") from exc
    missing = [lang for lang in LANGUAGES if lang not in listed]
    if missing:
        raise OcrUnavailable(f"--ocr needs Tesseract's {', '.join(missing)} data, which is not "
                             f"installed: {INSTALL}")


@dataclass(frozen=True, slots=True)
class Ocr:
    """How an index run reads pictures of text: handed to each extractor."""

    every_picture: bool = False  # `--ocr all`: every picture, not only those of empty pages

    @property
    def mode(self) -> str:
        """As the manifest records it (and `--ocr` takes it): "pages" or "all"."""
        return "all" if self.every_picture else "pages"

    def wanted(self, page: Page) -> bool:
        """Whether the pictures of PAGE, as extracted, are to be read."""
        return self.every_picture or nearly_empty(page)

    def read_page(self, page: Page, images: Iterable[bytes], where: str) -> Page:
        """PAGE with the text of IMAGES (the pictures it shows, in order) as its last part;
        PAGE itself when they hold none. WHERE names the file in warnings."""
        texts = [text for image in images if (text := read(image, where, page.number))]
        return with_ocr_text(page, "\n".join(texts))


def with_ocr_text(page: Page, text: str) -> Page:
    """PAGE with TEXT, read from its pictures, as its last part, and `ocr_from` saying where it
    starts in the page's text."""
    parts = list(page.parts) or ([("body", page.text)] if page.text else [])
    read = build_page(page.number, parts + [("ocr", text)])
    if not read.parts or read.parts[-1][0] != "ocr":
        return page  # nothing but blank lines and spaces was read
    start = len(read.text) - len(read.parts[-1][1])
    return replace(read, lang=page.lang, ocr_from=start)


def read(image: bytes, where: str, number: int) -> str:
    """The text of the picture IMAGE (a PNG, a JPEG, ... file's bytes), from the cache when it
    was read before; "" for a picture too small or too large to hold text, or one that cannot
    be read (a warning naming WHERE and page NUMBER)."""
    key = hashlib.sha256(image).hexdigest()
    cached = _cached(key)
    if cached is not None:
        return cached
    try:
        prepared = _prepared(image)
        text = _tesseract(prepared) if prepared is not None else ""
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - one picture must not lose the page
        logger.warning("%s: a picture of page %d not read: %s", where, number, one_line(exc))
        return ""  # not kept: the next run tries again
    _keep(key, text)
    return text


def _prepared(image: bytes) -> bytes | None:
    """IMAGE as Tesseract can read it, None when it is no picture of text (an icon, a vector
    drawing, a huge photograph)."""
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:  # reads the header only
        width, height = picture.size
        if min(width, height) < MIN_SIDE or width * height > MAX_PIXELS:
            return None
        if picture.format in _READABLE:
            return image
        converted = io.BytesIO()
        picture.convert("RGB").save(converted, "PNG")
        return converted.getvalue()


def _tesseract(image: bytes) -> str:
    # One thread: a worker process is one reader already, and Tesseract's OpenMP threads would
    # fight the other workers for the cores.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "+".join(LANGUAGES)], input=image,
        capture_output=True, env=environment, check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"Tesseract failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def _cache_path(key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "ocr" / f"{'+'.join(LANGUAGES)}-{_CACHE_VERSION}" / key[:2] / f"{key}.txt"


def _cached(key: str) -> str | None:
    path = _cache_path(key)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keep(key: str, text: str) -> None:
    """Kept for the next run; a cache folder that cannot be written only costs time."""
    path = _cache_path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text, durable=False)
    except OSError as exc:
        logger.debug("OCR cache not written: %s", exc)
