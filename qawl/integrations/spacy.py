"""A spaCy pipeline component: ``nlp.add_pipe("qawl_quotes")``.

Fills ``doc.spans["quotes"]`` with one span per quote and sets the span
extensions ``qawl_kind``, ``qawl_speaker`` (the entity's name), ``qawl_entity``
(its id), ``qawl_cue`` and ``qawl_score``; ``doc._.qawl`` holds the whole
record in qawl's JSON format, with exact character offsets. spaCy's spans
follow its tokens, so a quote's span may be wider than its exact offsets.

Install with ``pip install "qawl[spacy]"``; the factory is registered through
an entry point, so no import of qawl is needed before ``add_pipe``.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from qawl.cli import _extractor


def _register_extensions() -> None:
    for name in ("qawl_kind", "qawl_speaker", "qawl_entity", "qawl_cue", "qawl_score"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("qawl"):
        Doc.set_extension("qawl", default=None)


class QuoteComponent:
    """Runs a qawl extractor over each spaCy Doc's text."""

    def __init__(self, model: str | None = None, spans_key: str = "quotes"):
        _register_extensions()
        self.extractor = _extractor(model)
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        record = self.extractor(doc.text, "doc")
        names = {e.id: e.name for e in record.entities}
        spans = []
        for quote in record.quotes:
            span = doc.char_span(quote.content.start, quote.content.end, alignment_mode="expand")
            if span is None:
                continue  # only whitespace: nothing spaCy can point at
            span._.qawl_kind = quote.kind
            span._.qawl_entity = quote.entity
            span._.qawl_speaker = names.get(quote.entity or "")
            span._.qawl_score = quote.score
            if quote.cue is not None:
                span._.qawl_cue = doc.char_span(
                    quote.cue.start, quote.cue.end, alignment_mode="expand"
                )
            spans.append(span)
        doc.spans[self.spans_key] = spans
        doc._.qawl = record.to_json()
        return doc


@Language.factory("qawl_quotes", default_config={"model": None, "spans_key": "quotes"})
def make_quote_component(nlp: Language, name: str, model: str | None, spans_key: str) -> Any:
    """``model``: a qawl model directory, ``"rules"``, or None for the shipped default."""
    return QuoteComponent(model=model, spans_key=spans_key)
