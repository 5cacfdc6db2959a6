"""Offset-exact augmentation of annotated articles.

Every augmentation is a list of text edits ``(start, end, replacement)``;
``apply_edits`` rebuilds the text and moves every span (content, cue, speaker,
entity mentions) so that ``text[start:end] == span.text`` still holds. An edit
that would cut through a span boundary makes the augmentation give up (None).

- ``swap_marks``: one quotation-mark style for the whole article (the corpora
  use straight quotes almost only; other outlets use « » and “ ”);
- ``drop_marks``: a direct quote right after a complementiser (``قال إن "..."``)
  loses its marks and becomes indirect; other direct quotes are left alone;
- ``substitute_speakers``: a speaker mention (every occurrence of its string)
  replaced by another speaker string of the training set;
- ``reflow``: paragraphs joined (``\\n`` -> space) or split (``. `` -> ``.\\n``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from qawl.schema import Document, Entity, Span
from qawl.text import pair_marks

Edit = tuple[int, int, str]

MARK_STYLES: list[tuple[str, str]] = [("«", "»"), ("“", "”"), ('"', '"')]
COMPLEMENTISERS = frozenset(
    "أن أنّ إن إنّ أنه أنها انه انها إنه إنها بأن بأنه بأنها فإن وأن وإن".split()
)
_FINAL = ".,،؛;:!?؟… "


class EditConflict(ValueError):
    """An edit overlaps a span boundary."""


def _remap(pos: int, edits: Sequence[Edit]) -> int:
    shift = 0
    for start, end, new in edits:
        if end <= pos:
            shift += len(new) - (end - start)
        elif start < pos < end:
            raise EditConflict(f"edit [{start}, {end}) cuts position {pos}")
    return pos + shift


def _span(span: Span | None, text: str, edits: Sequence[Edit]) -> Span | None:
    if span is None:
        return None
    return Span.of(text, _remap(span.start, edits), _remap(span.end, edits))


def apply_edits(doc: Document, edits: Sequence[Edit]) -> Document | None:
    """The document with ``edits`` applied and every span moved; None when an
    edit cuts a span boundary or edits overlap."""
    edits = sorted(edits)
    for (_, end, _), (start, _, _) in zip(edits, edits[1:], strict=False):
        if start < end:
            return None
    pieces, cursor = [], 0
    for start, end, new in edits:
        pieces.append(doc.text[cursor:start])
        pieces.append(new)
        cursor = end
    pieces.append(doc.text[cursor:])
    text = "".join(pieces)
    try:
        quotes = [
            replace(
                q,
                content=_span(q.content, text, edits),
                cue=_span(q.cue, text, edits),
                speaker=_span(q.speaker, text, edits),
                resolved_to=_span(q.resolved_to, text, edits),
            )
            for q in doc.quotes
        ]
        entities = [
            replace(e, mentions=[_span(m, text, edits) for m in e.mentions]) for e in doc.entities
        ]
    except EditConflict:
        return None
    return Document(id=doc.id, text=text, entities=entities, quotes=quotes, meta=dict(doc.meta))


# ------------------------------------------------------------- augmentations


def swap_marks(doc: Document, style: tuple[str, str]) -> Document | None:
    """Every closed mark pair rewritten in one style (same lengths, so every
    offset is unchanged)."""
    edits: list[Edit] = []
    for pair in pair_marks(doc.text):
        if pair.closed:
            edits.append((pair.open, pair.open + 1, style[0]))
            edits.append((pair.close, pair.close + 1, style[1]))
    return apply_edits(doc, edits)


def drop_marks(doc: Document, rng: random.Random, p: float = 0.5) -> Document | None:
    """Direct quotes that follow a complementiser lose their marks (with
    probability ``p`` each) and become indirect, final punctuation left out."""
    pairs = {(pair.open + 1, pair.close): pair for pair in pair_marks(doc.text) if pair.closed}
    edits: list[Edit] = []
    chosen: set[int] = set()
    for i, q in enumerate(doc.quotes):
        pair = pairs.get((q.content.start, q.content.end))
        if q.kind != "direct" or pair is None or rng.random() >= p:
            continue
        before = doc.text[: pair.open].split()
        if not before or before[-1] not in COMPLEMENTISERS:
            continue
        edits += [(pair.open, pair.open + 1, ""), (pair.close, pair.close + 1, "")]
        chosen.add(i)
    if not chosen:
        return None
    out = apply_edits(doc, edits)
    if out is None:
        return None
    for i in chosen:
        q = out.quotes[i]
        start, end = q.content.start, q.content.end
        while end > start and out.text[end - 1] in _FINAL:
            end -= 1
        if end <= start:
            return None
        out.quotes[i] = replace(q, kind="indirect", content=Span.of(out.text, start, end))
    return out


def substitute_speakers(
    doc: Document, rng: random.Random, pool: Sequence[str], p: float = 0.5
) -> Document | None:
    """Each distinct speaker string, with probability ``p``, replaced at all its
    occurrences by a string from ``pool``; entity names follow."""
    names = sorted({q.speaker.text for q in doc.quotes if q.speaker is not None})
    edits: list[Edit] = []
    renamed: dict[str, str] = {}
    for name in names:
        if rng.random() >= p or not pool:
            continue
        new = rng.choice(pool)
        if new == name or any(name in other for other in names if other != name):
            continue
        renamed[name] = new
        for match in re.finditer(re.escape(name), doc.text):
            edits.append((match.start(), match.end(), new))
    if not edits:
        return None
    out = apply_edits(doc, edits)
    if out is None:
        return None
    out.entities = [
        Entity(e.id, renamed.get(e.name, e.name), None, e.type, e.gender, e.mentions)
        for e in out.entities
    ]
    return out


def reflow(doc: Document, rng: random.Random, p: float = 0.3) -> Document | None:
    """Join paragraphs (``\\n`` -> space) or split them after sentence ends
    (``. `` -> ``.\\n``), each with probability ``p``; lengths are unchanged."""
    edits: list[Edit] = []
    for match in re.finditer(r"\n|(?<=[.!؟?]) (?=\S)", doc.text):
        if rng.random() < p:
            edits.append((match.start(), match.end(), " " if match.group() == "\n" else "\n"))
    return apply_edits(doc, edits) if edits else None


def speaker_pool(docs: Sequence[Document]) -> list[str]:
    """Distinct speaker strings of the given documents (for substitution)."""
    return sorted({q.speaker.text for d in docs for q in d.quotes if q.speaker is not None})


def augment(
    doc: Document, rng: random.Random, pool: Sequence[str], copies: int = 2
) -> list[tuple[str, Document]]:
    """Up to ``copies`` variants ``(description, document)`` of one article:
    each swaps marks to a style, maybe drops marks, substitutes speakers and
    reflows paragraphs."""
    out: list[tuple[str, Document]] = []
    # Curly and guillemet styles first: the corpora are straight-quoted already.
    styles = MARK_STYLES[:2]
    rng.shuffle(styles)
    styles.append(MARK_STYLES[2])
    for copy in range(copies):
        style = styles[copy % len(styles)]
        current: Document | None = swap_marks(doc, style)
        steps = ["marks" + style[0]]
        for name, step in (
            ("drop", lambda d: drop_marks(d, rng)),
            ("names", lambda d: substitute_speakers(d, rng, pool)),
            ("reflow", lambda d: reflow(d, rng)),
        ):
            if current is None or rng.random() < 0.5:
                continue
            changed = step(current)
            if changed is not None:
                current, steps = changed, steps + [name]
        if current is not None and current.text != doc.text:
            out.append(("+".join(steps), current))
    return out


def check_offsets(doc: Document) -> None:
    """Raise ValueError when a span's text does not match the document text."""
    for q in doc.quotes:
        for span in (q.content, q.cue, q.speaker, q.resolved_to):
            if span is not None and doc.text[span.start : span.end] != span.text:
                raise ValueError(f"{doc.id}: span {span} does not match its text")
