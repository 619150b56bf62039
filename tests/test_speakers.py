import pytest

from conftest import make_pptx
from indexer.speakers import is_junk_name, looks_like_name, name_on_title_page, tag_speaker


@pytest.mark.parametrize(
    "text, name",
    [
        ("LEAN diegimas savivaldybėje\nVytautas Jastremskis\nKlaipėda, 2018", "Vytautas Jastremskis"),
        ("ISO standarti\nReferente: Ilona Kozlova", "Ilona Kozlova"),
        ("Deploying LEAN\nWhy and how\nPresented by: Mindaugas Sinkevičius", "Mindaugas Sinkevičius"),
        ("GIS savivaldybėje\nPRANEŠĖJAS: Andrius Kučas", "Andrius Kučas"),
        ("Sociālā reklāma\nDaugavpils Universitāte\nMāris Čačka", "Māris Čačka"),
        ("Title\nAutorius – Julius Lukošius", "Julius Lukošius"),
    ],
    ids=["after-title", "referente", "presented-by", "upper-label", "skips-organisation", "dash"],
)
def test_name_on_title_page(text, name):
    assert name_on_title_page(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "Informācijas birojs\nDaugavpils pilsētas pašvaldība",
        "Sadarbības ar uzņēmējiem veicināšana\nLEAN IT\n2018",
        "Microsoft Office User",
        "Ačiū už dėmesį\nKlausimai Ir Diskusija",
        "Title only",
    ],
    ids=["organisation", "acronyms", "junk", "thanks", "title-only"],
)
def test_no_name_on_title_page(text):
    assert name_on_title_page(text) is None


@pytest.mark.parametrize(
    "name", ["User", "Microsoft Office User", "Lietotājs", "Windows User", "Administrator", "Vartotojas"]
)
def test_junk_authors(name):
    assert is_junk_name(name) or not looks_like_name(name)


def test_catalog_beats_title_page_beats_metadata():
    page = "Savivaldybės įvaizdis\nMindaugas Ardišauskas"
    speaker = tag_speaker(page, "Mindaugas Ardišauskas", "Mindaugs Ardišauskas")
    assert speaker.name == "Mindaugs Ardišauskas"
    assert speaker.source == "catalog"
    assert speaker.spellings == ("Mindaugs Ardišauskas", "Mindaugas Ardišauskas")

    speaker = tag_speaker(page, "Someone Else", None)
    assert (speaker.name, speaker.source) == ("Mindaugas Ardišauskas", "title-page")

    speaker = tag_speaker("Savivaldybės įvaizdis", "Paulius Rymeikis", None)
    assert (speaker.name, speaker.source) == ("Paulius Rymeikis", "metadata")


def test_junk_metadata_gives_no_speaker():
    assert tag_speaker("Sociālā reklāma", "Microsoft Office User", None) is None
    assert tag_speaker("Sociālā reklāma", "User", None) is None


def test_other_person_on_page_is_not_a_spelling_of_the_catalog_speaker():
    speaker = tag_speaker("Title\nJonas Jonaitis", None, "Inese Andiņa")
    assert speaker.spellings == ("Inese Andiņa",)


# Held-out decks: names in every position the issue lists, junk metadata, no catalog.
PEOPLE = [
    ("Mindaugas Sinkevičius", "Sinkevičiaus"), ("Andrius Kučas", "Kučo"),
    ("Inese Andiņa", None), ("Māris Čačka", None), ("Alvydas Punis", "Punio"),
    ("Vytautas Jastremskis", "Jastremskio"), ("Ilona Kozlova", None),
    ("Tautvydas Tamulevičius", "Tamulevičiaus"), ("Julius Lukošius", "Lukošiaus"),
    ("Paulius Rymeikis", "Rymeikio"), ("Inese Stahovska", None),
]
TITLES = {"lt": "Savivaldybių bendradarbiavimas", "lv": "Pašvaldību sadarbība"}


def _decks():
    for name, genitive in PEOPLE:
        first = name.split()[0]
        yield name, [name], None
        for label in ("Pranešėjas", "Pranešėja", "Referents", "Referente", "Autors", "Speaker",
                      "Presented by"):
            yield name, [f"{label}: {name}"], None
        yield name, [f"{name}, skyriaus vedėjas"], None
        yield name, [f"{name} – projekta vadītājs"], None
        yield name, ["Daugavpils pilsētas pašvaldība", "2018"], f"Paldies!\n{name}"
        yield name, ["Vilniaus universitetas"], f"Ačiū už dėmesį\n{name}\n{first.lower()}@example.lt"
        yield name, ["Kontaktai"], f"Thank you\n{name}"
        if genitive:
            yield name, [f"{first[:-2] + 'o'} {genitive} pranešimas"], None


JUNK = ["User", "Microsoft Office User", "Lietotājs", "Windows User", "Administrator", "Vartotojas"]


def test_held_out_decks_are_tagged_with_the_right_person(tmp_path):
    from indexer.pipeline import build_document

    right = total = 0
    for n, (name, title_lines, last_slide) in enumerate(_decks()):
        slides = [{"title": TITLES["lt"], "texts": title_lines},
                  {"title": "Turinys", "texts": ["Pirmas skyrius ir antras skyrius."]}]
        if last_slide:
            heading, *rest = last_slide.split("\n")
            slides.append({"title": heading, "texts": rest})
        path = make_pptx(tmp_path / f"d{n}.pptx", slides, author=JUNK[n % len(JUNK)])
        speaker = build_document(path).speaker
        total += 1
        right += speaker is not None and speaker.name.split()[-1] == name.split()[-1]
        assert speaker is None or not is_junk_name(speaker.name)
    assert total >= 100
    assert right / total >= 0.98, (right, total)


def test_junk_metadata_alone_gives_no_speaker(tmp_path):
    from indexer.pipeline import build_document

    for n, junk in enumerate(JUNK):
        path = make_pptx(tmp_path / f"j{n}.pptx", [{"title": "Sociālā reklāma"}], author=junk)
        assert build_document(path).speaker is None


def test_catalog_aliases_are_spellings_of_the_speaker():
    speaker = tag_speaker("Title", None, "Andrius Kucas", aliases=("A. Kučas", "Kučas Andrius"))
    assert speaker.spellings == ("Andrius Kucas", "A. Kučas", "Kučas Andrius")
    assert (speaker.source, speaker.confidence) == ("catalog", 1.0)


def test_last_slide_and_genitive():
    assert tag_speaker("Tema", None, None, last_page_text="Paldies!\nInese Andiņa").source == "last-slide"
    speaker = tag_speaker("Tema\nMindaugo Sinkevičiaus pranešimas", None, None)
    assert speaker.name == "Mindaugas Sinkevičius"
