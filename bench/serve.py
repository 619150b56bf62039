"""`archive serve`: warm query latency over HTTP, against a cold `archive search`, in one run.

    python bench/serve.py [INDEX] [--queries 100]

Starts `archive serve` (the console script beside this Python) on a free port of 127.0.0.1,
then, for each of the same queries bench/search.py draws (seeded, from the index's own
vocabulary: one in four with a language filter, one in four two words), alternating, times:
- the search page (`/?q=...`: talks, snippets, filters with counts, paging), over HTTP;
- the JSON API (`/api/search?q=...`), over HTTP;
- `archive search` in a fresh process, end to end, as bench/search.py does.
Prints p50 and p95 of each and the median of the per-query ratios of the page to the cold
command. INDEX defaults to the one `bench/bulk.py 1000` builds (about 17.5k pages).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import percentiles, queries  # noqa: E402  (after the path it is found on)

TARGET_P50_MS, TARGET_P95_MS = 15, 50  # warm, over HTTP, at 17k pages (issue 25)


def _params(query: list[str]) -> dict[str, str]:
    words = [w for w in query if not w.startswith("--") and w not in ("lv", "lt", "en")]
    params = {"q": " ".join(words)}
    if "--lang" in query:
        params["lang"] = query[-1]
    return params


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"archive serve ended: {process.stderr.read()}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/style.css")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("archive serve did not answer in 30 s")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", nargs="?", type=Path, default=Path("/tmp/archive-bench-work-1000/index"))
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    script = shutil.which("archive", path=str(Path(sys.executable).parent))
    if script is None:
        parser.error(f"no `archive` command beside {sys.executable}: pip install . first")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    port = _free_port()
    server = subprocess.Popen([script, "-q", "--index", str(args.index), "serve", "--port", str(port)],
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        _wait_for(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def get(address: str) -> float:
            started = time.perf_counter()
            connection.request("GET", address)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                sys.exit(f"{address}: {response.status}")
            return time.perf_counter() - started

        todo = queries(args.index, args.queries)
        get("/?q=warmup")  # the index opened, its tables made: what one request pays once
        cold_cmd = [script, "-q", "--index", str(args.index), "search"]
        subprocess.run(cold_cmd + ["warmup"], check=True, capture_output=True, env=env)
        page, api, cold = [], [], []
        for query in todo:  # interleaved, so all three see the same noise
            params = urlencode(_params(query))
            page.append(get(f"/?{params}"))
            api.append(get(f"/api/search?{params}"))
            started = time.perf_counter()
            subprocess.run(cold_cmd + query, check=True, capture_output=True, env=env)
            cold.append(time.perf_counter() - started)
        connection.close()
    finally:
        server.terminate()
        server.wait()
    print(f"index: {args.index}, {len(todo)} queries")
    print(f"warm search page over HTTP (/?q=, with filter counts): {percentiles(page)}")
    print(f"warm JSON API over HTTP (/api/search?q=): {percentiles(api)}")
    print(f"cold `archive search` (a fresh process, end to end): {percentiles(cold)}")
    print(f"  page / cold, median of per-query ratios: {statistics.median(p / c for p, c in zip(page, cold)):.2f}")
    ordered = sorted(page)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000
    met = p50 <= TARGET_P50_MS and p95 <= TARGET_P95_MS
    print(f"  target: page p50 <= {TARGET_P50_MS} ms, p95 <= {TARGET_P95_MS} ms: "
          f"{p50:.0f} / {p95:.0f} ms, {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
