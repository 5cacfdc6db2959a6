"""Scoring of predicted quotes against gold, as the guidelines' "Scoring" section defines it.

Everything is counted once per article (:class:`ArticleCounts`); the figures are
micro-averages of the summed counts, and the bootstrap resamples articles over
those counts, so no article is re-scored.
"""

from __future__ import annotations

import bisect
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from qawl.eval.names import names_entity
from qawl.schema import KINDS, Document, Quote, Span

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
# Characters trimmed at both ends of a span before the exact comparison (plus whitespace).
TRIM_CHARS = frozenset(".,،؛;:!?؟«»“”\"'‹›„()[]-–—…")


class Tokens:
    """The `\\w+` tokens of one article text, for mapping spans to token ranges."""

    def __init__(self, text: str):
        self.text = text
        matches = list(_WORD.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def of(self, span: Span | None) -> range:
        """Indices of the tokens overlapping ``span`` (a contiguous range; empty for None)."""
        if span is None:
            return range(0)
        # First token ending after span.start, up to the last token starting before span.end.
        lo = bisect.bisect_right(self.ends, span.start)
        hi = bisect.bisect_left(self.starts, span.end)
        return range(lo, max(lo, hi))


def _overlap(a: range, b: range) -> int:
    return max(0, min(a.stop, b.stop) - max(a.start, b.start))


def _share_token(a: Span | None, b: Span | None, tokens: Tokens) -> bool:
    """Cue/speaker agreement: both absent agree, one absent disagrees, else a shared token."""
    if a is None or b is None:
        return a is None and b is None
    return _overlap(tokens.of(a), tokens.of(b)) > 0


def trim(span: Span, text: str) -> tuple[int, int]:
    """Offsets of ``span`` without whitespace and :data:`TRIM_CHARS` at either end."""
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in TRIM_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRIM_CHARS):
        end -= 1
    return start, end


@dataclass(frozen=True)
class Pair:
    """A (gold, predicted) pair chosen by the greedy Dice pairing; indices into ``quotes``."""

    gold: int
    pred: int
    overlap: int  # shared tokens
    gold_size: int
    pred_size: int

    @property
    def dice(self) -> float:
        return 2 * self.overlap / (self.gold_size + self.pred_size)

    @property
    def soft(self) -> bool:
        # Dice >= 0.5 in integers, to keep 0.5 exactly on the boundary.
        return 4 * self.overlap >= self.gold_size + self.pred_size


def _order(quotes: Sequence[Quote]) -> list[int]:
    """Rank of each quote in document order (start, end, then list position)."""
    ranked = sorted(
        range(len(quotes)), key=lambda i: (quotes[i].content.start, quotes[i].content.end, i)
    )
    rank = [0] * len(quotes)
    for position, index in enumerate(ranked):
        rank[index] = position
    return rank


def pair_quotes(gold: Document, pred: Document, tokens: Tokens | None = None) -> list[Pair]:
    """Greedy pairing of one article: candidates share a token, highest Dice first.

    Ties go to the gold quote first in document order, then the predicted one.
    """
    tokens = tokens or Tokens(gold.text)
    gold_ranges = [tokens.of(q.content) for q in gold.quotes]
    pred_ranges = [tokens.of(q.content) for q in pred.quotes]
    gold_rank, pred_rank = _order(gold.quotes), _order(pred.quotes)
    candidates = [
        Pair(g, p, shared, len(gr), len(pr))
        for g, gr in enumerate(gold_ranges)
        for p, pr in enumerate(pred_ranges)
        if (shared := _overlap(gr, pr)) > 0
    ]
    candidates.sort(key=lambda c: (-c.dice, gold_rank[c.gold], pred_rank[c.pred]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for cand in candidates:
        if cand.gold in used_gold or cand.pred in used_pred:
            continue
        used_gold.add(cand.gold)
        used_pred.add(cand.pred)
        pairs.append(cand)
    return pairs


def attribution_right(gold: Document, gold_quote: Quote, pred: Document, pred_quote: Quote) -> bool:
    """Whether the predicted quote's entity name designates the gold quote's entity."""
    entity = pred.entity(pred_quote.entity)
    if entity is None:
        return False
    return names_entity(entity.name, gold_quote.entity, gold.entities)


def exact_match(gold_quote: Quote, pred_quote: Quote, text: str) -> bool:
    return trim(gold_quote.content, text) == trim(pred_quote.content, text)


@dataclass
class ArticleCounts:
    """Everything the figures need from one article; counts add up across articles."""

    n_gold: int = 0
    n_pred: int = 0
    n_pairs: int = 0
    soft: int = 0
    exact: int = 0
    token_p: float = 0.0  # sum over pairs of shared / predicted tokens
    token_r: float = 0.0  # sum over pairs of shared / gold tokens
    kind_agree: int = 0
    cue_agree: int = 0
    speaker_agree: int = 0
    correct: int = 0  # soft pairs with the right entity
    gold_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    found_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, other: ArticleCounts) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, f.name, mine + theirs)


def count_article(gold: Document, pred: Document) -> ArticleCounts:
    """Score one article (``pred`` carries the same id and text as ``gold``)."""
    tokens = Tokens(gold.text)
    counts = ArticleCounts(n_gold=len(gold.quotes), n_pred=len(pred.quotes))
    for quote in gold.quotes:
        counts.gold_by_kind[quote.kind] = counts.gold_by_kind.get(quote.kind, 0) + 1
    for pair in pair_quotes(gold, pred, tokens):
        gq, pq = gold.quotes[pair.gold], pred.quotes[pair.pred]
        counts.n_pairs += 1
        counts.token_p += pair.overlap / pair.pred_size
        counts.token_r += pair.overlap / pair.gold_size
        if not pair.soft:
            continue
        counts.soft += 1
        counts.found_by_kind[gq.kind] = counts.found_by_kind.get(gq.kind, 0) + 1
        counts.exact += exact_match(gq, pq, gold.text)
        counts.kind_agree += gq.kind == pq.kind
        counts.cue_agree += _share_token(gq.cue, pq.cue, tokens)
        counts.speaker_agree += _share_token(gq.speaker, pq.speaker, tokens)
        counts.correct += attribution_right(gold, gq, pred, pq)
    return counts


def align(gold: Sequence[Document], pred: Sequence[Document]) -> list[tuple[Document, Document]]:
    """Match articles by id; a gold article without prediction gets an empty one.

    Raises ValueError for a predicted id absent from gold, duplicate ids, or a
    predicted text that differs from the gold text (its offsets would not mean
    the same characters).
    """
    gold_ids = [d.id for d in gold]
    _no_duplicates(gold_ids, "gold")
    _no_duplicates([d.id for d in pred], "predictions")
    known = set(gold_ids)
    by_id: dict[str, Document] = {}
    for doc in pred:
        if doc.id not in known:
            raise ValueError(f"predicted article id {doc.id!r} is not in the gold set")
        by_id[doc.id] = doc
    pairs = []
    for doc in gold:
        other = by_id.get(doc.id)
        if other is None:
            log.info("article %s has no prediction: all its quotes count as missed", doc.id)
            other = Document(id=doc.id, text=doc.text)
        elif other.text != doc.text:
            raise ValueError(f"article {doc.id!r}: predicted text differs from the gold text")
        pairs.append((doc, other))
    return pairs


def _no_duplicates(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for doc_id in ids:
        if doc_id in seen:
            raise ValueError(f"duplicate article id {doc_id!r} in {where}")
        seen.add(doc_id)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(hits_p: float, hits_r: float, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p, r = _ratio(hits_p, n_pred), _ratio(hits_r, n_gold)
    return p, r, _f1(p, r)


def _percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default method)."""
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def bootstrap_f1(
    per_article: Sequence[tuple[int, int, int]], resamples: int, seed: int
) -> tuple[float | None, float | None]:
    """95% percentile interval of end-to-end F1 over articles resampled with replacement.

    ``per_article`` holds (correct, n_pred, n_gold) per article.
    """
    if resamples <= 0 or not per_article:
        return None, None
    rng = random.Random(seed)
    n = len(per_article)
    scores = []
    for _ in range(resamples):
        correct = n_pred = n_gold = 0
        for c, p, g in rng.choices(per_article, k=n):
            correct += c
            n_pred += p
            n_gold += g
        scores.append(_prf(correct, correct, n_pred, n_gold)[2])
    scores.sort()
    return _percentile(scores, 0.025), _percentile(scores, 0.975)


def evaluate(
    gold: list[Document], pred: list[Document], *, bootstrap: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """All figures of the guidelines' Scoring section, as a flat JSON-serialisable dict."""
    total = ArticleCounts()
    per_article = []
    for gold_doc, pred_doc in align(gold, pred):
        counts = count_article(gold_doc, pred_doc)
        total.add(counts)
        per_article.append((counts.correct, counts.n_pred, counts.n_gold))
    e2e = _prf(total.correct, total.correct, total.n_pred, total.n_gold)
    soft = _prf(total.soft, total.soft, total.n_pred, total.n_gold)
    exact = _prf(total.exact, total.exact, total.n_pred, total.n_gold)
    token = _prf(total.token_p, total.token_r, total.n_pred, total.n_gold)
    ci_low, ci_high = bootstrap_f1(per_article, bootstrap, seed)
    result: dict[str, Any] = {
        "e2e_p": e2e[0], "e2e_r": e2e[1], "e2e_f1": e2e[2],
        "e2e_f1_ci_low": ci_low, "e2e_f1_ci_high": ci_high,
        "soft_p": soft[0], "soft_r": soft[1], "soft_f1": soft[2],
        "exact_p": exact[0], "exact_r": exact[1], "exact_f1": exact[2],
        "token_p": token[0], "token_r": token[1], "token_f1": token[2],
    }  # fmt: skip
    for kind in KINDS:
        result[f"recall_{kind}"] = _ratio(total.found_by_kind[kind], total.gold_by_kind[kind])
    result.update(
        attribution_acc=_ratio(total.correct, total.soft),
        kind_acc=_ratio(total.kind_agree, total.soft),
        cue_acc=_ratio(total.cue_agree, total.soft),
        speaker_span_acc=_ratio(total.speaker_agree, total.soft),
        n_gold=total.n_gold,
        n_pred=total.n_pred,
        n_soft_pairs=total.soft,
        n_articles=len(per_article),
    )
    return result
