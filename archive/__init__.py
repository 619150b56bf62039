"""The searchable store: the only package that knows Whoosh.

Importing the package costs nothing: Whoosh is imported by the modules that use it, each
through `archive.engine.startup` first, so that `archive --help` and `archive detect` never load it.
"""

from archive.errors import ArchiveError, IndexBusy, IndexDamaged, IndexNotFound, SchemaMismatch

__all__ = ["ArchiveError", "IndexBusy", "IndexDamaged", "IndexNotFound", "SchemaMismatch"]
