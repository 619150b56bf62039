"""Whoosh imported without the modules it never needs, and as usual when that fails; a query of
words read without its query parser."""

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.engine.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = build_schema()


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout


def test_whoosh_works_without_its_extras_and_loads_them_on_first_use():
    out = run(
        "import sys, archive\n"
        "print(sorted(m for m in ('urllib.request', 'asyncio', 'whoosh.lang.morph_en')"
        " if m in sys.modules))\n"
        "from whoosh.query.terms import variations\n"
        "print('rendering' in variations('render'), 'whoosh.lang.morph_en' in sys.modules)\n"
    )
    assert out.splitlines() == ["[]", "True True"]


def test_a_stand_in_that_no_longer_fits_steps_aside():
    out = run(
        "import types, archive.engine.startup as startup\n"
        "real = startup._stand_ins\n"
        "def broken():\n"
        "    modules = real()\n"
        "    modules['cached_property'] = types.ModuleType('cached_property')  # lacks the name\n"
        "    return modules\n"
        "startup._stand_ins = broken\n"
        "import sys\n"
        "for name in [n for n in sys.modules if n.startswith('whoosh')]: del sys.modules[name]\n"
        "startup.import_whoosh()\n"
        "import whoosh.reading\n"
        "print(whoosh.reading.cached_property.__module__)\n"
    )
    assert out.strip() == "cached_property"


def test_deferred_modules_load_on_first_use_and_hashing_needs_no_openssl():
    out = run(
        "import sys, archive.query\n"
        "print(sorted(m for m in ('random', 'tempfile', 'queue', 'html', 'hashlib',"
        " 'whoosh.lang.porter', 'whoosh.qparser', 'whoosh.support.charset') if m in sys.modules))\n"
        "import whoosh.util, whoosh.filedb.filetables as tables\n"
        "print(len(whoosh.util.random_name(5)), 'random' in sys.modules)\n"
        "import hashlib\n"
        "print(tables.md5_hash(b'lean') == int(hashlib.md5(b'lean').hexdigest(), 16) & 0xFFFFFFFF)\n"
    )
    assert out.splitlines() == ["[]", "5 True", "True"]


# Words, operators and what makes a query more than words, joined by kinds of white space.
PIECES = ["pašvaldība", "LEAN", "lean", "ŠĀ", "2018", "x_y", "AND", "OR", "NOT", "ANDNOT",
          "REQUIRE", "and", "e-pasts", "a*", '"a', "b:c", "(d)", "a^2", "it's", "[1", "ä"]
SPACES = [" ", "  ", "\t", "\u00a0", "\n"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(SPACES), st.sampled_from(PIECES)), max_size=5),
       st.sampled_from(["", " "]))
def test_words_are_read_as_the_query_parser_reads_them(pieces, end):
    from archive.engine.queries import _parsed, _words

    text = "".join(space + piece for space, piece in pieces) + end
    words = _words(text)
    if words is None:
        return  # the parser reads it
    parsed = _parsed(SCHEMA, text, {})
    assert words == parsed
    assert [(t.text, t.startchar, t.endchar) for t in words.leaves()] == [
        (t.text, t.startchar, t.endchar) for t in parsed.leaves()]


def test_plain_words_are_not_left_to_the_parser():
    from archive.engine.queries import _words

    assert _words("pasvaldibu sadarbiba ar uznemejiem") is not None
    assert _words("LEAN") is not None
    assert _words("lean OR gis") is None
