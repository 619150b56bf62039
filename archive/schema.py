"""The name the field classes of `archive.engine.schema` are pickled under in every index's
table of contents (see the end of that module): unpickling an index imports this."""

from archive.engine.schema import AnalysedText, DocumentText

__all__ = ["AnalysedText", "DocumentText"]
