"""A full index run of this tree against the same run of another commit, on the same files.

    python bench/against.py REV [N] [--dir DIR] [--rounds R]

Checks REV out in a temporary worktree, builds (or reuses) the synthetic archive of N
presentations (default 300 in /tmp/archive-bench-N; see bench/synthetic.py) and indexes it from
scratch R times (default 5) with each, alternating, each run a fresh `archive index` process
on all cores, with the same Python and packages. Prints each run's wall time, the medians and
their ratio (this tree / REV): on a shared machine the ratio of medians of alternating runs is
what holds still, a single time does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def index_seconds(tree: Path, files: Path, work: Path) -> float:
    """One full index of FILES by the code of TREE, in a fresh process: its wall time."""
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from cli import main; main()"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, "-q", "--index", str(index), "index", str(files)],
                   cwd=tree, check=True, env={**os.environ, "XDG_CACHE_HOME": str(work / "cache")})
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev")
    parser.add_argument("count", nargs="?", type=int, default=300)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = args.dir or Path(f"/tmp/archive-bench-{args.count}")
    if not files.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(args.count),
                        str(files)], check=True)
    with tempfile.TemporaryDirectory(prefix="archive-against-") as work:
        work = Path(work)
        other = work / "rev"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other),
                        args.rev], check=True)
        try:
            trees = {args.rev: other, "this tree": ROOT}
            index_seconds(ROOT, files, work)  # the dictionaries' tables built, the disk warm
            times: dict[str, list[float]] = {name: [] for name in trees}
            for round_ in range(args.rounds):
                for name, tree in trees.items():
                    times[name].append(index_seconds(tree, files, work))
                    print(f"round {round_ + 1}  {name:>10}: {times[name][-1]:6.2f} s", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                           check=False)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"median {name:>10}: {median:6.2f} s")
    print(f"ratio this tree / {args.rev}: {medians['this tree'] / medians[args.rev]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
