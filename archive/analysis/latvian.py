"""Latvian keys: one key for the inflected forms of a word.

Endings come from Latvian grammar: the six noun declensions, indefinite and definite adjectives,
the comparative -āk-, verb conjugations (present, past, future, conditional, imperative, the
relative mood), reflexive forms and participles. A verb's key carries "~" ("~s" for a reflexive
verb), so a verb and a noun sharing a root stay apart: "plānot" -> "plān~", "plāns" -> "plān".
Negation "ne-" and the debitive "jā-" are not part of a verb (the Latvian treebank lemmatises
"nestrādāja" and "jāstrādā" as "strādāt").

`rule_key` uses these rules alone. `dictionary_key` looks the word up in the lemma dictionary,
which knows irregular and ambiguous forms, and keys its lemma: a noun's or adjective's root
marked with the lemma's ending ("pašvaldīb#a"), a verb's "~" key, an adverb's "+" key
("biez+": bieži), an uninflected word as spelled ("vakar="). For a form the dictionary does not
list, `guessed_keys` tries the lemmas its ending could be of that the dictionary does list.
"""

from __future__ import annotations

from functools import lru_cache

from archive.analysis.rules import (
    LEMMA_MARK,
    Tables,
    by_length,
    ends_with_any,
    marked,
    strip,
)
from archive.text import LITERAL, WORD_CACHE, fold
from archive.words import lemmas

LANG = "lv"
# An adjective's endings, indefinite and definite, which participles take: "strādājošajām",
# "izdarītajiem".
_ADJECTIVE = "s a am u ā i iem us os as ai ām ās ais ajam o ajā ie ajiem ajos ajai ajām ajās"
_PARTICIPLES = " ".join(
    stem + ending
    for stem in ("oš", "uš", "āt", "ēt", "īt", "ot")
    for ending in _ADJECTIVE.split()
)
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
        + _PARTICIPLES
    ),
    verbal_only=by_length(
        """
        ties oties šoties šot šu sim siet sies dams dama dami damas damies
        ošs oša ošo ošā ošie ošais ošajam ošajā ošajiem ošiem ošām ošas ošu oši ošos ošās
        usi usī uši ušas ušo ušā ušais ušie ušajam ušajā ušajiem ušiem ušām ušu ušos ušās usies ušies
        jis jusi juši jušas
        āms āma āmo āmā āmie āmais āmās āmi āmu āmas
        ījām ājām ējām ojām ījāt ājāt ējāt ojāt īja āja ēja oja ījās ājās ējās ojās
        ījot ājot ējot ojot oju ojam ojat ojiet īju
        ājāmies ījāmies ējāmies ojāmies ājāties ījāties ējāties ojāties ājies ījies ējies ojies
        ojas ojos ojamies ojaties ājas ājos ājamies ājaties ējas ējos ējamies ējaties
        ītais ītajā ītajam ītie īto ītā ītās ītos ītiem ītām īti īta ītas īts
        ātais ātajā ātajam ātie āto ātā ātās ātos ātiem ātām āti āta ātas
        ētais ētajā ētajam ētie ēto ētā ētās ētos ētiem ētām ēti ēta ētas ēts
        otais otajā otajam otie oto otā otās otos otiem otām oti ota otas ots
        īt āt ēt ot
        """
        + _PARTICIPLES
    ),
    reflexive=by_length(
        "ties šanās amies aties āmies āties oties damies ušies usies sies os ies ās jas jos "
        "jāmies jāties"
    ),
    themes=("ā", "ē", "ī", "o"),
)
# A verb's form ends in one of the endings only verbs have, or in one of the others.
PLAIN = PLAIN._replace(verb=by_length([*PLAIN.verb, *PLAIN.verbal_only]))
FOLDED = PLAIN.folded()

# Consonant alternations (palatalisation) undone at the end of a root: "brāļu" -> "brāl".
_DEPALATALISE = (
    ("šļ", "sl"), ("žļ", "zl"), ("šņ", "sn"), ("žņ", "zn"), ("ļņ", "ln"),
    ("pj", "p"), ("bj", "b"), ("mj", "m"), ("vj", "v"),
    ("č", "c"), ("ļ", "l"), ("ņ", "n"), ("š", "s"), ("ž", "z"),
)
# The consonants a verb's present softens besides those `depalatalise` undoes: "sniegt",
# "sniedz"; "braukt", "brauc".
_VERB_SOFTENING = (("dz", "g"), ("c", "k"))
_PREFIXES = ("ne", "jā")  # taken off verb forms
MIN_ROOT = 2


def depalatalise(root: str) -> str:
    for soft, hard in _DEPALATALISE:
        if root.endswith(soft):
            return root[: -len(soft)] + hard
    return root


def nominal_root(word: str, t: Tables = PLAIN, hard: bool = True) -> str:
    """WORD without its ending (and comparative -āk-); HARD: with a soft last consonant made
    hard, as the forms of a word whose lemma has it hard ("brālis", "brāļu") need. A lemma's
    own consonant stays as it is: "gaļa" (meat) is not "gals" (end)."""
    root = strip(word, t.nominal, t.vowels)
    if root != word and root.endswith(("āk", "ak")) and len(root) >= 5:  # comparative lielāks
        root = root[:-2]
    return depalatalise(root) if hard else root


def verb_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.verb, t.vowels)
    if len(root) > 3 and root.endswith("j") and root[-2] in t.vowels:  # strādā-j-u
        root = root[:-1]
    if len(root) >= 3 and root.endswith(t.themes):  # the theme vowel: strād-ā-t
        root = root[:-1]
    root = depalatalise(root)
    for soft, hard in _VERB_SOFTENING:
        if root.endswith(soft):
            return root[: -len(soft)] + hard
    return root


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
    if is_comparative_adverb(word, t):
        return adverb_key(word, t)
    for candidate in dict.fromkeys((word, _unprefixed(word))):
        if ends_with_any(candidate, t.verbal_only, MIN_ROOT) or _ends_as_verbs_do(candidate, t):
            return verb_key(candidate, t)
    return nominal_root(word, t)


def _ends_as_verbs_do(word: str, t: Tables) -> bool:
    """No Latvian noun or adjective ends in -t, which infinitives and second persons plural do
    ("pieņemt", "aicināt", typed "aicinat"; "strādājat"), nor in any consonant but -s, -š and
    -m, which a verb's present may ("izaug", "brauc", "sniedz")."""
    return len(word) >= 4 and word[-1] not in t.vowels and word[-1] not in "sšm"


def is_verbal_noun(word: str) -> bool:
    """A noun made of a verb with -šana ("saņemšana", "došanās"), in any of its forms."""
    return strip(word, PLAIN.nominal, PLAIN.vowels).endswith("šan")


@lru_cache(maxsize=WORD_CACHE)
def rule_key(word: str) -> str:
    """The rule key of a lower-case word."""
    return verb_key("būt") if _suppletive(word) else _rule_key(word, PLAIN)


def rule_keys(word: str) -> tuple[str, ...]:
    """The rule key of a lower-case word, and, when its root ends in a soft consonant, the
    root as it is too: the rules cannot tell whether its lemma has it soft ("gaļām", of
    "gaļa") or hard ("brāļiem", of "brālis")."""
    key = rule_key(word)
    if "~" in key or key.endswith((ADVERB, LITERAL)):
        return (key,)
    soft = nominal_root(word, hard=False)
    return (key,) if soft == key else (key, soft)


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
def dictionary_key(word: str) -> str | None:
    """The key of a lower-case word by its dictionary lemma; None when the dictionary does not
    know it."""
    lemma = _suppletive(word) or lemmatize(word)
    if lemma is None or is_verbal_noun(word):
        return None  # the dictionary takes "saņemšana" to its verb; the treebank does not
    if lemma == word and not is_infinitive(word) and nominal_root(word, hard=False) == word:
        return word + LITERAL  # an uninflected word: "vakar" (yesterday) is not "vakars"
    if is_infinitive(lemma):
        rest = _unprefixed(lemma)
        if rest != lemma and lemmas.is_known(rest, LANG):
            lemma = rest
        return lemma_verb_key(lemma)
    if is_comparative_adverb(word):
        return adverb_key(word)
    if is_adverb(lemma) and lemma == word:
        return adverb_key(lemma)
    verb = participle_verb(lemma)
    return lemma_verb_key(verb) if verb else nominal_key(lemma)


def lemma_verb_key(infinitive: str) -> str:
    """The key of a verb the dictionary lists: its key, marked with its theme vowel, so that
    "prasīt" (ask: "pras~#ī") and "prast" (know how: "pras~#") stay apart. One it does not
    list (a reflexive made of a listed verb's participle) has the rules' key, unmarked."""
    if not lemmas.is_lemma(infinitive, LANG) and not lemmas.is_known(infinitive, LANG):
        return verb_key(infinitive)
    stem = infinitive[: -len("ties")] if infinitive.endswith("ties") else infinitive[:-1]
    theme = stem[-1] if stem[-1:] in PLAIN.themes and len(stem) >= 4 else ""
    return f"{verb_key(infinitive)}{LEMMA_MARK}{theme}"


def nominal_key(lemma: str) -> str:
    """The key of a noun or adjective lemma: its root, marked with its ending."""
    lemma = _indefinite(lemma)
    return marked(nominal_root(lemma, hard=False), lemma, ("āk",))


def _indefinite(lemma: str) -> str:
    """The dictionary lists some definite and superlative forms of adjectives as lemmas of
    their own ("lielais", "jaunie", "vislielākais"): their adjective's ("liels", "jauns")."""
    if lemma.startswith("vis") and lemma.endswith(("ākais", "ākie", "āks")) and len(lemma) > 8:
        lemma = lemma[len("vis"):]
    for definite in ("ais", "ie"):
        if lemma.endswith(definite) and len(lemma) - len(definite) >= 3:
            return lemma[: -len(definite)] + "s"
    return lemma


@lru_cache(maxsize=WORD_CACHE)
def guessed_keys(word: str) -> tuple[str, ...]:
    """For a word the dictionary does not list: the keys of the lemmas its ending could be
    of that the dictionary lists, a verb's ("izmaksāja": izmaksāt) or a noun's ("satiksmi":
    satiksme), or both; none when it lists none (the rules alone key the word)."""
    found = []
    for candidate in dict.fromkeys((word, _unprefixed(word))):
        found += [lemma_verb_key(verb) for verb in _verbs_ending(candidate)]
    if not found or not ends_with_any(word, PLAIN.verbal_only, MIN_ROOT):
        found += [nominal_key(lemma) for lemma in _nominals_ending(word)]
    return tuple(dict.fromkeys(found))


def _is_lemma(candidate: str) -> bool:
    return lemmas.is_lemma(candidate, LANG)


def _starts_a_word(root: str) -> bool:
    return lemmas.starts_a_word(root, LANG)


_INFINITIVES = ("t", "āt", "ēt", "īt", "ot", "ināt")
_HARDENED = (*_VERB_SOFTENING, ("ļ", "l"), ("ņ", "n"), ("š", "s"), ("ž", "z"), ("č", "c"))


def _roots(root: str) -> list[str]:
    """ROOT, and ROOT with a softened last consonant hard again (brauc-u: braukt)."""
    roots = [root]
    if root.endswith("j") and len(root) > 3 and root[-2] in PLAIN.vowels:
        roots.append(root[:-1])  # strādā-j-u
    for soft, hard in _HARDENED:
        if root.endswith(soft):
            roots.append(root[: -len(soft)] + hard)
    return roots


def _verbs_ending(word: str) -> list[str]:
    verbs = []
    reflexive = word.endswith(PLAIN.reflexive)
    for ending in ("", *PLAIN.verb.of(word, 3)):
        for root in filter(_starts_a_word, _roots(word[: len(word) - len(ending)])):
            # a root with its theme vowel takes -t alone ("strādā-t"), one without, a theme too
            for infinitive in ("t",) if root[-1] in PLAIN.vowels else _INFINITIVES:
                verb = root + infinitive + ("ies" if reflexive else "")
                if verb not in verbs and _is_lemma(verb):
                    verbs.append(verb)
    return verbs[:2]


_CITATIONS = ("s", "š", "is", "us", "a", "e")


def _nominals_ending(word: str) -> list[str]:
    found = []
    for ending in PLAIN.nominal.of(word, 3):
        for root in filter(_starts_a_word, _roots(word[: -len(ending)])):
            for citation in _CITATIONS:
                if root + citation not in found and _is_lemma(root + citation):
                    found.append(root + citation)
        if found:
            break  # the longest ending that leaves a listed lemma
    return found[:2]


# Adverbs: a dictionary lists them as their own lemma ("bieži", "augstu", "garām"), their
# comparatives ("biežāk", "visbiežāk") end in -āk, which no adjective's form does; their key is
# the root marked "+", so that "bieži" (often) and "biežs" (frequent) stay apart.
ADVERB = "+"


def is_adverb(lemma: str) -> bool:
    return len(lemma) >= 5 and lemma.endswith(("i", "u", "ām", "āk")) and not lemma.endswith(
        ("ai", "ei", "ui"))


def is_comparative_adverb(word: str, t: Tables = PLAIN) -> bool:
    return len(word) >= 5 and word.endswith("āk" if t is PLAIN else "ak")


def adverb_key(word: str, t: Tables = PLAIN) -> str:
    root = word[3:] if word.startswith("vis") and len(word) > 7 else word
    for ending in ("āk", "ām", "i", "u"):
        ending = ending if t is PLAIN else fold(ending)
        if root.endswith(ending) and len(root) - len(ending) >= MIN_ROOT:
            root = root[: -len(ending)]
            break
    return depalatalise(root) + ADVERB


# A participle or gerund the dictionary does not take to its verb: the verb is found through a
# form the dictionary lists, put together from the participle's stem: the infinitive, for
# those made of its stem ("noteik-ts", "redzē-dams"), or, for those made of the present or the
# past tense's, that tense's third person ("brauc-ošs" -> "brauc", "nāc-is" -> "nāca", "gāj-is"
# -> "gāja": iet), which the dictionary takes to its verb. Not the present passive ("-ams",
# "-āms"), which many adjectives are ("nākamais", next).
def _grouped(stem: str, endings: str, forms: tuple[str, ...]) -> list[tuple[str, tuple]]:
    return [(stem + ending, forms) for ending in endings.split()]


_PARTICIPLE_FORMS = tuple(sorted(
    _grouped("oš", _ADJECTIVE + " ", ("", "a"))
    + _grouped("uš", _ADJECTIVE + " ies", ("a",)) + _grouped("", "is usi usies", ("a",))
    + _grouped("t", _ADJECTIVE, ("t",)) + _grouped("", "dams dama dami damas damies damās", ("t",))
    + _grouped("", "ot oties", ("", "a")),
    key=lambda item: len(item[0]), reverse=True))
# Participles the dictionary lists as lemmas of their own ("noteikts", "nācis").
_PARTICIPLE_LEMMAS = tuple(item for item in _PARTICIPLE_FORMS
                           if item[0] in ("ts", "is", "ošs", "dams"))


def participle_verb(word: str, suffixes=_PARTICIPLE_LEMMAS) -> str | None:
    """The infinitive of the participle or gerund WORD, as the dictionary knows it; a
    reflexive one's is reflexive ("apvienojusies": apvienoties)."""
    for suffix, forms in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            stems = [stem, stem[:-1]] if stem.endswith("j") and stem[-2] in "aāeēiīou" else [stem]
            for root in stems:
                for ending in forms:
                    verb = lemmas.lookup(root + ending, LANG)
                    if verb and is_infinitive(verb) and lemmas.lemma(verb, LANG) == verb:
                        reflexive = suffix.endswith(("ies", "ās", "oties")) and verb.endswith("t")
                        return verb + "ies" if reflexive else verb
    return None


# The dictionary takes some feminine nouns to the masculine ("dalībniece" -> "dalībnieks"),
# which the treebank, and the meaning, keep apart; a form with an ending only the fifth
# declension has (-e, -es, -ei, -ē, -ēm, -ēs) keeps the feminine: its root and -e.
_FIFTH = ("es", "ei", "ēm", "ēs", "e", "ē")


def _same_gender(word: str, lemma: str) -> str:
    if lemma.endswith(("s", "š")) and word.endswith(_FIFTH) and not lemma.endswith("es"):
        root = word[: -len(next(e for e in _FIFTH if word.endswith(e)))]
        if len(root) >= 3:
            return root + "e"
    return lemma


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
        return _same_gender(word, lemmas.lemma(word, LANG))
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
    for candidate in dict.fromkeys((word, rest)):
        if verb := participle_verb(candidate, _PARTICIPLE_FORMS):
            return verb
    return None
