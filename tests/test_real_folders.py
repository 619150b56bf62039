"""Folders as people have them and point at them: one file once, however it is reached; copies
as one talk; a catalog edited after indexing; files that keep failing; `archive files`."""

import csv
import json
import os
import shutil
import time

import pytest
from click.testing import CliRunner

from archive import manifest
from cli import main
from conftest import CORPUS, catalog_rows
from indexer.pipeline import index_paths

ROTKO = "16_Cacka_Rotko_centrs.pdf"
ISO = "05_Kozlova_ISO_standarti.pdf"


def run(index, *args):
    return CliRunner().invoke(main, ["--index", str(index), *map(str, args)])


def as_json(index, *args):
    result = run(index, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def event(tmp_path):
    """Pasākumi/2018 with two talks and Pasākumi/2019 with one, none catalogued."""
    root = tmp_path / "Pasākumi"
    for year, names in (("2018", [ROTKO, ISO]), ("2019", ["12_Rymeikis_socialine_reklama.pptx"])):
        (root / year).mkdir(parents=True)
        for name in names:
            shutil.copy(CORPUS / name, root / year / name)
    return root


def test_a_folder_reached_through_dot_dot_or_a_symlink_is_indexed_once(event, tmp_path,
                                                                        monkeypatch):
    index = tmp_path / "idx"
    monkeypatch.chdir(event / "2018")
    assert run(index, "index", "..").exit_code == 0
    (tmp_path / "link").symlink_to(event)
    again = run(index, "index", tmp_path / "link", "../2018/.", f"../2018/{ROTKO}")
    assert again.exit_code == 0, again.output
    assert again.stderr.startswith("0 added, 0 updated, 0 moved, 3 unchanged, 0 removed")
    paths = [row["path"] for row in as_json(index, "files")]
    assert paths == sorted(str(p.resolve()) for p in event.rglob("*.p*"))
    assert as_json(index, "stats")["documents"] == 3
    hits = as_json(index, "search", "Rotko", "--pages")
    assert len({(h["path"], h["page"]) for h in hits}) == len(hits)


def test_a_symlinked_file_inside_a_folder_is_the_file_it_points_to(event, tmp_path):
    (event / "2019" / "same.pdf").symlink_to(event / "2018" / ROTKO)
    report = index_paths([event], tmp_path / "idx", jobs=1)
    assert report.added == 3


def test_a_symlinked_folder_inside_a_folder_is_the_folder_it_points_to(event, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    talk = "04_Andina_informacijas_birojs.pdf"
    shutil.copy(CORPUS / talk, elsewhere / talk)
    (event / "2019" / "saite").symlink_to(elsewhere)  # a folder of talks kept elsewhere
    (event / "2019" / "atpakaļ").symlink_to(event)  # a link to a parent: walked once
    report = index_paths([event], tmp_path / "idx", jobs=1)
    assert (report.added, report.failures) == (4, [])
    paths = [row["path"] for row in as_json(tmp_path / "idx", "files")]
    assert str((elsewhere / talk).resolve()) in paths


def test_byte_identical_copies_are_one_talk_listing_every_path(event, tmp_path):
    index = tmp_path / "idx"
    shutil.copy(event / "2018" / ROTKO, event / "2019" / "Rotko kopija.pdf")
    assert index_paths([event], index, jobs=1).added == 4
    talks = as_json(index, "search", "Rotko")
    rotko = [t for t in talks if "Rotko" in t["path"]]
    assert len(rotko) == 1
    paths = {rotko[0]["path"], *(v["path"] for v in rotko[0]["versions"])}
    assert {os.path.basename(p) for p in paths} == {ROTKO, "Rotko kopija.pdf"}
    shown = [page["page"] for page in rotko[0]["pages"]]
    assert len(set(shown)) == len(shown) > 1  # no slide twice, once from each copy
    people = {p["name"]: p for p in as_json(index, "speakers")}
    assert people["Māris Čačka"]["talks"] == 1
    # A copy added in a later run joins the talk too.
    shutil.copy(event / "2018" / ROTKO, event / "vēl viena.pdf")
    assert index_paths([event], index, jobs=1).added == 1
    talk = {row["talk"] for row in as_json(index, "files") if "Rotko" in (row["title"] or "")}
    assert len(talk) == 1
    assert {p["name"]: p for p in as_json(index, "speakers")}["Māris Čačka"]["talks"] == 1


def write_catalog(folder, rows):
    with (folder / "catalog.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "item", "title", "speaker", "event",
                                                "date", "place"])
        writer.writeheader()
        writer.writerows(rows)


def test_a_catalog_added_edited_or_removed_later_is_applied_without_reading_again(event,
                                                                                  tmp_path):
    index = tmp_path / "idx"
    folder = event / "2018"
    assert index_paths([event], index, jobs=1).added == 3
    assert run(index, "search", "event:ekskursija").stderr.startswith("0 talks")

    write_catalog(folder, [{"file": ISO, "speaker": "Ilona Kozlova-Zeltiņa",
                            "event": "Pieredzes ekskursija", "date": "2019-05-14",
                            "title": "Kvalitātes vadība pašvaldībā"}])
    plan = run(index, "index", "--dry-run", event)
    assert plan.stdout.splitlines() == [f"catalog  {folder / ISO}"]
    added = run(index, "index", event)
    assert added.exit_code == 0, added.output
    assert "0 pages read" in added.stderr
    assert "catalog applied again: 1 file whose row changed" in added.stderr
    hits = as_json(index, "search", "event:ekskursija")
    assert [os.path.basename(h["path"]) for h in hits] == [ISO]
    assert hits[0]["speaker"] == "Ilona Kozlova-Zeltiņa"
    assert as_json(index, "search", "title:kvalitātes year:2019")  # the catalog title, the year
    assert as_json(index, "search", "Kozlova")  # the page text is still indexed

    write_catalog(folder, [{"file": ISO, "speaker": "Ilona Kozlova", "event": "Seminārs"}])
    assert "catalog applied again: 1 file" in run(index, "index", event).stderr
    hits = as_json(index, "search", "event:seminārs")
    assert hits[0]["speaker"] == "Ilona Kozlova"
    assert not as_json(index, "search", "event:ekskursija")

    (folder / "catalog.csv").unlink()
    assert "catalog applied again: 1 file" in run(index, "index", event).stderr
    assert not as_json(index, "search", "event:seminārs")
    shown = as_json(index, "show", folder / ISO)
    assert shown["event"] == "" and shown["speaker_source"] != "catalog"
    assert "catalog applied" not in run(index, "index", event).stderr  # nothing changed since


def test_an_index_made_before_catalogs_were_recorded_applies_the_catalog_once(tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    for name in (ROTKO, "catalog.csv"):
        shutil.copy(CORPUS / name, folder / name)
    index = tmp_path / "idx"
    index_paths([folder], index, jobs=1)
    records = manifest.load(index)
    manifest.save(index, {path: record.__class__(**{**record.to_dict(), "catalog": None,
                                                    "author": None})
                          for path, record in records.items()})
    first = index_paths([folder], index, jobs=1)
    assert (first.recatalogued, first.pages) == (1, 0)
    assert index_paths([folder], index, jobs=1).recatalogued == 0
    row = next(r for r in catalog_rows() if r["file"] == ROTKO)
    assert as_json(index, "show", folder / ROTKO)["speaker"] == row["speaker"]


def test_files_that_still_fail_are_counted_by_every_run_and_listed(event, tmp_path):
    index = tmp_path / "idx"
    (event / "2019" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    first = run(index, "index", event)
    assert first.exit_code == 3
    again = run(index, "index", event)
    assert again.exit_code == 3
    assert "0 failed: 0 pages read" in again.stderr
    assert ("1 failed earlier and unchanged; `--retry-failed` reads them again"
            in again.stderr)
    failed = as_json(index, "files", "--failed")
    assert [os.path.basename(row["path"]) for row in failed] == ["broken.pdf"]
    assert failed[0]["status"] == "failed" and failed[0]["reason"]
    text = run(index, "files", "--failed").stdout
    assert text.startswith(f"{event / '2019' / 'broken.pdf'}  failed: ")
    listing = run(index, "files")
    assert listing.stderr == "3 files indexed, 1 failed\n"
    assert f"{event / '2018' / ROTKO}  12 pages · lv · Māris Čačka · " in listing.stdout
    lines = run(index, "files", "--jsonl").stdout.splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["indexed"].startswith(time.strftime("%Y"))
    (event / "2019" / "broken.pdf").unlink()
    assert run(index, "index", event).exit_code == 0  # gone, so no longer failing


def test_the_run_lock_is_inside_the_index_folder(event, tmp_path):
    index = tmp_path / "idx"
    assert run(index, "index", event).exit_code == 0
    assert (index / "run.lock").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Pasākumi", "idx"]
    assert run(index, "index", "--rebuild", event).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Pasākumi", "idx"]


def test_a_new_index_folder_that_holds_only_the_lock_is_created(event, tmp_path):
    index = tmp_path / "idx"
    index.mkdir()
    (index / "run.lock").write_text("")
    assert run(index, "index", event).exit_code == 0


def test_a_file_the_planner_cannot_read_is_reported_and_the_rest_indexed(event, tmp_path,
                                                                         monkeypatch):
    import indexer.plan as plan

    real = plan.sha256

    def sha256(path):
        if path.endswith(ISO):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(plan, "sha256", sha256)
    result = run(tmp_path / "idx", "index", event)
    assert result.exit_code == 3
    assert f"archive: {event / '2018' / ISO}: cannot read: Permission denied" in result.stderr
    assert as_json(tmp_path / "idx", "stats")["documents"] == 2
