"""Does a word find every form of itself, and only that word? File-level recall and precision.

    python bench/forms.py [--data DIR] [--pos NOUN,VERB,ADJ,PROPN] [--sample N] [--show N]

DIR (default ../shared/data/ud-dev) holds sentences.jsonl and lemmas.jsonl. The sentences become
pages of about 60 words, 11 pages a file (the corpus's shape), one language a file as the
treebank's, and are indexed as `archive index` indexes pages (each page's language detected,
its words keyed).
Then, for every lemma with two or more distinct forms in the data (of the parts of speech
asked), the lemma, each form, and each of these typed without diacritics are searched as
`archive search` searches a word, and the files found are compared with the files that hold a
form of the lemma:
- recall: share of the lemma's files found, averaged over queries;
- precision: share of the files found that hold a form of the lemma, or the word as typed
  (case and, for a query typed without diacritics, diacritics aside: a homograph is what the
  user asked for), or, in another language, a form of a lemma spelled as this one (Latvian and
  Lithuanian "kultūra", "tauta", "Lietuva": the same word; for a query typed without
  diacritics, spelled so diacritics aside: "sistema" is Lithuanian "sistema" and Latvian
  "sistēma"); averaged over queries that find anything; "strict" counts the last as wrong;
- other-language: share of the wrong files that are in another language than the lemma's;
- the most frequent false merges: the query and the word of a wrong file it matched.
Lower-cased throughout; the data's lemmas (treebank conventions) are the truth.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.analysis import LANGUAGES, page_terms, tokens  # noqa: E402
from archive.engine.columns import page_values  # noqa: E402
from archive.engine.postings import scored_pages  # noqa: E402
from archive.query import expand  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive.text import fold  # noqa: E402
from indexer.language import tag_pages  # noqa: E402
from indexer.model import Document, Page  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "ud-dev"
PAGE_WORDS = 60
PAGES_PER_FILE = 11


@dataclass
class File:
    path: str
    lang: str
    pages: list[str]
    lemmas: set[str] = field(default_factory=set)  # (of its language) every token's lemma
    words: set[str] = field(default_factory=set)  # lower-cased spellings
    folded: set[str] = field(default_factory=set)


def load(data: Path) -> tuple[list[File], dict[tuple[str, str], dict]]:
    """The files, and for each (language, lemma) its forms and part of speech."""
    tokens_by_sentence: dict[str, list[dict]] = defaultdict(list)
    with (data / "lemmas.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            tokens_by_sentence[row["sent_id"]].append(row)
    by_lang: dict[str, list[tuple[str, list[dict]]]] = defaultdict(list)
    with (data / "sentences.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["kind"] == "sentence" and row["sent_id"] in tokens_by_sentence:
                by_lang[row["lang"]].append((row["text"], tokens_by_sentence[row["sent_id"]]))
    files: list[File] = []
    lemmas: dict[tuple[str, str], dict] = {}
    for lang, sentences in by_lang.items():
        pages: list[tuple[str, list[dict]]] = []
        text, toks = [], []
        for sentence, sentence_tokens in sentences:
            text.append(sentence)
            toks += sentence_tokens
            if sum(len(s.split()) for s in text) >= PAGE_WORDS:
                pages.append(("\n".join(text), toks))
                text, toks = [], []
        if text:
            pages.append(("\n".join(text), toks))
        for start in range(0, len(pages), PAGES_PER_FILE):
            chunk = pages[start : start + PAGES_PER_FILE]
            file = File(f"{lang}/{start // PAGES_PER_FILE:04d}.pdf", lang, [p for p, _ in chunk])
            for page_text, page_tokens in chunk:
                for token in page_tokens:
                    file.lemmas.add(token["lemma"].lower())
                    entry = lemmas.setdefault((lang, token["lemma"].lower()),
                                              {"forms": set(), "pos": Counter()})
                    entry["pos"][token["upos"]] += 1
                    if token["form"].isalpha():
                        entry["forms"].add(token["form"].lower())
                file.words |= {t.text for t in tokens(page_text)}
            file.folded = {fold(w) for w in file.words}
            files.append(file)
    return files, lemmas


def build_index(files: list[File], directory: Path) -> tuple[float, int]:
    """Index FILES as the indexer would (language per page, keys); seconds and bytes."""
    started = time.perf_counter()
    archive = Archive.create(directory)
    with archive.writer() as writer:
        for file in files:
            tagged = tag_pages([Page(n + 1, text) for n, text in enumerate(file.pages)])
            doc = Document(path=file.path, format="pdf", title=None, author=None,
                           pages=tagged.pages, lang=tagged.main, languages=tagged.shares,
                           talk=file.path)
            writer.replace(doc, [page_terms(p.text, p.lang) for p in tagged.pages])
    archive.close()
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
    return seconds, size


@dataclass
class Tally:
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    wrong: int = 0
    wrong_other_lang: int = 0

    def add(self, found: set[str], relevant: set[str], acceptable: set[str], other_lang: int):
        self.recall.append(len(found & relevant) / len(relevant))
        if found:
            right = found & (relevant | acceptable)
            self.precision.append(len(right) / len(found))
            self.wrong += len(found) - len(right)
            self.wrong_other_lang += other_lang

    def row(self, strict: Tally) -> str:
        r = sum(self.recall) / max(1, len(self.recall))
        p = sum(self.precision) / max(1, len(self.precision))
        s = sum(strict.precision) / max(1, len(strict.precision))
        other = self.wrong_other_lang / self.wrong if self.wrong else 0.0
        return f"{len(self.recall):6d} {r:7.3f} {p:7.3f} {s:7.3f} {other:7.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--pos", default="NOUN,VERB,ADJ,PROPN")
    parser.add_argument("--sample", type=int, default=0, help="lemmas a language (0: all)")
    parser.add_argument("--show", type=int, default=12, help="false merges listed a language")
    args = parser.parse_args()
    wanted_pos = set(args.pos.split(","))

    files, lemmas = load(args.data)
    by_path = {f.path: f for f in files}
    holding: dict[tuple[str, str], set[str]] = defaultdict(set)  # (lang, lemma) -> files
    spelled_lemma: dict[str, set[str]] = defaultdict(set)  # lemma, in any language -> files
    folded_lemma: dict[str, set[str]] = defaultdict(set)  # the same, diacritics aside
    for file in files:
        for lemma in file.lemmas:
            holding[(file.lang, lemma)].add(file.path)
            spelled_lemma[lemma].add(file.path)
            folded_lemma[fold(lemma)].add(file.path)
    spelled: dict[str, set[str]] = defaultdict(set)  # a word -> files holding it
    folded_spelled: dict[str, set[str]] = defaultdict(set)
    for file in files:
        for word in file.words:
            spelled[word].add(file.path)
        for word in file.folded:
            folded_spelled[word].add(file.path)

    directory = Path(tempfile.mkdtemp(prefix="forms-bench-"))
    try:
        seconds, size = build_index(files, directory / "index")
        print(f"data: {args.data}")
        print(f"index: {len(files)} files, {sum(len(f.pages) for f in files)} pages, "
              f"{seconds:.1f} s, {size / 1e6:.1f} MB")
        archive = Archive.open(directory / "index")
        tallies: dict[tuple, Tally] = defaultdict(Tally)
        strict: dict[tuple, Tally] = defaultdict(Tally)
        merges: dict[str, Counter] = defaultdict(Counter)
        rng = random.Random(20)
        started, count = time.perf_counter(), 0
        with archive.searcher() as searcher:
            for lang in LANGUAGES:
                chosen = [(lemma, e) for (lg, lemma), e in lemmas.items()
                          if lg == lang and len(e["forms"]) >= 2 and lemma.isalpha()
                          and e["pos"].most_common(1)[0][0] in wanted_pos]
                chosen.sort()
                if args.sample:
                    chosen = rng.sample(chosen, min(args.sample, len(chosen)))
                for lemma, entry in chosen:
                    pos = entry["pos"].most_common(1)[0][0]
                    relevant = holding[(lang, lemma)]
                    typed = sorted({lemma} | entry["forms"])
                    queries = [(q, "typed") for q in typed]
                    queries += [(fold(q), "folded") for q in typed if fold(q) != q]
                    for query, kind in dict.fromkeys(queries):
                        found, matched = _files(archive, searcher, query)
                        count += 1
                        acceptable = (folded_spelled if kind == "folded" else spelled)[query]
                        cognates = (folded_lemma[fold(lemma)] if kind == "folded"
                                    else spelled_lemma[lemma]) - relevant
                        wrong = found - relevant - acceptable - cognates
                        other = sum(by_path[p].lang != lang for p in wrong)
                        split = "lemma" if query in (lemma, fold(lemma)) else "form"
                        for key in ((lang, kind, pos), (lang, kind, "all"), (lang, kind, split)):
                            tallies[key].add(found, relevant, acceptable | cognates, other)
                            strict[key].add(found, relevant, acceptable, other)
                        for path in sorted(wrong)[:3]:
                            merges[lang][(query, _matched_word(by_path[path], matched))] += 1
        elapsed = time.perf_counter() - started
        archive.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    print(f"{count} queries, {elapsed / max(1, count) * 1000:.1f} ms each\n")
    print(f"{'lang':4} {'typed':6} {'pos':5} {'queries':>6} {'recall':>7} {'prec.':>7} "
          f"{'strict':>7} {'other':>7}")
    for lang in LANGUAGES:
        for kind in ("typed", "folded"):
            for pos in ["all", *sorted(wanted_pos), "lemma", "form"]:
                if (lang, kind, pos) in tallies:
                    key = (lang, kind, pos)
                    print(f"{lang:4} {kind:6} {pos:5} {tallies[key].row(strict[key])}")
    for lang in LANGUAGES:
        if merges[lang] and args.show:
            shown = ", ".join(f"{q} -> {w} ({n})"
                              for (q, w), n in merges[lang].most_common(args.show))
            print(f"\nfalse merges, {lang}: {shown}")
    return 0


def _files(archive: Archive, searcher, word: str) -> tuple[set[str], object]:
    """The files a search for WORD finds, and what it matched."""
    query, matched = expand(archive, word)
    scores = scored_pages(searcher, query)
    if scores is None:
        scores = dict(searcher.search(query, limit=None, optimize=False).items())
    paths = page_values(searcher, "path", scores) if scores else {}
    return {path.decode("utf-8") for path in paths.values()}, matched


def _matched_word(file: File, matched) -> str:
    """The first word of FILE that MATCHED matches, as its pages were keyed, with the key."""
    for text in file.pages:
        lang = tag_pages([Page(1, text)]).pages[0].lang
        terms = page_terms(text, lang)
        for word, keys in zip(terms.exact.split(), terms.keys.split(), strict=True):
            if matched.matches(word, keys, lang or "none"):
                shared = [k for k in keys.split("|") if k in matched.keys.get(lang, ())]
                return f"{word} [{lang}:{shared[0] if shared else '='}]"
    return "?"


if __name__ == "__main__":
    sys.exit(main())
