"""Files written whole or not at all: the index's own beside Whoosh's (archive.json,
files.json, checksums.json) and the word tables' cache."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path


def replace_file(path: Path, data: str | bytes | Iterable[bytes], durable: bool = True) -> None:
    """Put DATA (text, bytes, or pieces of bytes) in PATH in one step: written to a file of its
    own beside it (two processes writing the same cache never share one), flushed to disk
    unless not DURABLE (a cache, made again if lost), then renamed over PATH. A reader, or a run
    killed meanwhile, finds the old file or the new one, never part of one; on failure nothing
    is left beside it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    pieces = [data] if isinstance(data, bytes) else data
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{time.monotonic_ns()}.tmp")
    # Not tempfile's: its files are private (0600), and the index's are as the umask says.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
