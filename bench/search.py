"""Search latency on an index: cold (the installed `archive` command, a fresh process timed
from outside, end to end: the time a user waits) and warm (one process, the index open), p50
and p95 over the same queries; and, as the baseline this machine's speed is read against, a
fresh process doing only what any Whoosh program must (import, open the index, parse, search,
print ten hits), run interleaved with the cold searches.

    python bench/search.py [INDEX] [--queries 100]

INDEX defaults to the one bench/bulk.py builds for 300 files. Queries are words drawn, seeded,
from the index's own vocabulary, one in four with --lang, one in four two words. The command is
the `archive` console script beside this Python (`pip install .` puts it there).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 100  # cold p50 at 17.5k pages (issue 21)


# The baseline: what any Whoosh program pays for a fresh process and one query. Options are
# dropped, and words are searched in the exact field.
RAW_WHOOSH = """
import sys
from whoosh import index
from whoosh.qparser import QueryParser
ix = index.open_dir(sys.argv[1])
words = [w for w in sys.argv[2:] if not w.startswith("--") and w not in ("lv", "lt", "en")]
with ix.searcher() as searcher:
    for hit in searcher.search(QueryParser("exact", ix.schema).parse(" ".join(words)), limit=10):
        print(hit["path"], hit["page"])
"""


def queries(index: Path, count: int) -> list[list[str]]:
    db = sqlite3.connect(index / "vocab.sqlite")
    words = [row[0] for row in db.execute("SELECT spelling FROM spellings WHERE length(spelling) > 4")]
    db.close()
    rng = random.Random(7)
    made = []
    for n in range(count):
        query = [rng.choice(words)] + ([rng.choice(words)] if n % 4 == 1 else [])
        made.append(query + (["--lang", rng.choice(["lv", "lt", "en"])] if n % 4 == 3 else []))
    return made


def percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", nargs="?", type=Path, default=Path("/tmp/archive-bench-work-300/index"))
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    from archive.query import search_talks
    from archive.store import Archive

    archive = Archive.open(args.index)
    with archive.searcher() as searcher:
        pages = searcher.doc_count()
    todo = queries(args.index, args.queries)
    # Python may not cache bytecode here (PYTHONDONTWRITEBYTECODE): an installed archive would
    # have it, so let the first run write it, and leave it out of the figures.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    if script is None:
        parser.error(f"no `archive` command beside {sys.executable}: pip install . first")
    archive_cmd = [script, "-q", "--index", str(args.index), "search"]
    raw_cmd = [sys.executable, "-c", RAW_WHOOSH, str(args.index)]
    for command in (archive_cmd, raw_cmd):
        subprocess.run(command + ["warmup"], check=True, capture_output=True, cwd=ROOT, env=env)
    cold, raw = [], []
    for query in todo:  # interleaved, so both see the same noise
        for command, times in ((archive_cmd, cold), (raw_cmd, raw)):
            started = time.perf_counter()
            subprocess.run(command + query, check=True, capture_output=True, cwd=ROOT, env=env)
            times.append(time.perf_counter() - started)
    warm = []
    for query in todo:
        words = [w for w in query if not w.startswith("--") and w not in ("lv", "lt", "en")]
        lang = query[-1] if "--lang" in query else None
        started = time.perf_counter()
        search_talks(archive, " ".join(words), lang=lang)
        warm.append(time.perf_counter() - started)
    archive.close()
    ratio = statistics.median(c / r for c, r in zip(cold, raw))
    print(f"index: {args.index} ({pages} pages), {len(todo)} queries")
    print(f"cold `archive search` ({script}, a fresh process, end to end): {percentiles(cold)}")
    print(f"cold raw Whoosh (fresh process, open, parse, search, print 10 paths): {percentiles(raw)}")
    print(f"  archive / raw Whoosh, median of per-query ratios: {ratio:.2f}")
    p50 = statistics.median(cold) * 1000
    print(f"  target: cold p50 <= {TARGET_MS} ms at 17.5k pages: {p50:.0f} ms, "
          + ("met" if p50 <= TARGET_MS else "not met"))
    print(f"warm `search_talks` (index open): {percentiles(warm)}")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"for scale, a bare Python start: {(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
