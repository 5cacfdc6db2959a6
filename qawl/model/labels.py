"""Token label sets of the tagger's two heads, and gold spans to token labels.

- content head: ``O``, ``B-/I-direct``, ``B-/I-indirect``, ``B-/I-mixed``;
- cue/speaker head: ``O``, ``B-/I-CUE``, ``B-/I-SPK``.

A subword token belongs to a span when its characters, leading whitespace
left out, overlap the span.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qawl.schema import KINDS, Quote

CONTENT_LABELS: list[str] = ["O"] + [f"{p}-{k}" for k in KINDS for p in ("B", "I")]
CS_LABELS: list[str] = ["O", "B-CUE", "I-CUE", "B-SPK", "I-SPK"]

Offsets = Sequence[tuple[int, int]]


def token_char_ranges(text: str, offsets: Offsets) -> list[tuple[int, int]]:
    """Offsets with leading and trailing whitespace removed (XLM-R pieces carry
    the space before them: ``'▁في'`` is ``' في'``)."""
    out = []
    for start, end in offsets:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append((start, end))
    return out


def _mark(
    labels: list[int],
    ranges: list[tuple[int, int]],
    span: tuple[int, int],
    names: list[str],
    tag: str,
    overwrite: bool,
) -> None:
    start, end = span
    hits = [i for i, (s, e) in enumerate(ranges) if s < e and s < end and start < e]
    if not hits or (not overwrite and any(labels[i] != 0 for i in hits)):
        return
    first = True
    for i in range(hits[0], hits[-1] + 1):
        labels[i] = names.index(f"{'B' if first else 'I'}-{tag}")
        first = False


def content_labels(text: str, offsets: Offsets, quotes: Iterable[Quote]) -> list[int]:
    """Label ids of the content head. Overlapping quotes (nested reports) cannot
    all be BIO-tagged: the longer one wins, the nested one is left out."""
    ranges = token_char_ranges(text, offsets)
    labels = [0] * len(offsets)
    for quote in sorted(quotes, key=lambda q: -len(q.content)):
        span = (quote.content.start, quote.content.end)
        _mark(labels, ranges, span, CONTENT_LABELS, quote.kind, overwrite=False)
    return repair_bio(labels, CONTENT_LABELS)


def cue_speaker_labels(text: str, offsets: Offsets, quotes: Iterable[Quote]) -> list[int]:
    """Label ids of the cue/speaker head (cues win over speakers on a clash)."""
    ranges = token_char_ranges(text, offsets)
    labels = [0] * len(offsets)
    quotes = list(quotes)
    for quote in quotes:
        if quote.speaker is not None:
            span = (quote.speaker.start, quote.speaker.end)
            _mark(labels, ranges, span, CS_LABELS, "SPK", overwrite=False)
    for quote in quotes:
        if quote.cue is not None:
            _mark(labels, ranges, (quote.cue.start, quote.cue.end), CS_LABELS, "CUE", True)
    return repair_bio(labels, CS_LABELS)


def repair_bio(labels: list[int], names: Sequence[str]) -> list[int]:
    """Turn every ``I-X`` that does not continue an ``X`` span into ``B-X`` (in
    place; also returned). Used where a sequence is cut, e.g. at a window start."""
    prev = "O"
    for i, label_id in enumerate(labels):
        name = names[label_id]
        if name.startswith("I-") and prev[2:] != name[2:]:
            name = "B-" + name[2:]
            labels[i] = names.index(name)
        prev = name
    return labels
