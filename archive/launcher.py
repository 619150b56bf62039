"""The installed `archive` command: `cli.main`, started and ended as suits a command that is
over in a tenth of a second.

A cold `archive search` is mostly Python starting and ending. What the command skips of that:
- the garbage collector while Click and the CLI import (`archive.engine.imports.collector_paused`);
- the interpreter's tear-down at exit, which frees every module and object one by one: once the output is flushed, and when nothing is left that an exit would run
  (another thread, an exit handler: an index run's logging, its worker pool), the process ends
  at once, with the same status. Otherwise it ends as usual.
"""

from __future__ import annotations

import atexit
import os
import sys

from archive.engine.imports import collector_paused


def main() -> None:
    with collector_paused():
        from cli import main as command
    try:
        command()
    except SystemExit as stop:
        if isinstance(stop.code, int) and _nothing_left_to_run():
            _end_now(stop.code)
        raise


def _nothing_left_to_run() -> bool:
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    handlers = getattr(atexit, "_ncallbacks", None)  # CPython's: elsewhere, exit as usual
    return handlers is not None and handlers() == 0


def _end_now(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # as Python's own exit would report it
    os._exit(code)
