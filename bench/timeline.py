"""Where an index run's cores go, second by second: the main process (the writer) and its
workers (reading, tagging, analysing).

    python bench/timeline.py ARCHIVE [--index DIR]

Indexes ARCHIVE (e.g. /tmp/archive-bench-300, made by bench/bulk.py) into a fresh index
(default /tmp/archive-timeline) and prints one line a second: seconds, cores used by the main
process, cores used by the workers; then the totals. A second in which the workers use nothing
while the main process uses one core is the writer working alone (committing, or adding what the
workers read ahead).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bulk import children  # bench/ is on the path when this runs

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--index", type=Path, default=Path("/tmp/archive-timeline"))
    args = parser.parse_args()
    shutil.rmtree(args.index, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "-q", "--index", str(args.index),
         "index", str(args.archive)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    started, seen = time.perf_counter(), {}
    totals = [0.0, 0.0]
    print("second  main  workers")
    while process.poll() is None:
        time.sleep(1)
        used = [0.0, 0.0]
        for n, pid in enumerate([process.pid] + children(process.pid)):
            now = cpu_seconds(pid)
            if now is not None:
                used[min(n, 1)] += now - seen.get(pid, 0.0)  # a forked worker starts at 0
                seen[pid] = now
        totals = [totals[0] + used[0], totals[1] + used[1]]
        print(f"{time.perf_counter() - started:6.0f}  {used[0]:4.2f}  {used[1]:7.2f}")
    wall = time.perf_counter() - started
    print(f"wall {wall:.1f} s; CPU seconds: main {totals[0]:.1f}, workers {totals[1]:.1f}")
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
