"""Bulk indexing: the whole archive, then re-indexing after small changes, against Recoll.

    python bench/bulk.py [N] [--dir DIR] [--sentences SENTENCES_JSONL] [--no-recoll] [--no-naive]
                         [--dask [--runs K]]

Builds (or reuses) a synthetic archive of N presentations in DIR (default 300 in
/tmp/archive-bench-N; see bench/synthetic.py, which needs fpdf2), then prints, from one run:
- a full index by `archive index` (a fresh process, all cores): wall time, files/s, pages/s,
  CPU use (user+sys over wall times cores), peak memory of all its processes together (PSS,
  and the RSS sum, which counts the pages the workers share with the main process in each) and
  the index's size on disk (its vocabulary included);
- the same files indexed by Recoll's recollindex (Debian's recollcmd, with python3-lxml for
  its PPTX filter and poppler-utils' pdftotext for its PDF one), English and Lithuanian
  stemming, and the ratio of the two wall times;
- a naive one-process pass that only extracts the text (pypdf, python-pptx), for context;
- re-index times: nothing changed; 1% of files touched; 1% modified; 1% deleted;
- with --dask, K full runs each (default 3, alternating) of the local run, of the same run
  reading the files on a Dask LocalCluster of two worker processes on this machine
  (`--scheduler`; needs `pip install '.[cluster]'`), and of the writer alone (the files read
  beforehand, then planned, written and committed as a run does): medians, the ratio of the
  Dask run's to the local run's, and the pages a second the writer alone sustains.
The archive is restored afterwards. Each figure is one run: run it twice to see the spread.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402

CORES = len(os.sched_getaffinity(0))


def children(pid: int) -> list[int]:
    """The processes PID started (Linux)."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:  # it ended meanwhile
        pass
    return found


class PeakMemory:
    """Peak of the memory used by a process and all its descendants, summed two ways: resident
    (RSS: a page that forked workers share with their parent counts once in each) and
    proportional (PSS: a shared page is split between the processes sharing it, so the sum is
    the memory the whole tree takes from the machine)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0  # RSS
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo += children(pid)
        return pids

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1]) * 1024
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            time.sleep(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(command: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU seconds and peak memory of COMMAND and its children."""
    before = os.times()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process.pid)
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    peak = memory.stop()
    peak_pss = memory.peak_pss
    after = os.times()
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed: {stderr.decode()[-500:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "peak": peak, "peak_pss": peak_pss, "stderr": stderr.decode()}


def archive_index(index: Path, archive: Path, *extra: str) -> dict:
    command = [sys.executable, "-c", "from cli import main; main()", "-q", "--index", str(index),
               "index", str(archive), *extra]
    # An installed archive has its bytecode cached; this machine may say not to write it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return timed(command, env=env)


def writer_alone(archive: Path, index: Path) -> None:
    """Index ARCHIVE into INDEX with every file's outcome read beforehand: what the run costs
    beyond reading the files (planning, the writer, its commits). Prints its wall time."""
    from indexer import pipeline

    real = pipeline._Readers.outcomes
    started = {}

    def read_first(readers, tasks):
        outcomes = list(real(readers, tasks))
        started["at"] = time.perf_counter()
        return iter(outcomes)

    pipeline._Readers.outcomes = read_first
    report = pipeline.index_paths([archive], index)
    print(time.perf_counter() - started["at"], report.pages)


def cluster_rows(archive: Path, work: Path, runs: int) -> None:
    """The full local run, the same on a Dask LocalCluster of two workers, and the writer
    alone, RUNS times each, alternating."""
    from statistics import median

    from distributed import LocalCluster

    walls: dict[str, list[float]] = {"local": [], "dask": [], "writer": []}
    pages = 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        for _ in range(runs):
            for kind, kind_walls in walls.items():
                index = work / f"index-{kind}"
                shutil.rmtree(index, ignore_errors=True)
                if kind == "writer":  # in a process of its own, as a run is
                    done = subprocess.run(
                        [sys.executable, __file__, "--writer-alone", str(index), "--dir",
                         str(archive)], check=True, capture_output=True, text=True)
                    wall, written = done.stdout.split()
                    kind_walls.append(float(wall))
                    pages = int(written)
                else:
                    extra = ("--scheduler", cluster.scheduler_address) if kind == "dask" else ()
                    kind_walls.append(archive_index(index, archive, *extra)["wall"])
    local, dask, writer = (median(walls[kind]) for kind in walls)
    shown = {kind: ", ".join(f"{w:.1f}" for w in values) for kind, values in walls.items()}
    print(f"\nfull index, medians of {runs} alternating runs ({pages} pages):\n"
          f"  local, {CORES} worker processes: {local:.1f} s ({shown['local']}), "
          f"{pages / local:.0f} pages/s\n"
          f"  Dask LocalCluster, 2 workers:   {dask:.1f} s ({shown['dask']}), "
          f"{pages / dask:.0f} pages/s; Dask / local {dask / local:.2f}\n"
          f"  the writer alone (files read beforehand): {writer:.1f} s ({shown['writer']}), "
          f"{pages / writer:.0f} pages/s")


def recoll(archive: Path, workdir: Path) -> dict | None:
    if not shutil.which("recollindex", path="/usr/bin"):
        return None
    config = workdir / "recoll-config"
    shutil.rmtree(config, ignore_errors=True)
    config.mkdir(parents=True)
    (config / "recoll.conf").write_text(
        f"topdirs = {archive}\nindexstemminglanguages = english lithuanian\n"
        f"loglevel = 1\n", encoding="utf-8")
    diags = workdir / "recoll-diags.txt"
    env = {**os.environ, "PATH": "/usr/bin:" + os.environ.get("PATH", "")}
    result = timed(["recollindex", "-c", str(config), "-z", "--diagsfile", str(diags)], env=env)
    skipped = diags.read_text(encoding="utf-8", errors="replace").strip() if diags.exists() else ""
    result["diagnostics"] = skipped
    return result


def naive_extraction(files: list[Path]) -> tuple[float, int]:
    from pptx import Presentation
    from pypdf import PdfReader

    started, pages = time.perf_counter(), 0
    for path in files:
        if path.suffix == ".pdf":
            for page in PdfReader(path).pages:
                page.extract_text()
                pages += 1
        else:
            for slide in Presentation(str(path)).slides:
                for shape in slide.shapes:
                    if shape.has_text_frame:
                        shape.text_frame.text  # noqa: B018 - reading is the work
                pages += 1
    return time.perf_counter() - started, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, default=300)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--sentences", type=Path, default=synthetic.SENTENCES)
    parser.add_argument("--no-recoll", action="store_true")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive extraction pass")
    parser.add_argument("--dask", action="store_true",
                        help="also full runs on a Dask LocalCluster, and of the writer alone")
    parser.add_argument("--runs", type=int, default=3, help="of each kind, with --dask")
    parser.add_argument("--writer-alone", type=Path, metavar="INDEX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer_alone:
        writer_alone(args.dir, args.writer_alone)
        return 0
    archive = args.dir or Path(f"/tmp/archive-bench-{args.count}")
    work = (archive.with_name(archive.name + "-work") if args.dir
            else Path(f"/tmp/archive-bench-work-{args.count}"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    synthetic.build(args.count, archive, args.sentences)
    files = sorted(p for p in archive.rglob("*") if p.suffix in (".pdf", ".pptx"))
    print(f"archive: {len(files)} files in {archive} (made in {time.perf_counter() - started:.0f} s)")

    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    full = archive_index(index, archive)
    pages = sum(int(r["pages"]) for r in __import__("json").loads((index / "files.json").read_text())["files"])
    print(f"\narchive index, full: {full['wall']:.1f} s, {len(files) / full['wall']:.1f} files/s, "
          f"{pages / full['wall']:.0f} pages/s ({pages} pages); CPU {full['cpu'] / (full['wall'] * CORES):.0%} "
          f"of {CORES} cores;\n  peak memory of all processes: {full['peak_pss'] / 2**20:.0f} MB PSS "
          f"(shared pages counted once), {full['peak'] / 2**20:.0f} MB RSS summed;\n"
          f"  index: {sum(p.stat().st_size for p in index.iterdir() if p.is_file()) / 1e6:.1f} MB")
    if not args.no_recoll:
        theirs = recoll(archive, work)
        if theirs is None:
            print("recollindex: not installed (apt-get install recollcmd python3-lxml poppler-utils)")
        else:
            print(f"recollindex, full: {theirs['wall']:.1f} s, peak memory {theirs['peak'] / 2**20:.0f} MB; "
                  f"archive / recoll wall time: {full['wall'] / theirs['wall']:.1f}x"
                  + ("" if not theirs["diagnostics"] else "; diagnostics NOT empty (files skipped):\n"
                     + theirs["diagnostics"][:300]))
    if not args.no_naive:
        seconds, naive_pages = naive_extraction(files)
        print(f"naive one-process extraction only: {seconds:.1f} s, {seconds / naive_pages * 1000:.2f} ms a page")

    if args.dask:
        cluster_rows(archive, work, args.runs)

    noop = archive_index(index, archive)
    print(f"\nre-index, nothing changed: {noop['wall']:.2f} s")
    rng = random.Random(1)
    sample = rng.sample(files, max(1, len(files) // 100))
    for path in sample:
        os.utime(path)
    touched = archive_index(index, archive)
    print(f"re-index after touching 1% ({len(sample)} files): {touched['wall']:.2f} s")
    backup = work / "backup"
    shutil.rmtree(backup, ignore_errors=True)
    backup.mkdir()
    others = [p for p in files if p not in sample]
    modified = rng.sample(others, len(sample))
    for n, path in enumerate(modified):
        shutil.copy2(path, backup / f"m{n}{path.suffix}")
        source = files[(files.index(path) + 2) % len(files)]  # same kind, other content
        shutil.copy(source, path)
    changed = archive_index(index, archive)
    print(f"re-index after modifying 1%: {changed['wall']:.2f} s "
          f"(no-op + {100 * (changed['wall'] - noop['wall']) / full['wall']:.1f}% of the full run)")
    deleted = rng.sample([p for p in others if p not in modified], len(sample))
    for n, path in enumerate(deleted):
        shutil.move(path, backup / f"d{n}{path.suffix}")
    removed = archive_index(index, archive)
    print(f"re-index after deleting 1%: {removed['wall']:.2f} s")
    for n, path in enumerate(modified):
        shutil.copy2(backup / f"m{n}{path.suffix}", path)
    for n, path in enumerate(deleted):
        shutil.move(backup / f"d{n}{path.suffix}", path)
    print(f"\nbench run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
