import pytest

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
