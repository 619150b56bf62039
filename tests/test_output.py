"""The one output layer (archive/output.py): every listing command offers each format of
FORMATS, and the formats and text renderers take records and return lines."""

import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS

import cli
from archive import output
from cli import main

ROTKO = CORPUS / "16_Cacka_Rotko_centrs.pdf"

# The commands that list things, each with its arguments: they all take --json and --jsonl.
LISTING = {
    "search": ["search", "LEAN", "--limit", "3"],
    "search --pages": ["search", "LEAN", "--pages", "--limit", "3"],
    "files": ["files"],
    "speakers": ["speakers"],
    "similar": ["similar", str(ROTKO), "--limit", "3"],
}


def run(index, *args):
    return CliRunner().invoke(main, ["--index", str(index), *args], catch_exceptions=False)


@pytest.mark.parametrize("args", LISTING.values(), ids=LISTING.keys())
def test_every_listing_command_prints_jsonl_as_the_objects_json_lists(corpus_index, args):
    listed = run(corpus_index, *args, "--json")
    lines = run(corpus_index, *args, "--jsonl")
    assert listed.exit_code == lines.exit_code == 0
    rows = json.loads(listed.stdout)
    assert rows and [json.loads(line) for line in lines.stdout.splitlines()] == rows


@pytest.mark.parametrize("args", LISTING.values(), ids=LISTING.keys())
def test_every_listing_command_refuses_two_formats_at_once(corpus_index, args):
    result = run(corpus_index, *args, "--json", "--jsonl")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "archive: --json and --jsonl cannot be used together"


def test_each_format_is_an_option_with_its_docstring_as_help():
    for name, render in output.FORMATS.items():
        for command in ("search", "files", "speakers", "similar"):
            options = {opt: param for param in main.commands[command].params
                       for opt in param.opts}
            assert options[f"--{name}"].help == render.__doc__.strip().splitlines()[0]


def test_formats_render_dicts_and_text_renders_records():
    class Row:
        def __init__(self, n):
            self.n = n

        def to_dict(self):
            return {"n": self.n, "word": "pašvaldība"}

    records = [Row(1), Row(2)]
    assert list(output.rows(records, "jsonl", None)) == [
        '{"n": 1, "word": "pašvaldība"}', '{"n": 2, "word": "pašvaldība"}']
    assert json.loads("\n".join(output.rows(records, "json", None))) == [
        {"n": 1, "word": "pašvaldība"}, {"n": 2, "word": "pašvaldība"}]
    assert list(output.rows([], "json", None)) == ["[]"]
    assert list(output.rows(records, "text", lambda row: [f"row {row.n}"])) == ["row 1", "row 2"]


def test_text_is_made_safe_for_a_terminal_and_colour_is_ansi():
    assert output.safe("a\x1b]0;title\x07b\u202ec") == "a\ufffd]0;title\ufffdb\ufffdc"
    assert output.bold("x") == "\x1b[1mx\x1b[0m"
    assert output.magenta("x") == "\x1b[35mx\x1b[0m"
    assert output.ranges([5, 1, 2, 3]) == "pages 1-3, 5"
    assert output.plural(1, "page") == "1 page" and output.plural(2, "page") == "2 pages"


def test_the_worker_limits_default_to_the_indexers():
    from indexer.workers import Limits

    options = {param.name: param for param in main.commands["index"].params}
    assert options["timeout"].get_default(None) == Limits().seconds
    assert options["memory"].get_default(None) == Limits().memory_mb


def test_library_errors_are_one_line_each():
    from archive.errors import ArchiveError
    from indexer.errors import ExtractionError

    assert cli.one_line(ArchiveError("the index is busy")) == "the index is busy"
    assert cli.one_line(ExtractionError("/nowhere/x.pdf", "empty file")) == "/nowhere/x.pdf: empty file"
    assert cli.one_line(FileNotFoundError(2, "No such file", "/nowhere")) == "/nowhere: No such file"
    assert cli.one_line(ValueError("a bug")) is None  # a bug keeps its traceback
