"""The search engine under the archive: Whoosh, and every use of its internals.

Nothing outside this package imports Whoosh. What the rest of the archive uses:
- `index.Index`: an index folder opened or created, its searchers, readers and writers, the
  files its last commit wrote;
- `queries`: the query objects (`queries.q.Term`, `q.Or`, ...) and the parser of the query
  language;
- `postings.scored_pages` and `columns.page_values`: every matching page's score, and a column's
  value for many pages, a block or a segment at a time;
- `highlight.passages`: the best passages of a page around its matched words;
- `schema`: the fields of a page and how each is analysed.

The fast paths (`segments`' writer, `postings`, `columns`, `scoring`, the start-up stand-ins,
the parser's short cut for plain words) rewrite parts of Whoosh through its private names.
`ARCHIVE_PLAIN_WHOOSH=1` turns every one of them off, leaving Whoosh's own code to do the same
work: the results are the same (tests/test_engine.py runs the suite's searches both ways), only
slower, so a Whoosh upgrade can be told from a fault of ours.

This module imports nothing heavy: the launcher and `archive --help` import parts of it.
"""

from __future__ import annotations

import os


def plain() -> bool:
    """Whether Whoosh's own code stands in for every fast path (`ARCHIVE_PLAIN_WHOOSH=1`)."""
    return os.environ.get("ARCHIVE_PLAIN_WHOOSH", "") not in ("", "0")
