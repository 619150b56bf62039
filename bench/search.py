"""Search latency on an index: cold (a fresh `archive search` process, end to end) and warm
(one process, the index open), p50 and p95 over the same queries.

    python bench/search.py [INDEX] [--queries 100]

INDEX defaults to the one bench/bulk.py builds for 300 files. Queries are words drawn, seeded,
from the index's own vocabulary, one in four with --lang, one in four two words.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    from archive.query import search
    from archive.store import Archive

    archive = Archive.open(args.index)
    with archive.searcher() as searcher:
        pages = searcher.doc_count()
    todo = queries(args.index, args.queries)
    cold = []
    for query in todo:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from cli import main; main()", "-q", "--index",
                        str(args.index), "search", *query], check=True, capture_output=True, cwd=ROOT)
        cold.append(time.perf_counter() - started)
    warm = []
    for query in todo:
        words = [w for w in query if not w.startswith("--") and w not in ("lv", "lt", "en")]
        lang = query[-1] if "--lang" in query else None
        started = time.perf_counter()
        search(archive, " ".join(words), lang=lang)
        warm.append(time.perf_counter() - started)
    archive.close()
    print(f"index: {args.index} ({pages} pages), {len(todo)} queries")
    print(f"cold (fresh process, end to end): {percentiles(cold)}")
    print(f"warm (index open):                {percentiles(warm)}")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"for scale, a bare Python start: {(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
