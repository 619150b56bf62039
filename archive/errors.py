class ArchiveError(Exception):
    """Anything the store cannot do; the message is one line for the user."""


class IndexNotFound(ArchiveError):
    pass


class SchemaMismatch(ArchiveError):
    pass


class IndexBusy(ArchiveError):
    pass


class IndexDamaged(ArchiveError):
    pass
