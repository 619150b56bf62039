"""`archive export --opensearch` and `archive search --opensearch`: the mapping and the first
pages of the corpus's bulk files against golden files, every bulk line against a JSON schema of
the bulk format, `--since` after changes, the translation of queries to OpenSearch's DSL
(golden), and searches through the real opensearch-py client against a stub server on
127.0.0.1 that answers with responses in OpenSearch's shape, made from the corpus.

No OpenSearch server runs here. ARCHIVE_GOLDEN=update writes the golden files anew, from what
the code makes now: review their diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT

from archive.opensearch.export import MAPPING, STATE
from archive.opensearch.mapping import SEARCHED_ONLY, index_body
from archive.opensearch.translate import search_body, translate
from archive.store import Archive
from cli import main
from indexer.pipeline import index_paths

GOLDEN = Path(__file__).parent / "golden" / "opensearch"
UPDATE = os.environ.get("ARCHIVE_GOLDEN") == "update"
FIRST_PAGES = 3  # of the corpus's first bulk file, kept as a golden file


def golden(name: str, actual: str) -> None:
    """ACTUAL is the golden file NAME (written anew with ARCHIVE_GOLDEN=update)."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (ARCHIVE_GOLDEN=update)"


def portable(text: str) -> str:
    """TEXT with this checkout's corpus folder as $CORPUS: the same on every machine."""
    return text.replace(str(CORPUS), "$CORPUS")


def run(*args, index=None):
    prefix = ["--index", str(index)] if index else []
    return CliRunner().invoke(main, [*prefix, *map(str, args)])


def bulk_lines(out_dir: Path) -> list[dict]:
    report = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
    assert report["files"] is not None
    lines = []
    for chunk in sorted(out_dir.glob("bulk-*.ndjson")):
        text = chunk.read_text(encoding="utf-8")
        assert text.endswith("\n")  # _bulk needs the last line ended too
        lines += [json.loads(line) for line in text.splitlines()]
    return lines


def actions(lines: list[dict]) -> list[tuple[str, str]]:
    """(action, id) of each action of LINES, which follow the bulk format."""
    found, n = [], 0
    while n < len(lines):
        (kind, target), = lines[n].items()
        found.append((kind, target["_id"]))
        n += 2 if kind == "index" else 1
    return found


@pytest.fixture(scope="module")
def corpus_export(corpus_index, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("opensearch-export")
    result = run("export", "--opensearch", out, "--chunk", 50, index=corpus_index)
    assert result.exit_code == 0, result.output
    return out


# ------------------------------------------------------------------------------------- export


def test_the_mapping_is_the_golden_one_and_what_the_export_writes(corpus_export):
    text = json.dumps(index_body(), ensure_ascii=False, indent=2) + "\n"
    golden("mapping.json", text)
    assert (corpus_export / MAPPING).read_text(encoding="utf-8") == text
    analysis = index_body()["settings"]["analysis"]
    properties = index_body()["mappings"]["properties"]
    assert {properties[f"text_{lang}"]["analyzer"] for lang in ("lv", "lt", "en")} == {
        "latvian", "lithuanian", "english"}
    assert all("asciifolding" in analysis["analyzer"][f"archive_{lang}_folded"]["filter"]
               for lang in ("lv", "lt", "en"))
    assert properties["lemmas"]["type"] == "keyword"


def test_the_first_pages_of_the_corpus_are_the_golden_ones(corpus_export):
    first = (corpus_export / "bulk-00001.ndjson").read_text(encoding="utf-8").splitlines()
    golden("bulk-head.ndjson", portable("\n".join(first[: 2 * FIRST_PAGES]) + "\n"))


def test_every_line_follows_the_bulk_format(corpus_export):
    jsonschema = pytest.importorskip("jsonschema", reason="the test extra is not installed")

    schema = json.loads((GOLDEN / "bulk.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    action = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/action"})
    document = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/document"})
    lines = bulk_lines(corpus_export)
    n = 0
    while n < len(lines):
        action.validate(lines[n])
        if "index" in lines[n]:
            document.validate(lines[n + 1])
            assert lines[n]["index"]["_id"] == f"{lines[n + 1]['path']}#{lines[n + 1]['page']}"
            assert not set(SEARCHED_ONLY) - set(lines[n + 1]) - {"text_lv", "text_lt",
                                                                  "text_en", "lemmas",
                                                                  "lemma_roots"}
            n += 2
        else:
            n += 1
    with pytest.raises(jsonschema.ValidationError):  # the schema does hold them to it
        document.validate({**lines[1], "lang": "de"})


def test_every_page_of_the_index_is_exported_exactly_once(corpus_index, corpus_export):
    done = actions(bulk_lines(corpus_export))
    ids = [page_id for kind, page_id in done]
    assert {kind for kind, _ in done} == {"index"}
    assert len(ids) == len(set(ids))
    archive = Archive.open(corpus_index)
    try:
        with archive.searcher() as searcher:
            held = {f"{fields['path']}#{fields['page']}" for fields in searcher.all_stored_fields()}
    finally:
        archive.close()
    assert set(ids) == held and len(held) == 174
    assert len(list(corpus_export.glob("bulk-*.ndjson"))) == 4  # 50 pages a file


def test_since_exports_only_what_changed_and_deletes_what_left(tmp_path):
    folder, index, out = tmp_path / "talks", tmp_path / "index", tmp_path / "os"
    folder.mkdir()
    names = ["16_Cacka_Rotko_centrs.pdf", "04_Andina_informacijas_birojs.pdf",
             "15_Punis_orientuotas_i_rezultatus.pdf"]
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    index_paths([folder], index, jobs=1)
    assert run("export", "--opensearch", out, index=index).exit_code == 0
    first = actions(bulk_lines(out))
    rotko = str(folder / names[0])
    assert len({page_id.split("#")[0] for _, page_id in first}) == 3

    result = run("export", "--opensearch", out, "--since", "--json", index=index)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["chunks"] == [] and not list(out.glob("bulk-*"))

    # Rotko's 12 pages become another talk's 11; Andina's talk leaves; a new talk comes.
    shutil.copy(CORPUS / "05_Kozlova_ISO_standarti.pdf", rotko)
    (folder / names[1]).unlink()
    shutil.copy(CORPUS / "12_Rymeikis_socialine_reklama.pptx", folder / "new.pptx")
    index_paths([folder], index, jobs=1)
    result = run("export", "--opensearch", out, "--since", "--json", index=index)
    assert result.exit_code == 0, result.output
    done = actions(bulk_lines(out))
    sent = {page_id.split("#")[0] for kind, page_id in done if kind == "index"}
    assert sent == {rotko, str(folder / "new.pptx")}  # not Punis, unchanged
    deleted = [page_id for kind, page_id in done if kind == "delete"]
    gone = [page_id for _, page_id in first if page_id.startswith(str(folder / names[1]))]
    archive = Archive.open(index)
    try:
        with archive.searcher() as searcher:
            kept = len(list(searcher.documents(path=rotko)))
    finally:
        archive.close()
    assert kept == 11
    assert sorted(deleted) == sorted(gone + [f"{rotko}#{n}" for n in range(kept + 1, 13)])
    report = json.loads(result.stdout)
    assert (report["files"], report["deleted_files"]) == (2, 1)
    assert report["deleted_pages"] == len(deleted)


def test_since_without_an_export_or_after_another_kind_says_so_in_one_line(corpus_index,
                                                                          tmp_path):
    result = run("export", "--opensearch", tmp_path, "--since", index=corpus_index)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"archive: {tmp_path / STATE}: no export here to update: "
                                     "export without --since first")
    assert run("export", "--opensearch", tmp_path, "--name", "one", index=corpus_index
               ).exit_code == 0
    result = run("export", "--opensearch", tmp_path, "--since", index=corpus_index)
    assert result.exit_code == 1 and "index 'one'" in result.stderr


def test_the_summary_says_what_was_written(corpus_index, tmp_path):
    result = run("export", "--opensearch", tmp_path, index=corpus_index)
    assert result.stderr.endswith("174 pages of 15 files exported: "
                                  f"{tmp_path}/mapping.json and 1 bulk file "
                                  "(bulk-00001.ndjson)\n")


# ---------------------------------------------------------------------------- the query DSL


QUERIES = [
    ("LEAN", {}),
    ("pašvaldība", {}),
    ("pasvaldibu sadarbiba", {}),
    ("savivaldybe", {"lang": "lt"}),
    ('"social insurance" OR SODRA', {}),
    ('"valstybinio socialinio draudimo"~2', {}),
    ("(GIS OR LEAN) AND NOT ISO", {}),
    ("pasvald*", {}),
    ("title:rotko", {}),
    ('title:"marka rotko"', {}),
    ("speaker:cacka Rotko", {}),
    ("lang:LV format:pdf", {}),
    ("event:anyksciai place:anykščiai", {}),
    ("year:2018", {}),
    ("year:[2017 TO 2019]", {}),
    ("path:punis", {}),
    ("path:*punis*", {}),
    ("*", {"speaker": "mindaugs"}),
    ("LEAN^2 savivaldybė", {"exact": True}),
]


def test_queries_translate_to_the_golden_dsl(monkeypatch):
    monkeypatch.chdir("/")  # path: takes a path relative to the current folder too
    translated = []
    for text, options in QUERIES:
        query, _ = translate(text, **options)
        translated.append({"query": text, **options, "dsl": query})
    query, _ = translate("LEAN", lang="lt")
    translated.append({"body": "talks", "dsl": search_body(query, limit=2)})
    translated.append({"body": "files", "dsl": search_body(query, collapse=False)})
    translated.append({"body": "pages", "dsl": search_body(query, by_page=True, offset=20)})
    golden("queries.json", json.dumps(translated, ensure_ascii=False, indent=1) + "\n")


def test_a_query_the_local_search_refuses_is_refused_the_same(tmp_path):
    result = run("search", "page:3", "--opensearch", "http://127.0.0.1:9", index=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("archive: page: is not a field a query can search")


# ------------------------------------------------------------------- through the real client


class Stub(BaseHTTPRequestHandler):
    """OpenSearch's part: each request recorded, each answered with what `answers` holds for
    its method and path (404 index_not_found_exception otherwise)."""

    answers: ClassVar[dict[tuple[str, str], dict]] = {}
    requests: ClassVar[list[tuple[str, str, dict | None]]] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        path = self.path.split("?")[0]
        self.requests.append((self.command, path, body))
        answer = self.answers.get((self.command, path))
        status = 200
        if answer is None:
            status, answer = 404, {"error": {"type": "index_not_found_exception",
                                             "reason": "no such index [nope]"}, "status": 404}
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args):
        pass  # not on the tests' stderr


@pytest.fixture()
def server():
    pytest.importorskip("opensearchpy", reason="the opensearch extra is not installed")
    Stub.answers, Stub.requests = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


# Each search the client tests make: its arguments, and the golden response the stub answers.
SEARCHES = {
    "talks": ["LEAN", "--lang", "lt", "--limit", "2"],
    "pages": ["Rotko", "--speaker", "cacka", "--pages", "--limit", "2"],
}


def recorded(corpus_index, args: list[str]) -> dict:
    """The response OpenSearch gives the search ARGS, in its shape, with the pages and scores
    the local search finds (what ARCHIVE_GOLDEN=update writes)."""
    from archive.answers import find
    from archive.opensearch.mapping import page_document

    by_page = "--pages" in args
    archive = Archive.open(corpus_index)
    try:
        found = find(archive, args[0], by_page=by_page, lang=_option(args, "--lang"),
                     speaker=_option(args, "--speaker"), limit=int(_option(args, "--limit")))
        with archive.searcher() as searcher:
            def hit(path: str, page: int, score: float) -> dict:
                from archive.records import PageRecord

                fields = next(f for f in searcher.documents(path=path) if f["page"] == page)
                source = {k: v for k, v in page_document(PageRecord.from_fields(fields)).items()
                          if k not in SEARCHED_ONLY}
                return {"_index": "archive", "_id": f"{path}#{page}", "_score": score,
                        "_source": source}

            def hits(found_hits: list[dict]) -> dict:
                return {"total": {"value": len(found_hits), "relation": "eq"},
                        "max_score": found_hits[0]["_score"] if found_hits else None,
                        "hits": found_hits}

            if by_page:
                listed = [hit(h.path, h.page, h.score) for h in found.entries]
                response = {"hits": {**hits(listed),
                                     "total": {"value": found.total, "relation": "eq"}}}
            else:
                talks = []
                for entry in found.entries:
                    best = entry.best
                    files = [hit(best.path, best.page, best.score)] + [
                        {"_index": "archive", "_id": f"{v.path}#1", "_score": 0.5,
                         "_source": {"path": v.path, "format": v.format, "doc_lang": v.lang}}
                        for v in entry.versions]
                    talks.append({**hit(best.path, best.page, best.score),
                                  "fields": {"talk": [searcher.document(path=best.path)["talk"]]},
                                  "inner_hits": {
                                      "pages": {"hits": hits([hit(h.path, h.page, h.score)
                                                              for h in entry.pages])},
                                      "files": {"hits": hits(files)}}})
                response = {"hits": {**hits(talks),
                                     "total": {"value": found.total_pages, "relation": "eq"}},
                            "aggregations": {"groups": {"value": found.total}}}
    finally:
        archive.close()
    return {"took": 2, "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}, **response}


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def stub_answer(corpus_index, name: str) -> dict:
    if UPDATE:
        golden(f"response-{name}.json", portable(json.dumps(
            recorded(corpus_index, SEARCHES[name]), ensure_ascii=False, indent=1) + "\n"))
    text = (GOLDEN / f"response-{name}.json").read_text(encoding="utf-8")
    return json.loads(text.replace("$CORPUS", str(CORPUS)))


@pytest.mark.parametrize("name", list(SEARCHES))
def test_a_search_there_prints_what_the_local_search_prints(corpus_index, server, name):
    Stub.answers[("POST", "/archive/_search")] = stub_answer(corpus_index, name)
    args = SEARCHES[name]
    there = run("search", *args, "--opensearch", server)
    here = run("search", *args, index=corpus_index)
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout and there.stdout
    assert there.stderr == here.stderr
    there_json = json.loads(run("search", *args, "--json", "--opensearch", server).stdout)
    assert there_json == json.loads(run("search", *args, "--json", index=corpus_index).stdout)
    # What the client sent is the translated query, as the body says.
    method, path, body = Stub.requests[0]
    options = {"lang": _option(args, "--lang"), "speaker": _option(args, "--speaker")}
    query, _ = translate(args[0], **options)
    assert (method, path) == ("POST", "/archive/_search")
    assert body == search_body(query, by_page="--pages" in args, limit=int(_option(args,
                                                                                   "--limit")))


def test_the_index_is_named_by_the_url_and_a_missing_one_is_one_line(server):
    result = run("search", "LEAN", "--opensearch", f"{server}/nope")
    assert result.exit_code == 1
    assert result.stderr == (f"archive: {server}: no index 'nope' there (no such index [nope]): "
                             "send it what `archive export --opensearch` wrote (see the "
                             "README)\n")
    assert Stub.requests[0][:2] == ("POST", "/nope/_search")


def test_without_the_client_the_flag_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "opensearchpy", None)  # import fails as if not installed
    result = run("search", "LEAN", "--opensearch", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert result.stderr == ("archive: --opensearch needs the OpenSearch client: pip install "
                             "'.[opensearch]' in the archive's folder (or pip install "
                             "'opensearch-py>=3.2,<4')\n")


def test_the_search_paths_import_only_what_they_need(corpus_index, server):
    """The local search never imports the client; a search there imports neither the client
    before it is asked for nor the indexer's libraries."""
    Stub.answers[("POST", "/archive/_search")] = stub_answer(corpus_index, "talks")
    heavy = ("'opensearchpy', 'pypdf', 'pptx', 'langdetect', 'indexer', 'wordfreq', "
             "'whoosh.writing'")
    for args in (["--index", str(corpus_index), "search", "LEAN"],
                 ["search", "LEAN", "--opensearch", server]):
        code = ("import sys\nfrom cli import main\n"
                f"main({args!r}, standalone_mode=False)\n"
                f"print('HEAVY', sorted(m for m in ({heavy}) if m in sys.modules),"
                " file=sys.stderr)\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, check=True)
        expected = "['opensearchpy']" if "--opensearch" in args else "[]"
        assert f"HEAVY {expected}" in done.stderr, done.stderr


def test_a_server_that_cannot_be_reached_is_one_line():
    pytest.importorskip("opensearchpy", reason="the opensearch extra is not installed")
    import socket

    with socket.socket() as unused:  # a port nothing listens on, once this closes
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run("search", "LEAN", "--opensearch", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1
    line, = result.stderr.splitlines()
    assert line.startswith(f"archive: http://127.0.0.1:{port}: cannot reach it (")
    assert "Traceback" not in result.output
