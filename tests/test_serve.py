"""`archive serve`: its pages, its API, its safety, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner
from conftest import CORPUS, make_pptx

from archive.serve import make_server
from cli import main
from indexer.pipeline import index_paths

HOSTILE_TITLE = '<script>alert("title")</script>'
HOSTILE_TEXT = '"><img src=x onerror=alert(1)> and <b>bold</b> onerror'
HOSTILE_SPEAKER = "<i>Evil</i> Hacker"

LV = ("Pašvaldību sadarbība ar uzņēmējiem Latgalē stiprina reģiona ekonomiku. Mēs runājām ar "
      "uzņēmējiem par to, kā pašvaldība var palīdzēt jauniem uzņēmumiem attīstīties un kā "
      "LEAN metodes uzlabo pakalpojumus iedzīvotājiem.")
LT = ("Savivaldybių bendradarbiavimas su verslu stiprina regiono ekonomiką. Kalbėjomės su "
      "verslininkais apie tai, kaip savivaldybė gali padėti naujoms įmonėms augti ir kaip "
      "LEAN metodai gerina paslaugas gyventojams.")


def _deck(folder: Path, name: str, title: str, text: str, author: str) -> Path:
    return make_pptx(folder / name, [{"title": title, "texts": [text]},
                                     {"title": f"{title}: 2", "texts": [text]}], author=author)


@pytest.fixture(scope="module")
def served_files(tmp_path_factory) -> Path:
    """Eleven Latvian decks, two Lithuanian, one hostile, a PDF of the corpus, a catalog."""
    folder = tmp_path_factory.mktemp("served")
    for n in range(11):
        _deck(folder, f"lv_{n:02d}.pptx", f"Sadarbība ar uzņēmējiem {n}", LV,
              "Inese Andiņa" if n % 2 else "Māris Čačka")
    for n in range(2):
        _deck(folder, f"lt_{n}.pptx", f"Bendradarbiavimas su verslu {n}", LT, "Mindaugas Sinkevičius")
    _deck(folder, "hostile.pptx", HOSTILE_TITLE, f"{HOSTILE_TEXT}. {LV}", HOSTILE_SPEAKER)
    shutil.copy(CORPUS / "16_Cacka_Rotko_centrs.pdf", folder / "rotko.pdf")
    (folder / "catalog.csv").write_text(
        "file,item,title,speaker,language,event,date,place\n"
        "lt_0.pptx,1,,,lt,Vizitas Anykščiuose,2019-05-02,Anykščiai\n"
        "lt_1.pptx,2,,,lt,Vizitas Anykščiuose,2019-05-02,Anykščiai\n"
        "lv_00.pptx,3,,,lv,Konference Daugavpilī,2018-10-03,Daugavpils\n"
        f"hostile.pptx,4,,{HOSTILE_SPEAKER},lv,,,\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def served_index(served_files, tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("served-index") / "index"
    report = index_paths([served_files], index_dir, jobs=1)
    assert report.failures == []
    return index_dir


class Served:
    def __init__(self, index_dir: Path):
        self.server = make_server(index_dir, "127.0.0.1", 0)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def get(self, path: str, headers: dict | None = None, method: str = "GET", body=None):
        """(status, headers, body as text) of a request."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, body
        return body.decode("utf-8")

    def json(self, path: str):
        status, headers, body = self.get(path)
        assert status == 200, body
        assert headers["Content-Type"].startswith("application/json")
        return json.loads(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def served(served_index):
    server = Served(served_index)
    yield server
    server.close()


def _cli_json(index_dir: Path, *args: str):
    result = CliRunner().invoke(main, ["--index", str(index_dir), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------------- pages


def test_search_page_shows_talks_best_first_with_marked_words_and_counts(served):
    page = served.text("/?q=" + quote("uzņēmējiem"))
    assert "<mark>uzņēmējiem</mark>" in page
    assert "13 talks" not in page  # the Lithuanian decks say it otherwise
    assert "12 talks" in page  # eleven Latvian decks and the hostile one
    assert page.count('<article class="talk">') == 10
    assert 'rel="next"' in page and 'rel="prev"' not in page


def test_words_typed_without_diacritics_find_their_forms(served):
    assert "12 talks" in served.text("/?q=" + quote("pasvaldibu sadarbiba ar uznemejiem"))


def test_second_page_shows_the_rest(served):
    page = served.text("/?" + urlencode({"q": "uzņēmējiem", "page": 2}))
    assert page.count('<article class="talk">') == 2
    assert "showing 11–12" in page and 'rel="prev"' in page and 'rel="next"' not in page


def test_filters_have_counts_and_narrow_the_results(served):
    page = served.text("/?q=LEAN")
    assert '">lietuvių</a> <span class="count">2</span>' in page
    assert '">latviešu</a> <span class="count">12</span>' in page
    assert '">Inese Andiņa</a> <span class="count">5</span>' in page
    assert '">Vizitas Anykščiuose</a> <span class="count">2</span>' in page
    assert '">2019</a> <span class="count">2</span>' in page
    only_lt = served.text("/?q=LEAN&lang=lt")
    assert "2 talks" in only_lt and "lv_0" not in only_lt
    by_event = served.text("/?" + urlencode({"q": "LEAN", "event": "Konference Daugavpilī"}))
    assert "1 talk," in by_event and "lv_00.pptx" in by_event
    by_year = served.text("/?q=LEAN&year=2019")
    assert "2 talks" in by_year and "lt_0.pptx" in by_year
    by_speaker = served.text("/?" + urlencode({"q": "LEAN", "speaker": "Inese Andiņa"}))
    assert "5 talks" in by_speaker
    assert 'title="Remove this filter"' in by_speaker


def test_filters_alone_list_every_talk_they_keep(served):
    assert "2 talks" in served.text("/?lang=lt")


def test_did_you_mean_links_the_corrected_query(served):
    page = served.text("/?q=sadrbiba")
    assert "Did you mean" in page and ">sadarbība</a>" in page


def test_talk_page_has_every_slide_and_similar_talks(served, served_files):
    path = str(served_files / "rotko.pdf")
    page = served.text("/talk?" + urlencode({"path": path}))
    assert page.count('<section class="slide"') == 12
    assert 'id="p4"' in page and "#page=4" in page
    assert "Similar talks" in page
    assert "Open the PDF" in page


def test_speakers_and_stats_pages(served):
    speakers = served.text("/speakers")
    assert "Inese Andiņa" in speakers and "Mindaugas Sinkevičius" in speakers
    stats = served.text("/stats")
    assert "15 documents" in stats and "Vizitas Anykščiuose" in stats


def test_home_page_says_what_the_archive_holds(served):
    assert "15 presentations" in served.text("/")


def test_style_is_served_and_pages_load_nothing_from_elsewhere(served):
    status, headers, _ = served.get("/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    page = served.text("/?q=LEAN")
    assert "http://" not in page and "https://" not in page and "<script" not in page


# ------------------------------------------------------------------------- safety


def test_hostile_slide_text_title_and_speaker_are_shown_as_text(served, served_files):
    for address in ("/?q=onerror", "/talk?" + urlencode({"path": str(served_files / "hostile.pptx")})):
        page = served.text(address)
        assert "<script" not in page and "<img" not in page and "<i>" not in page
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in page
        assert "&quot;&gt;&lt;img src=x" in page
        assert "&lt;i&gt;Evil&lt;/i&gt;" in page


def test_a_hostile_query_is_escaped_in_the_box_and_the_results(served):
    query = '"><script>alert(1)</script>'
    page = served.text("/?" + urlencode({"q": query}))
    assert "<script>" not in page
    assert 'value="&quot;&gt;&lt;script&gt;' in page


def test_pages_carry_a_content_security_policy(served):
    status, headers, _ = served.get("/?q=LEAN")
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_a_pdf_is_served_inline_and_a_pptx_as_a_download(served, served_files):
    status, headers, body = served.get("/file?" + urlencode({"path": str(served_files / "rotko.pdf")}))
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("inline")
    assert body == (served_files / "rotko.pdf").read_bytes()
    status, headers, body = served.get("/file?" + urlencode({"path": str(served_files / "lt_0.pptx")}))
    assert status == 200 and headers["Content-Disposition"].startswith("attachment")
    assert body == (served_files / "lt_0.pptx").read_bytes()


@pytest.mark.parametrize("path", ["/etc/passwd", "{folder}/catalog.csv", "{folder}/../served0",
                                  "{folder}/lt_0.pptx/../../../etc/passwd", "lt_0.pptx"],
                         ids=["outside", "beside", "dotdot", "through", "relative"])
def test_only_files_the_index_holds_are_served(served, served_files, path):
    status, _, body = served.get(
        "/file?" + urlencode({"path": path.format(folder=served_files)}))
    assert status == 404
    assert b"root:" not in body and b"file,item" not in body
    assert b"is not in the index" in body


def test_a_file_gone_from_the_disk_is_a_clear_404(served_index, served_files, tmp_path):
    moved = tmp_path / "files"
    shutil.copytree(served_files, moved)
    index_dir = tmp_path / "index"
    index_paths([moved], index_dir, jobs=1)
    (moved / "lt_1.pptx").unlink()
    server = Served(index_dir)
    try:
        status, _, body = server.get("/file?" + urlencode({"path": str(moved / "lt_1.pptx")}))
    finally:
        server.close()
    assert status == 404 and b"moved or deleted" in body


def test_requests_naming_another_host_are_refused(served):
    status, _, body = served.get("/?q=LEAN", headers={"Host": "attacker.example:8080"})
    assert status == 403 and b"LEAN" not in body.split(b"</header>")[-1]
    assert served.get("/?q=LEAN", headers={"Host": f"localhost:{served.port}"})[0] == 200


def test_bounded_requests(served):
    status, _, body = served.get("/?" + urlencode({"q": "lean " * 201}))
    assert status == 400 and b"a query can be at most 1,000" in body
    assert served.get("/?q=" + "b" * 9000)[0] == 414
    assert served.get("/?q=LEAN", method="GET", body=b"x" * 10)[0] == 400
    assert served.get("/?" + "&".join(f"p{n}=1" for n in range(30)))[0] == 400
    assert served.get("/", method="POST", body=b"q=LEAN")[0] == 501
    assert served.get("/nowhere")[0] == 404
    assert served.get("/?q=LEAN&page=x")[0] == 400


def test_a_query_the_archive_cannot_search_is_one_line(served):
    status, _, body = served.get("/?q=" + quote("page:3"))
    assert status == 400 and b"Cannot search that" in body


# ------------------------------------------------------------------------- the API


def test_api_answers_as_the_commands_json_does(served, served_index, served_files):
    assert served.json("/api/search?q=LEAN&lang=lt") == _cli_json(served_index, "search", "LEAN",
                                                                  "--lang", "lt")
    assert served.json("/api/search?q=LEAN&pages=1&limit=3&offset=2") == _cli_json(
        served_index, "search", "LEAN", "--pages", "--limit", "3", "--offset", "2")
    rotko = str(served_files / "rotko.pdf")
    assert served.json("/api/show?" + urlencode({"path": rotko, "page": 4})) == _cli_json(
        served_index, "show", f"{rotko}:4")
    assert served.json("/api/similar?" + urlencode({"path": rotko})) == _cli_json(
        served_index, "similar", rotko)
    assert served.json("/api/speakers") == _cli_json(served_index, "speakers")
    assert served.json("/api/stats") == _cli_json(served_index, "stats")


def test_api_errors_are_json(served):
    status, headers, body = served.get("/api/show?path=/nowhere.pdf")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert "is not in the index" in json.loads(body)["error"]
    status, _, body = served.get("/api/search?q=LEAN&limit=1000")
    assert status == 400 and "limit" in json.loads(body)["error"]


# ------------------------------------------------------------------------- a changing index


def test_a_missing_index_is_a_clear_page_until_it_is_made(served_files, tmp_path):
    index_dir = tmp_path / "index"
    server = Served(index_dir)
    try:
        status, headers, body = server.get("/?q=LEAN")
        assert status == 503 and headers["Retry-After"]
        assert b"no index at" in body
        index_paths([served_files / "lt_0.pptx"], index_dir, jobs=1)
        assert "1 talk," in server.text("/?q=LEAN")
    finally:
        server.close()


def test_the_next_request_reads_what_an_index_run_committed(served_files, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(served_files / "lt_0.pptx", folder)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir, jobs=1)
    server = Served(index_dir)
    try:
        assert "1 talk," in server.text("/?q=LEAN")
        assert "1 talk," in server.text("/?lang=lt")  # the tables of the index are kept
        shutil.copy(served_files / "lt_1.pptx", folder)
        index_paths([folder], index_dir, jobs=1)
        assert "2 talks" in server.text("/?q=LEAN")
        assert "2 talks" in server.text("/?lang=lt")
        index_paths([folder], index_dir, jobs=1, rebuild=True)
        assert "2 talks" in server.text("/?q=LEAN")
    finally:
        server.close()


def test_serve_says_where_and_warns_when_others_can_reach_it(monkeypatch, tmp_path):
    import archive.serve

    seen = {}

    class Stub:
        server_address = ("0.0.0.0", 8123)

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            seen["closed"] = True

    monkeypatch.setattr(archive.serve, "make_server", lambda *args: seen.setdefault("args", args) and Stub())
    result = CliRunner().invoke(main, ["--index", str(tmp_path), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert "anyone who can reach this machine" in result.stderr
    assert "http://0.0.0.0:8123/" in result.stderr and seen["closed"]
    result = CliRunner().invoke(main, ["--index", str(tmp_path), "serve"])
    assert "anyone" not in result.stderr and "http://" in result.stderr
    result = CliRunner().invoke(main, ["--index", str(tmp_path), "-q", "serve"])
    assert result.stderr == ""


def test_serve_on_a_port_in_use_is_one_line(served):
    result = CliRunner().invoke(main, ["serve", "--port", str(served.port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"archive: cannot listen on 127.0.0.1:{served.port}")


@pytest.mark.slow
def test_it_keeps_answering_while_an_index_run_commits(served_files, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("lt_0.pptx", "lv_00.pptx"):
        shutil.copy(served_files / name, folder)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir, jobs=1)
    server = Served(index_dir)
    statuses, done = [], threading.Event()

    def ask() -> None:
        while not done.is_set():
            statuses.append(server.get("/?q=LEAN")[0])

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        for n in range(4):  # each run commits once, and the last rebuilds
            shutil.copy(served_files / f"lv_{n + 1:02d}.pptx", folder)
            index_paths([folder], index_dir, jobs=1, rebuild=n == 3)
    finally:
        done.set()
        asker.join()
    try:
        assert statuses and set(statuses) == {200}
        assert "6 talks" in server.text("/?q=LEAN")
    finally:
        server.close()
