"""Latvian keys: one key for the inflected forms of a word.

Endings come from Latvian grammar: the six noun declensions, indefinite and definite adjectives,
the comparative -āk-, verb conjugations (present, past, future, conditional, imperative, the
relative mood), reflexive forms and participles. A verb's key carries "~" ("~s" for a reflexive
verb), so a verb and a noun sharing a root stay apart: "plānot" -> "plān~", "plāns" -> "plān".
Negation "ne-" and the debitive "jā-" are not part of a verb (the Latvian treebank lemmatises
"nestrādāja" and "jāstrādā" as "strādāt").

`key` uses these rules alone, for queries. `index_key` first looks the word up in the lemma
dictionary, which knows irregular and ambiguous forms, and takes the rule key of the lemma.
"""

from __future__ import annotations

from functools import lru_cache

from archive.analysis import lemmas
from archive.analysis.rules import Tables, by_length, ends_with_any, strip
from archive.text import WORD_CACHE, fold

LANG = "lv"
PLAIN = Tables(
    vowels=frozenset("aāeēiīouū"),
    nominal=by_length(
        "ajiem ajām ajās ajai ajam ajos ajā ais iem ām ēm īm am im um ij as ās es ēs is īs os us "
        "ai ei ie a ā e ē i ī u ū o s š"
    ),
    verb=by_length(
        """
        ties šanās amies aties āmies āties jamies jaties jāmies jāties simies sieties šoties oties
        sies siet sim šos šot šu si
        dams dama dami damas damies damās
        ošais ošajam ošajā ošajiem ošajām ošie ošā ošo ošs oša oši ošas ošu ošam ošiem ošām ošos ošās
        ušais ušajam ušajā ušajiem ušie ušā ušo usi usī uši ušas ušu ušam ušiem ušām ušos ušās ušies usies
        ams ama ami amas amo amu amā amie amais amās amajā amajam amiem amām
        āms āma āmi āmas āmo āmu āmā āmie āmais āmās āmajā āmajam āmiem āmām
        tais tajam tajā tajiem tajām tajās tajai tie ts ta ti tas to tu tā tās tos tiem tām
        jot ot jam jat jām jāt jas jos jies ju ja ji tos iet ies is t
        """
    ),
    verbal_only=by_length(
        """
        ties oties šoties šot šu sim siet sies dams dama dami damas damies
        ošs oša ošo ošā ošie ošais ošajam ošajā ošajiem ošiem ošām ošas ošu oši ošos ošās
        usi usī uši ušas ušo ušā ušais ušie ušajam ušajā ušajiem ušiem ušām ušu ušos ušās usies ušies
        jis jusi juši jušas
        āms āma āmo āmā āmie āmais āmās āmi āmu āmas
        ījām ājām ējām ojām ījāt ājāt ējāt ojāt īja āja ēja oja ījās ājās ējās ojās
        ījot ājot ējot ojot
        ojas ojos ojamies ojaties ājas ājos ājamies ājaties ējas ējos ējamies ējaties
        ītais ītajā ītajam ītie īto ītā ītās ītos ītiem ītām īti īta ītas īts
        ātais ātajā ātajam ātie āto ātā ātās ātos ātiem ātām āti āta ātas
        ētais ētajā ētajam ētie ēto ētā ētās ētos ētiem ētām ēti ēta ētas ēts
        otais otajā otajam otie oto otā otās otos otiem otām oti ota otas ots
        īt āt ēt ot
        """
    ),
    reflexive=by_length(
        "ties šanās amies aties āmies āties oties damies ušies usies sies os ies ās jas jos"
    ),
    themes=("ā", "ē", "ī", "o"),
)
FOLDED = PLAIN.folded()

# Consonant alternations (palatalisation) undone at the end of a root: "brāļu" -> "brāl".
_DEPALATALISE = (
    ("šļ", "sl"), ("žļ", "zl"), ("šņ", "sn"), ("žņ", "zn"), ("ļņ", "ln"),
    ("pj", "p"), ("bj", "b"), ("mj", "m"), ("vj", "v"),
    ("č", "c"), ("ļ", "l"), ("ņ", "n"), ("š", "s"), ("ž", "z"),
)
_PREFIXES = ("ne", "jā")  # taken off verb forms
MIN_ROOT = 2


def depalatalise(root: str) -> str:
    for soft, hard in _DEPALATALISE:
        if root.endswith(soft):
            return root[: -len(soft)] + hard
    return root


def nominal_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.nominal, t.vowels)
    if root != word and root.endswith(("āk", "ak")) and len(root) >= 5:  # comparative lielāks
        root = root[:-2]
    return depalatalise(root)


def verb_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.verb, t.vowels)
    if len(root) > 3 and root.endswith("j") and root[-2] in t.vowels:  # strādā-j-u
        root = root[:-1]
    if len(root) >= 3 and root.endswith(t.themes):  # the theme vowel: strād-ā-t
        root = root[:-1]
    return depalatalise(root)


def verb_key(word: str, t: Tables = PLAIN) -> str:
    return verb_root(word, t) + ("~s" if word.endswith(t.reflexive) else "~")


def is_infinitive(word: str) -> bool:
    return len(word) >= 3 and word.endswith(("t", "ties"))


def _unprefixed(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix) :]
    return word


def _rule_key(word: str, t: Tables) -> str:
    for candidate in dict.fromkeys((word, _unprefixed(word))):
        if ends_with_any(candidate, t.verbal_only, MIN_ROOT):
            return verb_key(candidate, t)
    return nominal_root(word, t)


@lru_cache(maxsize=WORD_CACHE)
def key(word: str) -> str:
    """The rule key of a lower-case word."""
    return verb_key("būt") if _suppletive(word) else _rule_key(word, PLAIN)


@lru_cache(maxsize=WORD_CACHE)
def folded_key(word: str) -> str:
    """The rule key, without diacritics, of a word typed without them."""
    return fold(_rule_key(word, FOLDED))


# "būt" (to be) builds its forms from three roots.
_BUT_FORMS = frozenset(
    "ir esmu esi esam esat esot bija biju biji bijām bijāt bijis bijusi būs būšu būsi būsim "
    "būsiet būsit būtu būšot nav".split()
)
_BUT_STEMS = ("esoš", "bijuš", "bijus")


def _suppletive(word: str) -> str | None:
    rest = _unprefixed(word) if word.startswith("ne") else word
    if word in _BUT_FORMS or rest in _BUT_FORMS or rest.startswith(_BUT_STEMS):
        return "būt"
    return None


@lru_cache(maxsize=WORD_CACHE)
def index_key(word: str) -> str:
    """The key of a lower-case word, by its dictionary lemma when the dictionary knows it."""
    lemma = _suppletive(word) or lemmatize(word)
    if lemma is None:
        return key(word)
    if is_infinitive(lemma):
        rest = _unprefixed(lemma)
        if rest != lemma and lemmas.is_known(rest, LANG):
            lemma = rest
        return verb_key(lemma)
    verb = participle_verb(lemma)
    return verb_key(verb) if verb else nominal_root(lemma)


# Past passive participles the dictionary lists as words ("noteikts"): their verb is the
# participle without its "s", when the dictionary knows it as an infinitive.
def participle_verb(lemma: str) -> str | None:
    if lemma.endswith("ts") and len(lemma) >= 5:
        verb = lemma[:-1]
        if lemmas.is_known(verb, LANG) and lemmas.lemma(verb, LANG) == verb:
            return verb
    return None


# Participles and adjectives put back into the form a dictionary lists.
_CITATION_SWAPS = tuple(
    sorted(
        [(e, "s") for e in "ajiem ajām ajās ajai ajam ajos ajā ais ie o ā ās os a as u am ai i iem ām us".split()]
        + [(e, "is") for e in "usi usī uši ušas ušo ušā ušais ušie ušajam ušajā ušajiem ušām ušiem ušu ušās".split()]
        + [(e, "dams") for e in "dama dami damas".split()],
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
)


def lemmatize(word: str) -> str | None:
    """The dictionary lemma of WORD, or None when the dictionary does not know it."""
    if lemmas.is_known(word, LANG):
        return lemmas.lemma(word, LANG)
    rest = _unprefixed(word)
    if rest != word and lemmas.is_known(rest, LANG):
        lemma = lemmas.lemma(rest, LANG)
        if is_infinitive(lemma):  # only verbs take "ne-" and "jā-" off
            return lemma
    if word.startswith("vis") and len(word) > 7 and lemmas.is_known(word[3:], LANG):
        return lemmas.lemma(word[3:], LANG)  # superlative: visvairāk
    for ending, citation in _CITATION_SWAPS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            candidate = word[: -len(ending)] + citation
            if lemmas.is_known(candidate, LANG):
                return lemmas.lemma(candidate, LANG)
    return None
