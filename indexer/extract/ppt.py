"""Legacy PowerPoint (97-2003: .ppt, .pps, .pot), through LibreOffice when it is installed.

LibreOffice's `soffice --headless --convert-to pptx` turns the file into a PPTX in a private
temporary folder, with a profile of its own (so that it neither meets a LibreOffice the user has
open nor another worker's conversion), within the file's time limit: on time-out, or when the
worker's own limit strikes first, its whole process group is killed. The PPTX is then read by
the PPTX extractor, so a PPT gives what a PPTX gives; the format is reported as "ppt".
Without LibreOffice, the file fails with one line that says how to add it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from indexer.errors import ExtractionError
from indexer.extract import PictureReader, pptx
from indexer.model import Document

logger = logging.getLogger(__name__)

# Where to look for LibreOffice's command: ARCHIVE_SOFFICE names it, else the PATH has it.
COMMANDS = ("soffice", "libreoffice")
NOT_INSTALLED = ("legacy PowerPoint is read through LibreOffice, which is not installed: "
                 "`apt-get install libreoffice-impress` (Debian, Ubuntu) or LibreOffice from "
                 "libreoffice.org adds it")
# A conversion takes 2-3 s (a new profile each time); when the worker set no time limit, this.
DEFAULT_SECONDS = 60
# Of the file's time, what is kept for reading the converted PPTX.
READING_SHARE = 0.2


def soffice() -> str | None:
    """LibreOffice's command, None when it is not installed."""
    named = os.environ.get("ARCHIVE_SOFFICE")
    if named:
        return shutil.which(named)
    return next((found for name in COMMANDS if (found := shutil.which(name))), None)


def extract(path: Path, ocr: PictureReader | None = None) -> Document:
    command = soffice()
    if command is None:
        raise ExtractionError(path, NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="archive-ppt-") as work:
        work = Path(work)
        source = work / "slides.ppt"  # a plain name: LibreOffice names its output after it
        shutil.copyfile(path, source)
        converted = _convert(path, command, source, work)
        try:
            doc = pptx.extract(converted, ocr)
        except ExtractionError as exc:
            raise ExtractionError(path, exc.reason.replace("PPTX", "PPT")) from exc
    return replace(doc, path=str(path), format="ppt")


def _convert(path: Path, command: str, source: Path, work: Path) -> Path:
    seconds = _seconds_left()
    out = work / "out"
    args = [command, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to", "pptx", "--outdir", str(out), str(source)]
    env = {**os.environ, "HOME": str(work), "TMPDIR": str(work), "SAL_USE_VCLPLUGIN": "svp"}
    env.pop("DISPLAY", None)
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=work, env=env,
                          start_new_session=True) as process:
        try:
            _, err = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise ExtractionError(path, f"LibreOffice did not convert it within {seconds:.0f} s"
                                  ) from None
        finally:  # done, timed out, or the file's own limit struck: nothing of it may stay
            _kill_group(process)
    converted = out / "slides.pptx"
    if not converted.is_file():
        said = [line for line in err.decode("utf-8", "replace").splitlines()
                if line.strip() and "javaldx" not in line]
        reason = f": {' '.join(said[-1].split())[:150]}" if said else ""
        raise ExtractionError(path, f"cannot read PPT: LibreOffice could not convert it{reason}")
    return converted


def _seconds_left() -> float:
    """The time the conversion may take: most of what is left of the worker's alarm (the
    file's time limit, see indexer.workers), or DEFAULT_SECONDS without one."""
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    if left <= 0:
        return DEFAULT_SECONDS
    return max(1.0, left * (1 - READING_SHARE))


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process group PROCESS leads (it and all it started); leaving the `with` block
    then waits for PROCESS and closes its pipes."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # it ended, and so did all it started
