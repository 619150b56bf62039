"""Whoosh imported without the modules it never needs, and as usual when that fails."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        "import types, archive.startup as startup\n"
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
