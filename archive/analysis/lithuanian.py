"""Lithuanian keys: one key for the inflected forms of a word.

Endings come from Lithuanian grammar: the five noun declensions, adjectives (pronominal forms,
comparative -esn-, superlative -iaus-), verb conjugations (present, past, frequentative past,
future, conditional, imperative, reflexive forms), participles, gerunds and half-participles.
A verb's key carries "~" ("~s" for a reflexive verb), so "planas" ("plan#as") and "planuoti"
("plan~") stay apart; a noun's or adjective's carries its lemma's ending, so "laisvas" (free)
and "laisvė" (freedom) do too. A negated verb is a word of its own ("nedirbti"), as Lithuanian
dictionaries and the ALKSNIS treebank have it. The dictionary lists nearly every form
(`dictionary_key`); participles it does not take to their verb are found through the forms it
lists (`participle_verb`).

Snowball's Lithuanian stemmer also strips derivational suffixes ("darbuotojas" and "darbas" both
become "darb"), which merges different words; these rules strip inflection only.
"""

from __future__ import annotations

from functools import lru_cache

from archive.analysis.rules import LEMMA_MARK, Tables, by_length, ends_with_any, marked, strip
from archive.text import LITERAL, WORD_CACHE, fold
from archive.words import lemmas

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
        iems iam ios es
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
        ant int uos uosime uosite
        """
        # a past passive participle after a verb's theme: padar-y-tas, gal-ė-tas
        + " ".join(theme + "t" + ending for theme in "yė"
                   for ending in "as a i os ą ų am ais omis us uose oje ame ai oms ose".split())
    ),
    reflexive=by_length(
        "tis si uosi iesi asi osi isi ėsi amės atės omės otės imės itės ėmės ėtės simės sitės "
        "damasis damosi ęsis usis tumėmės tumėtės davomės davotės"
    ),
    # What is left of a verb's theme once the ending is off: plan-uo-ti, plan-uoj-a, plan-av-o;
    # gal-ė-ti, gal-ėj-o; mok-y-ti; naud-o-ti, naud-oj-o.
    themes=("uoj", "auj", "uo", "av", "au", "oj", "ėj", "ij", "o", "y", "ė"),
)
# A verb's form ends in one of the endings only verbs have, or in one of the others.
PLAIN = PLAIN._replace(verb=by_length([*PLAIN.verb, *PLAIN.verbal_only]))
FOLDED = PLAIN.folded()
MIN_ROOT = 2
MIN_VERB_ROOT = 3


# t and d soften before i + vowel: "konkretus" -> "konkrečių", "žodis" -> "žodžių".
_DEPALATALISE = (("dž", "d"), ("č", "t"))


def nominal_root(word: str, t: Tables = PLAIN, hard: bool = True) -> str:
    """WORD without its ending; HARD: with a softened t or d made hard again, as the forms of
    a lemma with it hard need ("konkrečių", of "konkretus"); a lemma's own stays."""
    root = strip(word, t.nominal, t.vowels)
    for soft, hard_ in _DEPALATALISE if hard else ():
        if root != word and root.endswith(soft):
            return root[: -len(soft)] + hard_
    return root


def verb_root(word: str, t: Tables = PLAIN) -> str:
    root = strip(word, t.verb, t.vowels)
    for theme in t.themes:
        rest = root[: -len(theme)]
        if root.endswith(theme) and len(rest) >= MIN_VERB_ROOT and any(c in t.vowels for c in rest):
            return rest
    return root


def verb_key(word: str, t: Tables = PLAIN) -> str:
    # -antis, -intis end participles, not a reflexive infinitive's -tis
    reflexive = word.endswith(t.reflexive) and not word.endswith(("antis", "intis"))
    return verb_root(word, t) + ("~s" if reflexive else "~")


def is_infinitive(word: str) -> bool:
    return len(word) >= 4 and word.endswith(("ti", "tis"))


def is_infinitive_lemma(lemma: str) -> bool:
    """Whether the dictionary lemma LEMMA is a verb's: nouns end in -tis too ("mintis",
    "greitis"), and the dictionary takes their genitive, "minčių", "greičio", to them."""
    if not is_infinitive(lemma):
        return False
    if lemma.endswith("tis"):
        root = lemma[:-3]
        return not any(lemmas.lookup(root + ending, LANG) == lemma for ending in ("čių", "čio"))
    return True


def _rule_key(word: str, t: Tables) -> str:
    if ends_with_any(word, t.verbal_only, MIN_VERB_ROOT):
        return verb_key(word, t)
    return nominal_root(word, t)


@lru_cache(maxsize=WORD_CACHE)
def rule_key(word: str) -> str:
    """The rule key of a lower-case word."""
    lemma = _suppletive(word)
    return verb_key(lemma) if lemma else _rule_key(word, PLAIN)


def rule_keys(word: str) -> tuple[str, ...]:
    """The rule key of a lower-case word, and, when it made a soft t or d hard, the root as it
    is too (see `nominal_root`)."""
    key = rule_key(word)
    if "~" in key:
        return (key,)
    soft = nominal_root(word, hard=False)
    return (key,) if soft == key else (key, soft)


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
def dictionary_key(word: str) -> str | None:
    """The key of a lower-case word by its dictionary lemma; None when the dictionary does not
    know it."""
    lemma = _suppletive(word) or lemmatize(word)
    if lemma is None:
        return None
    if lemma == word and not is_infinitive(word) and nominal_root(word, hard=False) == word:
        return word + LITERAL  # an uninflected word: "prieš" (before) is not "priešas"
    if is_infinitive_lemma(lemma):
        return lemma_verb_key(lemma)
    if is_adverb(word, lemma):
        return adverb_key(word)
    return marked(nominal_root(lemma, hard=False), lemma, ("esn", "iaus"))


# The endings of each declension, by its citation ending (the nominative singular): a form
# read as a noun's must have an ending its lemma's declension has.
_DECLINED = {citation: frozenset(endings.split()) for citation, endings in {
    "as": "as o ui ą u e ai ų ams us ais uose",
    "ias": "ias io iui ią iu iame iai ių iams ius iais iuose",
    "is": "is io iui į iu yje iai ių iams ius iais iuose ies iai ims imis yse",
    "ys": "ys io iui į iu yje iai ių iams ius iais iuose",
    "us": "us aus ui ų umi uje ūs ums umis uose",
    "uo": "uo ens eniui enį eniu enyje enys enų enims enis enimis enyse",
    "a": "a os ai ą oje ų oms as omis ose",
    "ia": "ia ios iai ią ioje ių ioms ias iomis iose",
    "ė": "ė ės ei ę e ėje ių ėms es ėmis ėse",
}.items()}


# What an adjective adds to its masculine noun-like endings: the feminine, the definite forms
# and, for -us, the -i- of every form but four: "gera", "gerasis", "gerosios"; "gražios".
_ADJECTIVAL = {citation: frozenset(endings.split()) for citation, endings in {
    "as": "a os ai ą oje ų oms as omis ose asis ojo ajam ąjį uoju ajame ieji ųjų iesiems "
          "uosius aisiais uosiuose oji osios ajai ąją ąja ojoje osioms ąsias osiomis osiose",
    "us": "i ios iai ią ia ioje ių ioms ias iomis iose ūs iems ius iais iuose usis iojo iajam "
          "ųjį iuoju iajame ieji iųjų iesiems iuosius iaisiais iuosiuose ioji iosios iajai "
          "iąją iąja iojoje iosioms iąsias iosiomis iosiose",
}.items()}
_ADJECTIVAL["ias"] = _DECLINED["ia"] | {"iasis", "iojo", "iajam", "ioji", "iosios", "iajai"}
_DEGREES = ("esn", "iaus")  # comparative and superlative: a form of any adjective


def declension(citation: str, ending: str) -> bool | None:
    """Whether ENDING is one of a noun's or adjective's whose lemma ends in CITATION ("as"),
    folded as ENDING is; None when the declension is not known."""
    endings = _DECLINED.get(citation)
    if endings is None:
        return None
    if ending.startswith(_DEGREES) and citation in _ADJECTIVAL:
        return True
    endings = endings | _ADJECTIVAL.get(citation, frozenset())
    return ending in endings or (fold(ending) == ending and ending in {fold(e) for e in endings})


@lru_cache(maxsize=WORD_CACHE)
def other_readings(word: str) -> tuple[str, ...]:
    """Where the dictionary reads a form as a verb's that is also a form of a noun it lists, by
    an ending of that noun's declension ("vertės": of vertėti, and the genitive of vertė,
    value), the noun's key too."""
    keys = []
    for ending in PLAIN.nominal.of(word, MIN_ROOT):
        if ending == "ų" and word.endswith("tų"):
            continue  # a conditional ("būtų", would be), not a participle's genitive plural
        for citation, endings in _DECLINED.items():
            lemma = word[: -len(ending)] + citation
            if (ending in endings and lemma != word and lemmas.is_lemma(lemma, LANG)
                    and lemmas.is_common_word(lemma, LANG) and not is_infinitive_lemma(lemma)):
                keys.append(marked(nominal_root(lemma, hard=False), lemma, ("esn", "iaus")))
    return tuple(dict.fromkeys(keys))


def lemma_verb_key(infinitive: str) -> str:
    """The key of a verb by its dictionary lemma, marked with its theme, so that "minėti"
    (mention: "min~#ė") and "minti" (tread: "min~#") stay apart. A form the dictionary does not
    list has the rules' key, unmarked ("min~"), which a query for either finds."""
    stem = infinitive[: -len("tis")] if infinitive.endswith("tis") else infinitive[: -len("ti")]
    root = verb_root(infinitive)
    theme = stem[len(root):] if stem.startswith(root) else ""
    return f"{verb_key(infinitive)}{LEMMA_MARK}{theme}"


@lru_cache(maxsize=WORD_CACHE)
def guessed_keys(word: str) -> tuple[str, ...]:
    """For a form the dictionary does not list ("grąžino"): the keys of the verbs it lists
    that the form's ending could be of ("grąžinti"), with the rules' keys when the ending is
    also a noun's ("-o", a genitive); none when it lists no such verb (the rules key the
    word)."""
    nominal = not ends_with_any(word, PLAIN.verbal_only, MIN_VERB_ROOT)
    if nominal and _is_nouns_form(word):
        return ()  # "apsaugai" is apsauga's, not a past of "apsaugoti"
    keys = [lemma_verb_key(verb) for verb in _verbs_ending(word)]
    if keys and nominal:
        keys += rule_keys(word)
    return tuple(dict.fromkeys(keys))


_CITATIONS = ("as", "is", "ys", "us", "ias", "ius", "a", "ia", "ė", "uo")


def _is_nouns_form(word: str) -> bool:
    """Whether WORD's ending leaves the root of a noun or adjective the dictionary lists."""
    return any(lemmas.is_lemma(word[: -len(ending)] + citation, LANG)
               for ending in PLAIN.nominal.of(word, MIN_ROOT) for citation in _CITATIONS)


def _verbs_ending(word: str) -> list[str]:
    reflexive = "s" if word.endswith(PLAIN.reflexive) else ""
    verbs: list[str] = []
    for ending in PLAIN.verb.of(word, MIN_VERB_ROOT):
        for root in _root_variants(word[: -len(ending)]):
            if not lemmas.starts_a_word(root, LANG):
                continue
            for infinitive in _INFINITIVE_ENDINGS:
                verb = root + infinitive + reflexive
                if verb not in verbs and _is_verb_lemma(verb):
                    verbs.append(verb)
        if verbs:
            break  # the longest ending that leaves a listed verb
    return verbs[:2]


def _is_verb_lemma(infinitive: str) -> bool:
    lemma = lemmas.lookup(infinitive, LANG)
    return lemma is not None and (lemma == infinitive or _is_own_verb(infinitive, lemma))


# Adverbs: "gerai", "tiksliai", comparative "geriau", superlative "geriausiai". The dictionary
# lists some as their own lemma and takes others to their adjective ("tiksliai" -> "tikslus"),
# whose other forms are never -ai: both are adverbs, keyed by the root marked "+", so that
# "tiksliai" (precisely) and "tikslus" (precise), or "tikslas" (aim), stay apart.
ADVERB = "+"
_ADVERB_ENDINGS = ("iausiai", "iau", "iai", "ai")


def is_adverb(word: str, lemma: str) -> bool:
    if not word.endswith(_ADVERB_ENDINGS) or len(word) < 5:
        return False
    if word.endswith(("iau", "iausiai")):  # -iau is also a verb's past ("dariau")
        return not is_infinitive(lemma)
    return lemma == word or lemma.endswith("us") and not lemma.endswith("ius")


def adverb_key(word: str) -> str:
    for ending in _ADVERB_ENDINGS:
        if word.endswith(ending):
            return nominal_root(word[: -len(ending)] + "as") + ADVERB
    return word + ADVERB


# A participle, gerund or future form that the dictionary does not take to its verb: its verb
# is found through a form the dictionary lists, put together from the participle's stem: an
# infinitive ("skir-tas" -> "skirti"), or, for participles of the present and the past tense,
# whose stem is that tense's, the tense's third person ("atsirand-antis" -> "atsiranda",
# "prarad-ęs" -> "prarado"), which the dictionary takes to its verb ("atsirasti", "prarasti").
_INFINITIVE_ENDINGS = ("ti", "yti", "oti", "ėti", "uoti", "auti", "inti", "enti")
_PRESENT_A = ("a", "o", "ia", "antis")  # and the participle's own lemma
_PRESENT_I = ("i", "intis")
_PAST = ("o", "ė", "avo", "ojo", "ęs")


def _grouped(suffixes: str, forms: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    return [(suffix, forms) for suffix in suffixes.split()]


# The endings of an adjective in -ias, after a participle's "anč", "inč" or "usi".
_SOFT_ADJECTIVE = ("io iam ią iu iame ioje iai ių iams ius iais iuose ios ioms iomis iose ias ia "
                   "ioji iojo iajam iąjį iuoju iajame ieji iųjų iesiems iuosius iaisiais "
                   "iuosiuose iosios iosioms iąsias iosiomis iosiose").split()
_PARTICIPLES = tuple(sorted(
    _grouped(" ".join(["antis anti antys antį antiems ant ąs ąsis",
                       *("anč" + e for e in _SOFT_ADJECTIVE)]), _PRESENT_A)
    + _grouped(" ".join(["intis intys intį intiems int įs įsis",
                         *("inč" + e for e in _SOFT_ADJECTIVE)]), _PRESENT_I)
    # Present passive ones the dictionary does not list are the verb's ("siekiama",
    # "raginamos"); those it lists as lemmas may be adjectives (see _PARTICIPLE_LEMMAS).
    + _grouped(" ".join(e for e in _PRESENT_PASSIVE.split() if e.startswith("a")),
               ("a", "ia", "amas"))
    + _grouped(" ".join(e for e in _PRESENT_PASSIVE.split() if e.startswith("o")), ("o", "omas"))
    + _grouped(" ".join(["ęs ę usis usi usį usiems", *("us" + e for e in _SOFT_ADJECTIVE)]), _PAST)
    # Made of the infinitive's own stem: "skir-tas", "skir-damas", "skir-s" (skirti).
    + _grouped("siantis siąs siu si sime site s tų tum tume tute damas dama dami damos damasis "
               "damosi tas ta ti tos tą tų to tam tus tais tose tomis tuose tasis tieji tinas "
               "tina tini tinos tinų", ("ti",)),
    key=lambda item: len(item[0]), reverse=True))
_OWN_STEM = ("siantis", "siąs", "damas", "tinas", "tas")
# Participles the dictionary lists as lemmas of their own ("skirtas", "numatomas"): only an
# infinitive is looked for, since many present ones are adjectives of their own
# ("atitinkamas", appropriate; "tinkamas"), and "-imas" ends nouns made of verbs ("dirbimas").
_PARTICIPLE_LEMMAS = tuple(
    (suffix,
     ("ėti",) if suffix == "imas" else ("ti",) if suffix in _OWN_STEM else _INFINITIVE_ENDINGS)
    for suffix in ("siantis", "antis", "intis", "damas", "tinas", "ąsis", "įsis", "ęsis", "amas",
                   "omas", "imas", "tas", "siąs", "ąs", "įs", "ęs"))


def _root_variants(root: str) -> list[str]:
    variants = [root]
    if root.endswith(("j", "i")):  # dalyvau-j-a, skir-i-a
        variants.append(root[:-1])
    if root.endswith("av"):  # planav-o: planuo-ti, dalyvau-ti
        variants += [root[:-2] + "uo", root[:-2] + "au"]
    return variants


def participle_verb(word: str, suffixes=_PARTICIPLE_LEMMAS) -> str | None:
    """The infinitive of the participle (or gerund, or future form) WORD, as the dictionary
    knows it; None when it knows none."""
    for suffix, forms in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            for root in _root_variants(word[: -len(suffix)]):
                for ending in forms:
                    form = root + ending
                    verb = lemmas.lookup(form, LANG)
                    if verb and _is_own_verb(form, verb):
                        return form
                    if verb and is_infinitive(verb) and lemmas.lemma(verb, LANG) == verb:
                        return verb
    return None


def lemmatize(word: str) -> str | None:
    """The dictionary lemma of WORD, participles taken to their verb; None when unknown."""
    lemma = lemmas.lookup(word, LANG)
    if lemma is None:
        lemma = participle_verb(word, _PARTICIPLES)
        if lemma is None:
            return _negated(word)
    elif _is_own_verb(word, lemma):
        lemma = word
    else:
        lemma = participle_verb(lemma) or _same_gender(word, lemma)
    if (word.startswith("ne") and not lemma.startswith("ne") and is_infinitive(lemma)
            and lemmatize(word[2:]) == lemma):
        return "ne" + lemma  # the dictionary takes some negated forms to the verb ("neturės")
    return lemma


def _is_own_verb(word: str, lemma: str) -> bool:
    """Whether the infinitive WORD is a verb of its own where the dictionary takes it to
    another word: to the plural of its participle ("leisti", let: "leistas"), or, a causative
    in -inti, to the verb it is made of ("grąžinti", give back: "grįžti", come back)."""
    if not word.endswith("ti") or len(word) < 5 or lemma == word:
        return False
    return lemma == word[: -len("ti")] + "tas" or (
        word.endswith("inti") and is_infinitive(lemma) and not lemma.endswith("inti"))


# The dictionary takes some nouns to a lemma of another declension, which the form's ending
# contradicts: feminine ones to the masculine ("atstovė" -> "atstovas"), masculine ones to the
# feminine ("vakaro" -> "vakarė"). A form with an ending only the ė-declension has keeps the
# feminine (its root and -ė); one with an ending only the masculine a-declension has, the
# masculine (its root and -as), when the dictionary lists that lemma.
_E_STEM = ("ėmis", "ėms", "ėse", "ėje", "ės", "ei", "ė", "ę")
_A_STEM_MASCULINE = ("uose", "ams", "ais", "ui", "as", "us", "o", "ą")


def _same_gender(word: str, lemma: str) -> str:
    # (not after -is or -us: adjectives of those have ė-forms, "didelė", "valstybinės")
    if lemma.endswith(("as", "ys")) and word.endswith(_E_STEM):
        root = word[: -len(next(e for e in _E_STEM if word.endswith(e)))]
        # not an adjective's comparative, whose feminine is of this declension ("geresnė")
        if len(root) >= 3 and lemma.startswith(root) and not root.endswith(("esn", "iaus")):
            return root + "ė"
    if lemma.endswith("ė") and word.endswith(_A_STEM_MASCULINE):
        root = word[: -len(next(e for e in _A_STEM_MASCULINE if word.endswith(e)))]
        if len(root) >= 3 and lemmas.lookup(root + "as", LANG) == root + "as":
            return root + "as"
    return lemma


def _negated(word: str) -> str | None:
    """The negated verb ("ne" + its infinitive) of a negated form the dictionary does not list
    ("neturime"), when it lists the form without "ne"."""
    if word.startswith("ne") and len(word) >= 6:
        verb = lemmatize(word[2:])
        if verb and is_infinitive(verb):
            return "ne" + verb
    return None
