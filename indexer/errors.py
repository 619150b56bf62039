from pathlib import Path


class IndexerError(Exception):
    pass


class ExtractionError(IndexerError):
    """A file that could not be read; `reason` is one line for the user."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CatalogError(IndexerError):
    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
