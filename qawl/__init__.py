"""qawl: who said what in Arabic news."""

__version__ = "0.1.0"

from qawl.schema import Document, Entity, Quote, RecordError, Span  # noqa: E402

__all__ = ["Document", "Entity", "Quote", "RecordError", "Span", "__version__"]
