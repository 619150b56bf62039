"""Files of the index beside Whoosh's own, written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, text: str) -> None:
    """Put TEXT in PATH in one step: written beside it, flushed to disk, then renamed over it,
    so that a reader (or a run killed meanwhile) finds the old file or the new one, never part
    of one."""
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)
