"""How well the index keys conflate a word's forms, per language.

    python bench/analysis.py [LEMMAS_JSONL]      (default ../shared/data/ud-dev/lemmas.jsonl)

Columns, over NOUN, VERB and ADJ tokens, lower-cased, distinct (form, lemma) pairs, as the data's README
defines them:
- recall: share of same-lemma form pairs given the same key (also per part of speech);
- false merges: different-lemma pairs given the same key, per 10,000 such pairs;
- diacritics, over forms that have one, typed without it:
  - with vocabulary: its keys, resolved through an index holding the data's forms (what
    `archive search` does), include the real spelling's key;
  - rule fallback: when the real spelling is not in the index, the diacritic-free rule key of
    the typed word equals the real spelling's key without diacritics;
- lemma query: a dictionary form typed by a user, keyed by the rules alone (the query path
  never loads the dictionary), equals the index key of the form;
- µs per word for its index key, once the dictionary is loaded (first sight of each word).
Snowball Lithuanian, the reference for Lithuanian, is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.analysis import folded_key, index_key, query_key  # noqa: E402
from archive.text import fold  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "ud-dev" / "lemmas.jsonl"
POS = ("NOUN", "VERB", "ADJ")


def load(path: Path) -> dict[str, dict[tuple[str, str], str]]:
    """(form, lemma) -> part of speech, by language."""
    data: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            form, lemma = row["form"].lower(), row["lemma"].lower()
            if row["upos"] in POS and any(ch.isalpha() for ch in form):
                data[row["lang"]].setdefault((form, lemma), row["upos"])
    return data


def conflation(pairs: dict[tuple[str, str], str], keys: dict[str, str]) -> dict:
    by_lemma: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (form, lemma), pos in pairs.items():
        by_lemma[lemma].append((form, pos))
    same = Counter()
    hit = Counter()
    for forms in by_lemma.values():
        for i, (a, pos_a) in enumerate(forms):
            for b, pos_b in forms[i + 1 :]:
                pos = pos_a if pos_a == pos_b else "mixed"
                same[pos] += 1
                hit[pos] += keys[a] == keys[b]
    by_key: dict[str, Counter] = defaultdict(Counter)
    for form, lemma in pairs:
        by_key[keys[form]][lemma] += 1
    merged = sum(
        (n := sum(c.values())) * (n - 1) // 2 - sum(k * (k - 1) // 2 for k in c.values())
        for c in by_key.values()
    )
    n = len(pairs)
    different = n * (n - 1) // 2 - sum(len(f) * (len(f) - 1) // 2 for f in by_lemma.values())
    return {
        "recall": sum(hit.values()) / max(1, sum(same.values())),
        "recall_by_pos": {pos: hit[pos] / same[pos] for pos in POS if same[pos]},
        "false_merges_per_10k": merged / max(1, different) * 10_000,
        "same_lemma_pairs": sum(same.values()),
    }


def diacritics(lang: str, pairs, keys: dict[str, str]) -> dict:
    forms = {form for form, _ in pairs}
    vocabulary: dict[str, set[str]] = defaultdict(set)  # folded spelling -> keys in the index
    for form in forms:
        vocabulary[fold(form)].add(keys[form])
    marked = [form for form in forms if fold(form) != form]
    with_vocabulary = sum(keys[f] in vocabulary[fold(f)] for f in marked)
    fallback = sum(folded_key(fold(f), lang) == fold(keys[f]) for f in marked)
    return {
        "forms_with_diacritics": len(marked),
        "with_vocabulary": with_vocabulary / max(1, len(marked)),
        "rule_fallback": fallback / max(1, len(marked)),
    }


def _share(value: float, d: dict) -> str:
    return f"{value:.1%}" if d["forms_with_diacritics"] else "-"


def lemma_query(lang: str, pairs, keys: dict[str, str]) -> float:
    return sum(query_key(lemma, lang) == keys[form] for form, lemma in pairs) / max(1, len(pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lemmas", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    data = load(args.lemmas)
    print(f"data: {args.lemmas}")
    started = time.perf_counter()
    index_key("pašvaldība", "lv"), index_key("savivaldybė", "lt")  # loads the dictionaries
    print(f"dictionary load: {time.perf_counter() - started:.2f} s\n")
    header = f"{'lang':4} {'forms':>6} {'pairs':>6} {'recall':>7} {'NOUN':>6} {'VERB':>6} {'ADJ':>6} " \
             f"{'FM/10k':>7} {'diacr.':>7} {'fallbk':>7} {'lemmaQ':>7} {'µs/wd':>6}"
    print(header)
    results = {}
    for lang in ("lv", "lt", "en"):
        pairs = data.get(lang, {})
        forms = sorted({form for form, _ in pairs})
        started = time.perf_counter()
        keys = {form: index_key(form, lang) for form in forms}
        us = (time.perf_counter() - started) * 1e6 / max(1, len(forms))
        c = conflation(pairs, keys)
        d = diacritics(lang, pairs, keys)
        q = lemma_query(lang, pairs, keys)
        by_pos = c["recall_by_pos"]
        print(
            f"{lang:4} {len(forms):6d} {c['same_lemma_pairs']:6d} {c['recall']:7.1%} "
            + " ".join(f"{by_pos.get(pos, 0):6.1%}" for pos in POS)
            + f" {c['false_merges_per_10k']:7.2f} {_share(d['with_vocabulary'], d):>7} "
            f"{_share(d['rule_fallback'], d):>7} {q:7.1%} {us:6.1f}"
        )
        results[lang] = (pairs, c)
    try:
        import Stemmer
    except ImportError:
        return 0
    stemmer = Stemmer.Stemmer("lithuanian")
    pairs = results["lt"][0]
    c = conflation(pairs, {form: stemmer.stemWord(form) for form, _ in pairs})
    print(f"\nreference, Snowball Lithuanian: recall {c['recall']:.1%}, "
          f"false merges {c['false_merges_per_10k']:.2f} per 10k")
    return 0


if __name__ == "__main__":
    sys.exit(main())
