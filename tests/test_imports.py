"""The project's import graph, read from the source (`ast`), not from a run: every `import` and
`from ... import` of archive/, indexer/ and cli.py, at module level and inside functions alike,
since an import put inside a function only to dodge a cycle is still a cycle.

What counts as an edge, from the module that imports:
- `import a.b.c`, `from a.b.c import name`: to `a.b.c` (or the longest part of it that is a
  module of the project);
- `from a.b import name`: to `a.b`, whose namespace is read, and also to `a.b.name` where that is
  a module (`from archive.words import lemmas`);
- not the parent packages Python initialises on the way (`archive/__init__.py` for every
  `archive.x`): a package whose `__init__` imports its own modules would otherwise always be a
  cycle with them.
Imports of other packages (the standard library's, Whoosh's) are kept too, in `Import.name`,
for the assertions below that are about them.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "indexer")  # and the top-level module cli.py
# What may import what, by package: cli -> indexer -> archive, never back.
NEVER = {"archive": ("indexer", "cli"), "indexer": ("cli",)}
# The installed command's entry point (setup.cfg's console script), which starts cli: the one
# module of archive/ above cli, since the top level holds no module of its own for it.
ENTRY_POINT = "archive.launcher"
# The word tables, the cache folder and the word patterns both sides use: a leaf, which
# imports no other module of the project than these, leaves themselves.
LEAF = "archive.words"
LEAF_MAY_IMPORT = ("archive.text", "archive.files")


class Import(NamedTuple):
    name: str  # as written, made absolute: "whoosh.qparser", "archive.words.tables"
    target: str | None  # the project's module it loads; None for another package's
    line: int
    lazy: bool  # inside a function


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted name -> file, for every module of the project under ROOT."""
    found = {}
    files = [path for package in PACKAGES for path in sorted((root / package).rglob("*.py"))]
    for path in [*files, *([root / "cli.py"] if (root / "cli.py").exists() else [])]:
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _module_of(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str, modules: dict[str, Path]) -> list[Import]:
    """Every import MODULE's source makes, with the project's module each one loads."""
    path = modules[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lazy_lines = {node.lineno for function in ast.walk(tree)
                  if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                  for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        lazy = getattr(node, "lineno", None) in lazy_lines
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, _module_of(alias.name, modules), node.lineno, lazy))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module
            found.append(Import(source, _module_of(source, modules), node.lineno, lazy))
            for alias in node.names:
                name = f"{source}.{alias.name}"
                if name in modules:
                    found.append(Import(name, name, node.lineno, lazy))
    return found


def graph(root: Path = ROOT) -> dict[str, dict[str, Import]]:
    """module -> {the project's module it imports: the first import that does}."""
    modules = project_modules(root)
    edges: dict[str, dict[str, Import]] = {}
    for module in modules:
        edges[module] = {}
        for made in imports(module, modules):
            if made.target and made.target != module:
                edges[module].setdefault(made.target, made)
    return edges


def find_cycle(edges: dict[str, dict[str, Import]]) -> list[str] | None:
    """A cycle of EDGES as the modules on it, the first again at the end; None if there is none."""
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        path, stack = [start], [iter(sorted(edges[start]))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                done.add(path.pop())
                stack.pop()
            elif following in path:
                return [*path[path.index(following):], following]
            elif following not in done:
                path.append(following)
                stack.append(iter(sorted(edges.get(following, {}))))
    return None


def described(cycle: list[str], edges: dict[str, dict[str, Import]]) -> str:
    """CYCLE as its imports, one a line: "archive.a:12 -> archive.b (in a function)"."""
    lines = []
    for here, there in pairwise(cycle):
        made = edges[here][there]
        lines.append(f"  {here}:{made.line} -> {there}{' (in a function)' if made.lazy else ''}")
    return "\n".join(lines)


def _package(module: str) -> str:
    return module.partition(".")[0]


def _is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_imports_make_no_cycle():
    edges = graph()
    cycle = find_cycle(edges)
    assert cycle is None, "the project's imports make a cycle:\n" + described(cycle, edges)


def test_arrows_point_one_way():
    """cli -> indexer -> archive: `archive search` never pays for what the indexer imports."""
    wrong = [f"{module}:{made.line} -> {target}"
             for module, targets in graph().items() for target, made in targets.items()
             if _package(target) in NEVER.get(_package(module), ())
             and not (module == ENTRY_POINT and target == "cli")]
    assert not wrong, "imports against the arrows:\n" + "\n".join(wrong)


def test_the_word_tables_are_a_leaf():
    edges = graph()
    assert LEAF in edges, f"no package {LEAF}"
    wrong = [f"{module}:{made.line} -> {target}"
             for module, targets in edges.items() if _is_in(module, LEAF)
             for target, made in targets.items()
             if not _is_in(target, LEAF) and target not in LEAF_MAY_IMPORT]
    wrong += [f"{module}:{made.line} -> {target}"  # what the leaf may import is a leaf too
              for module in LEAF_MAY_IMPORT for target, made in edges[module].items()]
    assert not wrong, f"{LEAF} imports other modules of the project:\n" + "\n".join(wrong)


ENGINE = "archive.engine"


def test_only_the_engine_imports_whoosh():
    modules = project_modules()
    assert ENGINE in modules, f"no package {ENGINE}"
    wrong = [f"{module}:{made.line} imports {made.name}"
             for module in modules if not _is_in(module, ENGINE)
             for made in imports(module, modules)
             if made.name == "whoosh" or made.name.startswith("whoosh.")]
    assert not wrong, "Whoosh imported outside the engine:\n" + "\n".join(wrong)
    assert any(made.name.startswith("whoosh")
               for made in imports(f"{ENGINE}.index", modules))  # the reading sees them


def test_the_graph_is_read_whole(tmp_path):
    """The reading itself: imports inside functions, `from a import module` and relative
    imports are edges, and a cycle is found and told."""
    package = tmp_path / "archive"
    package.mkdir()
    (package / "__init__.py").write_text("from archive import low\n")
    (package / "low.py").write_text("def later():\n    from .high import name\n")
    (package / "high.py").write_text("import os\nfrom archive.low import later\nname = 1\n")
    edges = graph(tmp_path)
    assert set(edges) == {"archive", "archive.low", "archive.high"}
    assert set(edges["archive"]) == {"archive.low"}
    assert edges["archive.low"]["archive.high"].lazy
    cycle = find_cycle(edges)
    assert cycle is not None and len(cycle) == 3 and cycle[0] == cycle[-1]
    assert described(cycle, edges).count("->") == 2
    assert "archive.low:2 -> archive.high (in a function)" in described(cycle, edges)
    (package / "low.py").write_text("import archive.high\n")
    (package / "high.py").write_text("from archive import errors\n")  # not a module: the package
    assert find_cycle(graph(tmp_path)) is not None
    (package / "high.py").write_text("import json\n")
    assert find_cycle(graph(tmp_path)) is None
    assert graph()["cli"]  # the project's own graph has its edges
