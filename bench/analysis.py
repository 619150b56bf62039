"""How well the index keys conflate a word's forms, per language.

    python bench/analysis.py [LEMMAS_JSONL]      (default ../shared/data/ud-dev/lemmas.jsonl)

Columns, over NOUN, VERB and ADJ tokens, lower-cased, distinct (form, lemma) pairs, as the data's README
defines them, where a pair is "given the same key" when a search for either looks for a key the
other is indexed under (`archive.analysis.search_keys`, `index_keys`):
- recall: share of same-lemma form pairs given the same key (also per part of speech);
- false merges: different-lemma pairs given the same key, per 10,000 such pairs;
- diacritics, over forms that have one, typed without it:
  - with vocabulary: its keys, resolved through an index holding the data's forms (what
    `archive search` does), include the real spelling's key;
  - rule fallback: when the real spelling is not in the index, the diacritic-free rule key of
    the typed word equals the real spelling's key without diacritics;
- lemma query: a dictionary form typed by a user is looked for by a key the form is indexed
  under;
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

from archive.analysis import folded_key, index_keys, search_keys  # noqa: E402
from archive.analysis.rules import root_of  # noqa: E402
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


def _ours(lang: str):
    """How the archive keys forms: a form's keys (to find candidate pairs by their roots), and
    whether two forms meet (a search for either looks for a key the other is indexed under)."""
    def keys_of(form: str) -> set[str]:
        return {root_of(key) for key in index_keys(form, lang) + search_keys(form, lang)}

    def meet(a: str, b: str) -> bool:
        return bool(set(search_keys(a, lang)) & set(index_keys(b, lang))
                    or set(search_keys(b, lang)) & set(index_keys(a, lang)))
    return keys_of, meet


def conflation(pairs: dict[tuple[str, str], str], keys_of, meet) -> dict:
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
                hit[pos] += meet(a, b)
    # Different-lemma pairs that meet, looked for among forms that share a root.
    lemma_of = defaultdict(set)
    for form, lemma in pairs:
        lemma_of[form].add(lemma)
    by_root: dict[str, set[str]] = defaultdict(set)
    for form in lemma_of:
        for key in keys_of(form):
            by_root[key].add(form)
    merged = set()
    for forms in by_root.values():
        ordered = sorted(forms)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if not lemma_of[a] & lemma_of[b] and meet(a, b):
                    merged.add((a, b))
    n = len(lemma_of)
    different = n * (n - 1) // 2 - sum(len(f) * (len(f) - 1) // 2 for f in by_lemma.values())
    return {
        "recall": sum(hit.values()) / max(1, sum(same.values())),
        "recall_by_pos": {pos: hit[pos] / same[pos] for pos in POS if same[pos]},
        "false_merges_per_10k": len(merged) / max(1, different) * 10_000,
        "same_lemma_pairs": sum(same.values()),
    }


def diacritics(lang: str, pairs) -> dict:
    forms = {form for form, _ in pairs}
    vocabulary: dict[str, set[str]] = defaultdict(set)  # folded spelling -> keys in the index
    for form in forms:
        vocabulary[fold(form)].update(search_keys(form, lang))
    marked = [form for form in forms if fold(form) != form]
    with_vocabulary = sum(bool(vocabulary[fold(f)] & set(index_keys(f, lang))) for f in marked)
    fallback = sum(folded_key(fold(f), lang) in {root_of(fold(k)) for k in index_keys(f, lang)}
                   for f in marked)
    return {
        "forms_with_diacritics": len(marked),
        "with_vocabulary": with_vocabulary / max(1, len(marked)),
        "rule_fallback": fallback / max(1, len(marked)),
    }


def _share(value: float, d: dict) -> str:
    return f"{value:.1%}" if d["forms_with_diacritics"] else "-"


def lemma_query(lang: str, pairs) -> float:
    return sum(bool(set(search_keys(lemma, lang)) & set(index_keys(form, lang)))
               for form, lemma in pairs) / max(1, len(pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lemmas", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    data = load(args.lemmas)
    print(f"data: {args.lemmas}")
    started = time.perf_counter()
    index_keys("pašvaldība", "lv"), index_keys("savivaldybė", "lt")  # loads the dictionaries
    print(f"dictionary load: {time.perf_counter() - started:.2f} s\n")
    header = f"{'lang':4} {'forms':>6} {'pairs':>6} {'recall':>7} {'NOUN':>6} {'VERB':>6} {'ADJ':>6} " \
             f"{'FM/10k':>7} {'diacr.':>7} {'fallbk':>7} {'lemmaQ':>7} {'µs/wd':>6}"
    print(header)
    results = {}
    for lang in ("lv", "lt", "en"):
        pairs = data.get(lang, {})
        forms = sorted({form for form, _ in pairs})
        started = time.perf_counter()
        for form in forms:
            index_keys(form, lang)
        us = (time.perf_counter() - started) * 1e6 / max(1, len(forms))
        c = conflation(pairs, *_ours(lang))
        d = diacritics(lang, pairs)
        q = lemma_query(lang, pairs)
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
    stems = {form: stemmer.stemWord(form) for form, _ in pairs}
    c = conflation(pairs, lambda form: {stems[form]}, lambda a, b: stems[a] == stems[b])
    print(f"\nreference, Snowball Lithuanian: recall {c['recall']:.1%}, "
          f"false merges {c['false_merges_per_10k']:.2f} per 10k")
    return 0


if __name__ == "__main__":
    sys.exit(main())
