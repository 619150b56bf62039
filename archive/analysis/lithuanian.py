"""Lithuanian keys: one key for the inflected forms of a word.

Endings come from Lithuanian grammar: the five noun declensions, adjectives (pronominal forms,
comparative -esn-, superlative -iaus-), verb conjugations (present, past, frequentative past,
future, conditional, imperative, reflexive forms), participles, gerunds and half-participles.
A verb's key carries "~" ("~s" for a reflexive verb), so "planas" ("plan") and "planuoti"
("plan~") stay apart. A negated verb is a word of its own ("nedirbti"), as Lithuanian
dictionaries and the ALKSNIS treebank have it.

Snowball's Lithuanian stemmer also strips derivational suffixes ("darbuotojas" and "darbas" both
become "darb"), which merges different words; these rules strip inflection only.
"""

from __future__ import annotations

from functools import lru_cache

from archive.analysis import lemmas
from archive.analysis.rules import Tables, by_length, ends_with_any, strip
from archive.text import WORD_CACHE, fold

LANG = "lt"
_PRESENT_ACTIVE = (
    "ančiuose ančiomis ančioms ančiais ančiose ančiame ančioje ančiam ančiai ančios ančius "
    "ančių ančiu ančią ančia ančio antiems antys antį antis "
    "inčiuose inčiomis inčioms inčiais inčiose inčiame inčioje inčiam inčiai inčios inčius "
    "inčių inčiu inčią inčia inčio intiems intys intį intis "
)
_PAST_ACTIVE = (
    "usiuose usiomis usioms usiais usiose usiame usioje usiam usiai usios usius usių usiu usią "
    "usia usio usiems usį usi ęs ęsis usis "
)
_PRESENT_PASSIVE = " ".join(
    theme + ending
    for theme in ("a", "o")
    for ending in "mas mos ma mą mų mi miems mus mais muose moje mai moms momis mose".split()
)
PLAIN = Tables(
    vowels=frozenset("aąeęėiįyouųū"),
    nominal=by_length(
        """
        iesiems aisiais uosiuose osiomis osiose uosius osioms ąsias
        ajame ajai ąjį ąją ąja uoju ojoje osios ųjų ieji oji ojo ajam asis
        esniems esnėms esniais esnėmis esniuose esnėse esnius esnes esnių esnės esnio esniam
        esnį esniu esniame esnėje esnis esnė esni esnę esne esnei
        iausiems iausioms iausiais iausiomis iausiuose iausiose iausius iausias iausių iausio
        iausiam iausią iausiu iausiame iausioje iausios iausiai iausia iausi
        iuose iams iais ioms iomis iose iaus iumi iuje ioje iui iai ių ius ias iu ią io ia
        enims enimis enyse enyje eniui enys enų enis enį eniu ens uo
        uose ams ais oms omis ose ėms ėmis ėse ims imis yse ums umis
        aus umi uje oje ėje yje imi ies
        ui ai ų us as ą os ę ės ei ys is ūs į
        a e ė i o u y
        """
    ),
    verb=by_length(
        "tumėmės tumėtės tumėme tumėte davomės davotės damasis damosi "
        + _PRESENT_ACTIVE
        + " ąs įs "
        + _PAST_ACTIVE
        + """
        damas dama dami damos damam damą damu
        davau davai davo davome davote davus davęs
        čiau tumei tume tute tum tų
        simės sitės siu sime site si
        amės atės omės otės imės itės ėmės ėtės
        uosi iesi asi osi isi ėsi
        kime kite kit k
        ame ate ome ote ime ite ėme ėte iame iate
        mas ma mo mam mą mu mame moje mi mų miems mus mais muose mos mai moms momis mose
        tas ta to tam tą tu tame toje ti tų tiems tus tais tuose tos tai toms tomis tose
        tinas tina tini tinos
        ant int us sią tis ti
        au iau ai ei ė o a ia i iu u s
        """
    ),
    verbal_only=by_length(
        "ti tis "
        + _PRESENT_ACTIVE
        + _PAST_ACTIVE
        + _PRESENT_PASSIVE
        + """
        damas dama dami damos damasis damosi davo davau davome davote
        čiau tum tumėte tumėme tų siu sime site simės
        ame ate ome ote ėme ėte iame iate
        uoja uojame uojate avo avome avote auja aujame aujate ojo ojome ojote ėjo ėjome ėjote
        ant int
        """
    ),
    reflexive=by_length(
        "tis si uosi iesi asi osi isi ėsi amės atės omės otės imės itės ėmės ėtės simės sitės "
        "damasis damosi ęsis usis tumėmės tumėtės davomės davotės"
    ),
    # What is left of a verb's theme once the ending is off: plan-uo-ti, plan-uoj-a, plan-av-o;
    # gal-ė-ti, gal-ėj-o; mok-y-ti; naud-o-ti, naud-oj-o.
    themes=("uoj", "auj", "uo", "av", "au", "oj", "ėj", "ij", "o", "y", "ė"),
)
FOLDED = PLAIN.folded()
MIN_ROOT = 2
MIN_VERB_ROOT = 3


# t and d soften before i + vowel: "konkretus" -> "konkrečių", "žodis" -> "žodžių".
_DEPALATALISE = (("dž", "d"), ("č", "t"))


def nominal_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.nominal, t.vowels)
    for soft, hard in _DEPALATALISE:
        if root != word and root.endswith(soft):
            return root[: -len(soft)] + hard
    return root


def verb_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.verb, t.vowels)
    for theme in t.themes:
        rest = root[: -len(theme)]
        if root.endswith(theme) and len(rest) >= MIN_VERB_ROOT and any(c in t.vowels for c in rest):
            return rest
    return root


def verb_key(word: str, t: Tables = PLAIN) -> str:
    return verb_root(word, t) + ("~s" if word.endswith(t.reflexive) else "~")


def is_infinitive(word: str) -> bool:
    return len(word) >= 4 and word.endswith(("ti", "tis"))


def _rule_key(word: str, t: Tables) -> str:
    if ends_with_any(word, t.verbal_only, MIN_VERB_ROOT):
        return verb_key(word, t)
    return nominal_root(word, t)


@lru_cache(maxsize=WORD_CACHE)
def key(word: str) -> str:
    """The rule key of a lower-case word."""
    lemma = _suppletive(word)
    return verb_key(lemma) if lemma else _rule_key(word, PLAIN)


@lru_cache(maxsize=WORD_CACHE)
def folded_key(word: str) -> str:
    """The rule key, without diacritics, of a word typed without them."""
    return fold(_rule_key(word, FOLDED))


# "būti" (to be) builds its forms from three roots; negated, it is "nebūti".
_BUTI_FORMS = frozenset(
    "esu esi yra esame esate esąs esant buvau buvai buvo buvome buvote buvęs buvus būsiu būsi "
    "bus būsime būsite būčiau būtum būtų būtume būtumėte būdamas būdama".split()
)
_BUTI_STEMS = ("esanč", "esant", "esam", "buvus")


def _suppletive(word: str) -> str | None:
    for prefix, lemma in (("ne", "nebūti"), ("", "būti")):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and (rest in _BUTI_FORMS or rest.startswith(_BUTI_STEMS)):
            return lemma
    return "nebūti" if word == "nėra" else None


@lru_cache(maxsize=WORD_CACHE)
def index_key(word: str) -> str:
    """The key of a lower-case word, by its dictionary lemma when the dictionary knows it."""
    lemma = _suppletive(word) or lemmatize(word)
    if lemma is None:
        return key(word)
    if is_infinitive(lemma):
        return verb_key(lemma)
    return nominal_root(lemma)


# A dictionary lists some participles as words of their own ("skirtas", "numatomas", and
# pronominal forms like "dirbąsis"); their verb is found by putting an infinitive ending on the
# participle's root, when the dictionary knows that infinitive ("skir" + "ti").
_PARTICIPLE_LEMMAS = (
    ("siantis", ()), ("antis", ()), ("intis", ()), ("damas", ()), ("tinas", ()),
    ("ąsis", ()), ("įsis", ()), ("ęsis", ()), ("iamas", ()), ("amas", ()), ("omas", ()),
    ("imas", ("ėti",)), ("tas", ()), ("siąs", ()), ("ąs", ()), ("įs", ()), ("ęs", ()),
)
# Inflected participles the dictionary may not list: tried on unknown words only.
_PARTICIPLE_FORMS = tuple(
    (suffix, ())
    for suffix in by_length(
        _PAST_ACTIVE.replace("ęsis", "").replace("usis", "").replace("ęs", "") + " ę "
        + _PRESENT_ACTIVE.replace("antis", "").replace("intis", "")
    )
)
_INFINITIVE_ENDINGS = ("ti", "yti", "oti", "ėti", "uoti", "auti", "inti", "enti")


def _root_variants(root: str) -> list[str]:
    variants = [root]
    if root.endswith(("j", "i")):  # dalyvau-j-a, skir-i-a
        variants.append(root[:-1])
    if root.endswith("av"):  # planav-o: planuo-ti, dalyvau-ti
        variants += [root[:-2] + "uo", root[:-2] + "au"]
    return variants


def participle_verb(word: str, suffixes=_PARTICIPLE_LEMMAS) -> str | None:
    for suffix, endings in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            for root in _root_variants(word[: -len(suffix)]):
                for ending in endings or _INFINITIVE_ENDINGS:
                    verb = root + ending
                    if lemmas.is_known(verb, LANG) and lemmas.lemma(verb, LANG) == verb:
                        return verb
            return None
    return None


def lemmatize(word: str) -> str | None:
    """The dictionary lemma of WORD, participles taken to their verb; None when unknown."""
    lemma = lemmas.lemma(word, LANG)
    if lemma == word and not lemmas.is_known(word, LANG):
        return participle_verb(word, _PARTICIPLE_FORMS)
    return participle_verb(lemma) or lemma
