"""The searchable store: the only package that knows Whoosh."""

from archive.startup import import_whoosh

import_whoosh()  # before any module of the archive imports Whoosh: see archive.startup

from archive.errors import ArchiveError, IndexBusy, IndexNotFound, SchemaMismatch

__all__ = ["ArchiveError", "IndexBusy", "IndexNotFound", "SchemaMismatch"]
