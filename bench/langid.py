"""Language detection accuracy on short and long texts, as slides have them.

    python bench/langid.py [SENTENCES_JSONL] [DOCUMENTS_JSONL]
        (default ../shared/data/ud-dev/sentences.jsonl and documents.jsonl)

Prints, per language (lv, lt, en) and length bucket (1-3, 4-7, 8-15, 16-40 words: sentences;
chunk60, chunk300: slide- and document-sized texts), the share of texts detected as their
language, by `detect` (which answers for any text with a word in it). A text answered "none"
counts as wrong. As a page (and in `archive detect`), a text of only numbers, URLs, codes or
names has no language; how many of the short texts that is, is printed after the tables. The same again with diacritics stripped, then
the detector's time per text: median over the slide-sized (chunk60) texts, after start-up and
with the detector's word caches emptied first, so each text is timed as an indexer meets it;
beside it, seeded langdetect's on the same texts, and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.text import fold  # noqa: E402
from indexer.language import clear_caches, detect, page_language  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ud-dev"
LANGS = ("lv", "lt", "en")
BUCKETS = ("1-3", "4-7", "8-15", "16-40", "chunk60", "chunk300")


def bucket(row: dict) -> str | None:
    if row.get("kind", "sentence") != "sentence":
        return row["kind"]
    n = row["n_words"]
    for name, top in (("1-3", 3), ("4-7", 7), ("8-15", 15), ("16-40", 40)):
        if n <= top:
            return name
    return None


def load(*paths: Path) -> dict[tuple[str, str], list[str]]:
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                name = bucket(row)
                if name in BUCKETS and row["lang"] in LANGS:
                    texts[(row["lang"], name)].append(row["text"])
    return texts


def table(texts, transform, title: str) -> dict:
    print(f"\n{title}")
    print(f"{'lang':5}" + "".join(f"{b:>10}" for b in BUCKETS))
    shares = {}
    for lang in LANGS:
        cells = []
        for name in BUCKETS:
            items = texts.get((lang, name), [])
            right = sum(detect(transform(text)).lang == lang for text in items)
            share = right / len(items) if items else None
            shares[(lang, name)] = share
            cells.append(f"{share:9.1%}" if share is not None else f"{'-':>9}")
            cells[-1] += " "
        print(f"{lang:5}" + "".join(f"{c:>10}" for c in cells))
    counts = "  ".join(f"{lang}:" + "/".join(str(len(texts.get((lang, b), []))) for b in BUCKETS) for lang in LANGS)
    print(f"texts per bucket: {counts}")
    return shares


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sentences", nargs="?", type=Path, default=DATA / "sentences.jsonl")
    parser.add_argument("documents", nargs="?", type=Path, default=DATA / "documents.jsonl")
    args = parser.parse_args()
    started = time.perf_counter()
    detect("Sveiki! Labas! Hello!")
    print(f"start-up: {time.perf_counter() - started:.2f} s")
    texts = load(args.sentences, args.documents)
    table(texts, lambda text: text, "accuracy")
    table(texts, fold, "accuracy, diacritics stripped")
    short = [text for lang in LANGS for text in texts.get((lang, "1-3"), [])]
    none = sum(page_language(text).lang is None for text in short)
    print(f"\nas pages, {none} of {len(short)} texts of 1-3 words have no language "
          "(only numbers, URLs, codes or names)")
    slides = [text for lang in LANGS for text in texts.get((lang, "chunk60"), [])]
    clear_caches()  # time texts as an indexer meets them, not as seen twice
    times = []
    for text in slides:
        started = time.perf_counter()
        detect(text)
        times.append(time.perf_counter() - started)
    ours = statistics.median(times)
    baseline = statistics.median(langdetect_times(slides))
    print(f"\nms per slide-sized text (chunk60, median of {len(times)}): {ours * 1000:.2f}; "
          f"langdetect (seeded, lv/lt/en only) on the same texts in this run: {baseline * 1000:.2f}, "
          f"ratio {ours / baseline:.2f}")
    return 0


def langdetect_times(texts: list[str]) -> list[float]:
    """The baseline this machine's speed is read against: langdetect restricted to the three
    languages and seeded, as the users first used it."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.seed = 0
    factory.load_json_profile([Path(PROFILES_DIRECTORY, lang).read_text(encoding="utf-8")
                               for lang in LANGS])
    times = []
    for text in texts:
        started = time.perf_counter()
        detector = factory.create()
        detector.append(text)
        detector.detect()
        times.append(time.perf_counter() - started)
    return times


if __name__ == "__main__":
    sys.exit(main())
