"""Calibrated quote confidence: reliability table, expected calibration error,
and a small logistic calibrator fitted on held-out annotated articles.

A quote's calibrated ``score`` is the probability that it is right end to end:
in a soft pair with a gold quote and attributed to the right entity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from qawl.eval.metrics import align, attribution_right, pair_quotes
from qawl.schema import Document, Quote

# A model calibrated before the speaker ranker existed has weights for the first four.
FEATURES = ("bias", "logit_score", "explicit_speaker", "direct", "logit_speaker_score")


def _logit(p: float | None) -> float:
    p = min(max(p if p is not None else 0.5, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def quote_features(quote: Quote) -> list[float]:
    """What the calibrator sees of a quote: its tagger score and the ranker's
    probability for its speaker (as logits; 0 when absent), and whether its
    speaker is explicit and its kind direct (attribution is easier then)."""
    return [1.0, _logit(quote.score), float(quote.speaker is not None),
            float(quote.kind == "direct"), _logit(quote.speaker_score)]  # fmt: skip


def outcomes(gold: Sequence[Document], pred: Sequence[Document]) -> list[tuple[Quote, bool]]:
    """Each predicted quote with whether it is right end to end."""
    out: list[tuple[Quote, bool]] = []
    for gold_doc, pred_doc in align(gold, pred):
        right: set[int] = set()
        for pair in pair_quotes(gold_doc, pred_doc):
            gold_quote, pred_quote = gold_doc.quotes[pair.gold], pred_doc.quotes[pair.pred]
            if pair.soft and attribution_right(gold_doc, gold_quote, pred_doc, pred_quote):
                right.add(pair.pred)
        out.extend((q, i in right) for i, q in enumerate(pred_doc.quotes))
    return out


def fit_calibrator(
    pairs: Sequence[tuple[Quote, bool]], l2: float = 1.0, steps: int = 50
) -> list[float]:
    """Logistic regression weights over :data:`FEATURES` (Newton steps, L2 on all but bias)."""
    x = np.array([quote_features(q) for q, _ in pairs], dtype=float)
    y = np.array([float(ok) for _, ok in pairs])
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-6 * np.eye(len(w))
        w -= np.linalg.solve(hessian, grad)
    return [round(float(v), 5) for v in w]


def calibrated(quote: Quote, weights: Sequence[float]) -> float:
    z = sum(w * f for w, f in zip(weights, quote_features(quote)[: len(weights)], strict=True))
    return 1 / (1 + math.exp(-z))


def apply_calibration(quotes: Sequence[Quote], weights: Sequence[float] | None) -> None:
    """Replace each quote's raw tagger score by its calibrated probability."""
    if not weights:
        return
    for quote in quotes:
        quote.score = calibrated(quote, weights)


def reliability(pairs: Sequence[tuple[Quote, bool]], bins: int = 10) -> dict[str, Any]:
    """Rows of (score range, quotes, mean score, share right) and the expected
    calibration error: the count-weighted gap between mean score and accuracy."""
    rows = []
    ece = 0.0
    total = len(pairs)
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (q.score or 0.0, ok)
            for q, ok in pairs
            if low <= (q.score or 0.0) < high or (b == bins - 1 and (q.score or 0.0) == 1.0)
        ]
        if not members:
            continue
        confidence = sum(s for s, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        ece += len(members) / total * abs(confidence - accuracy)
        rows.append(
            {
                "bin": f"{low:.1f}-{high:.1f}",
                "quotes": len(members),
                "mean_score": round(confidence, 3),
                "accuracy": round(accuracy, 3),
            }
        )
    return {"ece": round(ece, 4), "quotes": total, "rows": rows}


def format_reliability(table: dict[str, Any]) -> str:
    lines = ["score bin   quotes  mean score  share right"]
    for row in table["rows"]:
        lines.append(
            f"{row['bin']:<10}  {row['quotes']:>6}  {row['mean_score']:>10.3f}  "
            f"{row['accuracy']:>11.3f}"
        )
    lines.append(f"expected calibration error: {table['ece']:.4f} over {table['quotes']} quotes")
    return "\n".join(lines)
