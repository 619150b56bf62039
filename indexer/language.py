"""Which of lv, lt and en a page and a document are written in.

langdetect, restricted to those three profiles and seeded so that the same text always gets the
same answer. A page too short to judge on its own takes the document's language when the
detector is not sure of it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from indexer.model import Page

LANGUAGES = ("lv", "lt", "en")

# Words of two or more letters: a page of only numbers, initials or a URL has no language.
_WORD = re.compile(r"[^\W\d_]{2,}")
_URL = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")
MIN_WORDS = 2
# Below this many words a page leans on the document's language unless the detector is sure.
SHORT_PAGE_WORDS = 8
SURE = 0.9


@lru_cache(maxsize=1)
def _factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = [Path(PROFILES_DIRECTORY, lang).read_text(encoding="utf-8") for lang in LANGUAGES]
    factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def words(text: str) -> list[str]:
    return _WORD.findall(_URL.sub(" ", text))


def detect(text: str) -> tuple[str | None, float]:
    """The language of TEXT and the detector's probability for it; (None, 0.0) if no language."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return None, 0.0
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.append(" ".join(found))
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None, 0.0
    return best.lang, best.prob


def tag_pages(pages: Sequence[Page]) -> tuple[tuple[Page, ...], str | None]:
    """PAGES with their language set, and the document's language (that of most of its text)."""
    detected = [(page, *detect(page.text), len(words(page.text))) for page in pages]
    weight: Counter[str] = Counter()
    for _page, lang, _prob, n_words in detected:
        if lang:
            weight[lang] += n_words
    doc_lang = weight.most_common(1)[0][0] if weight else None
    tagged = []
    for page, lang, prob, n_words in detected:
        if lang and doc_lang and n_words < SHORT_PAGE_WORDS and prob < SURE:
            lang = doc_lang
        tagged.append(replace(page, lang=lang))
    return tuple(tagged), doc_lang

