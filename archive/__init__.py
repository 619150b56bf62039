"""The searchable store: the only package that knows Whoosh."""

from archive.errors import ArchiveError, IndexBusy, IndexNotFound, SchemaMismatch

__all__ = ["ArchiveError", "IndexBusy", "IndexNotFound", "SchemaMismatch"]
