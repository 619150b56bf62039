"""Which of lv, lt and en a text is written in, for a slide's few words as for a page of prose.

Evidence, all of it weighed together:
- letters only one of the languages has (Latvian ā ē ī ģ ķ ļ ņ, Lithuanian ą ę ė į ų; both have
  č š ž ū, English none of them);
- function words, the closed-class words of each language's grammar;
- web and e-mail addresses in the .lv or .lt domain;
- how often each language uses each word (wordfreq's lists), and for a word rarer than the
  lists go, which language's dictionary knows it (simplemma's, loaded for indexing anyway);
- for words neither lists nor dictionaries know, a character n-gram model (naive Bayes over
  langdetect's Lithuanian, Latvian and English profiles; deterministic, so the same text always
  gets the same answer), folded for text without diacritics, since Latvian stripped of its
  diacritics otherwise reads as Lithuanian. A word the lexicons know is judged by them alone:
  its letters would count it twice, and for a short word ("aha", "ha") they are the weaker
  evidence. langdetect's own detector is left out: on a few words it is confidently wrong too
  often.

A text with no words (numbers, a URL, initials) has no language; any other text gets the
likeliest. A page of nothing but names (capitalised words no dictionary knows) has none either,
and a short page leans on its document's language.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from archive.analysis import FOREIGN_LETTERS, LANGUAGES, LT_ONLY, LV_ONLY, SHARED
from archive.text import WORD_CACHE, fold
from archive.words import WORD_PATTERN, lemmas
from indexer import word_frequencies
from indexer.model import Page

_URL = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")
# A web or e-mail address in a country's domain ("www.rezekne.lv", "info@vilnius.lt").
_COUNTRY_DOMAIN = re.compile(r"[\w-]\.(lv|lt)\b(?![\w-]|\.\w)", re.IGNORECASE)

FUNCTION_WORDS = {
    "lv": """un ir ar kas par no uz ka lai bet arī vai tas tā to tie tās kā jo pie pēc līdz nav
        bija būs es tu viņš viņa mēs jūs viņi šis šī šo ļoti vēl jau tikai kur kad kāpēc jā nē
        gan nu te tur tad kurš kura kuru kuri kuras savu savā sava mūsu jūsu viņu man tev mums
        jums bez aiz starp pret caur virs zem ap pa kopš tāpēc taču tomēr vairs cik kāds kāda ko
        kam ne nekā""",
    "lt": """ir yra kad kaip bet arba su iš į ant už prie nuo per apie tai tas ta ši šis jis ji
        jie jos mes jūs aš tu ne taip kur kodėl dar jau tik labai buvo bus o nes kuris kuri
        kurie kurios kurį kurią kuo ką kas kam to tos tų jo jų mūsų jūsų savo man tau mums jums
        be tarp prieš po iki dėl pagal tačiau todėl nors jei jeigu čia ten net vis dabar visi
        bei šiuo šios šių""",
    "en": """the and of to in is are was were be been that for it with as on at by this these
        those or from but not have has had we you they he she i a an our their his her its
        will would can could should there which who what when where how why all any some if so
        than then do does did into about more most also only just very no yes my your me us
        them""",
}


def _weights(lists: dict[str, str]) -> dict[str, dict[str, float]]:
    """word -> {language: 1/k} for a word in k of the lists."""
    owners: dict[str, list[str]] = {}
    for lang, words in lists.items():
        for word in words.split():
            owners.setdefault(word, []).append(lang)
    return {word: {lang: 1 / len(langs) for lang in langs} for word, langs in owners.items()}


_FUNCTION = _weights(FUNCTION_WORDS)
_FUNCTION_FOLDED = _weights({lang: fold(words) for lang, words in FUNCTION_WORDS.items()})

# Weights of the evidence, in units of one function word. Chosen on the development data's
# short texts (bench/langid.py); longer texts are decided by any reasonable weights.
LETTER = 2.0  # a letter only one language has
LEXICON = 1.6  # a word used ten times as often in one language as in another
LEXICON_MOST = 2  # factors of ten a word can weigh: a name or loan word alone should not decide
NGRAMS = 0.1  # the character n-gram log-likelihood, relative to the likeliest language
ASCII_PRIOR = 0.6  # English, for a few words with nothing Latvian or Lithuanian about them
DOMAIN = 1.0  # an address in the .lv or .lt domain
# Words looked up in the lexicons and the n-gram model: enough to decide any text, so a
# long page costs no more than a slide.
SAMPLE_WORDS = 20


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str | None
    confidence: float  # 0..1

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=4)  # a page's text is asked for its words three times as it is tagged
def words(text: str) -> tuple[str, ...]:
    """The words of TEXT, URLs and e-mail addresses left out."""
    # The address pattern tries every position of the text: only text with an address pays it.
    if "://" in text or "www." in text or "@" in text:
        text = _URL.sub(" ", text)
    return tuple(WORD_PATTERN.findall(text))


def detect(text: str) -> Detection:
    """The likeliest language of TEXT; none only when it has no word of two letters or more.
    Words inside web and e-mail addresses count only when there are no others: what a page of
    only addresses or names is, `page_language` says."""
    # An address's words say little ("info", "www"); its domain is weighed below. Its words
    # are the text's words too, so only text without a word of two letters outside addresses
    # needs them all.
    found = words(text)
    if not any(len(word) >= 2 for word in found):
        every = WORD_PATTERN.findall(text)
        if not any(len(word) >= 2 for word in every):
            return Detection(None, 0.0)
        found = found or every
    lowered = [word.lower() for word in found]
    bare = all(fold(word) == word for word in lowered)  # typed or exported without diacritics
    scores = Counter({lang: 0.0 for lang in LANGUAGES})
    letters = set("".join(lowered))
    if letters & LV_ONLY and not letters & LT_ONLY:
        scores["lv"] += LETTER * len(letters & LV_ONLY)
    if letters & LT_ONLY and not letters & LV_ONLY:
        scores["lt"] += LETTER * len(letters & LT_ONLY)
    if letters & (LV_ONLY | LT_ONLY | SHARED):
        scores["en"] -= LETTER
    for domain in _COUNTRY_DOMAIN.findall(text):
        scores[domain.lower()] += DOMAIN
    function = _FUNCTION_FOLDED if bare else _FUNCTION
    baltic = False  # something only Latvian or Lithuanian has
    unknown = []  # words no lexicon knows
    for n, word in enumerate(lowered):
        for lang, weight in function.get(word, {}).items():
            scores[lang] += weight
            baltic |= lang != "en"
        if n >= SAMPLE_WORDS:
            continue
        evidence = _lexical_evidence(word, bare)
        if evidence is None:
            unknown.append(word)
            continue
        weights, only_baltic = evidence
        for lang, weight in zip(LANGUAGES, weights, strict=True):
            scores[lang] += weight
        baltic |= only_baltic
    if bare and not baltic and len(found) <= 3:
        scores["en"] += ASCII_PRIOR
    likelihood = ngram_log_likelihood(unknown, folded=bare)
    top = max(likelihood.values())
    for lang, value in likelihood.items():
        scores[lang] += NGRAMS * (value - top)
    (best, first), (_, second) = scores.most_common(2)
    confidence = 1 / (1 + math.exp(-(first - second)))
    return Detection(best, round(confidence, 3))


# What each language's use of a word is taken to be where wordfreq's list lacks it (it lists
# words used once in a million or more: Zipf 3): a tenth of that where the language's
# dictionary lists the word, and a thirtieth of that again where it does not.
IN_DICTIONARY = 2.0
IN_NEITHER = 0.5


@lru_cache(maxsize=WORD_CACHE)
def _lexical_evidence(word: str, folded: bool) -> tuple[tuple[float, ...], bool] | None:
    """What WORD weighs for each of LANGUAGES by how often each uses it, and whether only a
    Baltic dictionary lists it; None if no lexicon knows it."""
    usage = word_usage(word, folded)
    if usage is None:
        return None
    top = max(usage)
    owners = _dictionaries_knowing(word)
    return (tuple(LEXICON * max(value - top, -LEXICON_MOST) for value in usage),
            bool(owners) and "en" not in owners)


def word_usage(word: str, folded: bool) -> tuple[float, ...] | None:
    """log10 of how often each of LANGUAGES uses WORD (lower-cased) in a billion words; None if
    no language's list or dictionary knows it. FOLDED: WORD is written without diacritics."""
    listed = word_frequencies.zipf(word, folded)
    owners = _dictionaries_knowing(word)
    if not owners and all(value is None for value in listed):
        return None
    return tuple(value if value is not None else IN_DICTIONARY if lang in owners else IN_NEITHER
                 for lang, value in zip(LANGUAGES, listed, strict=True))


@lru_cache(maxsize=WORD_CACHE)
def _dictionaries_knowing(word: str) -> tuple[str, ...]:
    """The languages whose dictionary lists WORD (lower-cased). A word with a letter only
    other languages write is not looked for in the language's dictionary: of the dictionaries'
    725k words, 19 have one, typos all ("žurnālas" in the Lithuanian one)."""
    letters = set(word)
    return tuple(lang for lang in LANGUAGES
                 if not letters & FOREIGN_LETTERS[lang] and lemmas.is_listed(word, lang))


@lru_cache(maxsize=2)
def _profiles(folded: bool) -> tuple[dict[str, tuple[float, ...]], dict[int, tuple[float, ...]]]:
    """log P(n-gram) in each language, from langdetect's profiles (character 1-3-grams counted
    on Wikipedia), folded for text without diacritics: for each n-gram some profile has, its
    log probability in each of LANGUAGES; and for each length, those of an n-gram no profile
    has. Each profile keeps only n-grams above a count, so an n-gram it lacks gets that count:
    "rare here", not "impossible"."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    models, floors = [], []
    for lang in LANGUAGES:
        profile = json.loads(Path(PROFILES_DIRECTORY, lang).read_text(encoding="utf-8"))
        freq: Counter[str] = Counter()
        for gram, count in profile["freq"].items():
            gram = fold(gram) if folded else gram
            if 1 <= len(gram) <= 3:  # folding can merge or drop marks
                freq[gram] += count
        totals = profile["n_words"]
        floor = {}
        for n in (1, 2, 3):
            counts = [c for g, c in freq.items() if len(g) == n]
            floor[n] = math.log(min(counts) / totals[n - 1])
        models.append({gram: math.log(count / totals[len(gram) - 1]) for gram, count in freq.items()})
        floors.append(floor)
    languages = list(zip(models, floors, strict=True))
    table = {gram: tuple(model.get(gram, floor[len(gram)]) for model, floor in languages)
             for gram in set().union(*models)}
    return table, {n: tuple(floor[n] for floor in floors) for n in (1, 2, 3)}


def load_profiles() -> None:
    """Read the n-gram profiles now, which only a word no lexicon knows needs: the indexer does
    before its workers fork, so that they share one copy."""
    for folded in (False, True):
        _profiles(folded)


def ngram_log_likelihood(lowered: list[str], folded: bool) -> dict[str, float]:
    """log P(words | language) under a character 1-3-gram model (naive Bayes)."""
    totals = dict.fromkeys(LANGUAGES, 0.0)
    for word in lowered[:SAMPLE_WORDS]:
        for lang, value in zip(LANGUAGES, _word_log_likelihood(word, folded), strict=True):
            totals[lang] += value
    return totals


@lru_cache(maxsize=WORD_CACHE)
def _word_log_likelihood(word: str, folded: bool) -> tuple[float, ...]:
    padded = f" {word} "
    table, floors = _profiles(folded)
    found = [table.get(gram) or floors[n] for n in (1, 2, 3)
             for gram in (padded[i : i + n] for i in range(len(padded) - n + 1)) if gram.strip()]
    return tuple(sum(column) for column in zip(*found, strict=True))


def clear_caches() -> None:
    """Forget the words seen so far (for timing); the dictionaries stay loaded."""
    _word_log_likelihood.cache_clear()
    _dictionaries_knowing.cache_clear()
    _lexical_evidence.cache_clear()
    words.cache_clear()


# Below this many words a page leans on its document's language unless the detector is sure.
SHORT_PAGE_WORDS = 8
SURE = 0.9


def is_linguistic(text: str) -> bool:
    """Whether TEXT has words beyond numbers, URLs, initials, codes and acronyms ("LT-12345",
    "ISO 9001") and names: two to four capitalised words that no dictionary lists ("Debra
    Perlingiere") are a name, one alone may be a word."""
    found = [w for w in words(text) if len(w) >= 2 and not (w.isupper() and len(w) <= 4)]
    if not 2 <= len(found) <= 4:
        return bool(found)
    return not all(w[0].isupper() and not _listed_as_common_word(w.lower()) for w in found)


def _listed_as_common_word(word: str) -> bool:
    """Whether a dictionary lists WORD as a word, not only as a name ("Mindaugas")."""
    return any(lemmas.is_common_word(word, lang) for lang in LANGUAGES)


def page_language(text: str) -> Detection:
    """A page's own language: none for a page with no linguistic text (numbers, names, a URL)."""
    return detect(text) if is_linguistic(text) else Detection(None, 0.0)


@dataclass(frozen=True, slots=True)
class Languages:
    """A document's pages with their languages, its main language and each language's share."""

    pages: tuple[Page, ...]
    main: str | None  # the language of most of its words
    shares: dict[str, float]  # language -> share of the words on pages in that language


def tag_pages(pages: Sequence[Page]) -> Languages:
    """PAGES with their language set, and the document's languages."""
    detected = [(page, page_language(page.text), len(words(page.text))) for page in pages]
    weight: Counter[str] = Counter()
    for _page, found, n_words in detected:
        if found.lang:
            weight[found.lang] += n_words
    main = weight.most_common(1)[0][0] if weight else None
    tagged = []
    for page, found, n_words in detected:
        lang = found.lang
        if lang and main and n_words < SHORT_PAGE_WORDS and found.confidence < SURE:
            lang = main
        tagged.append(replace(page, lang=lang))
    total = sum(weight.values())
    shares = {lang: round(n / total, 3) for lang, n in weight.most_common()} if total else {}
    return Languages(tuple(tagged), main, shares)
