"""Error report (one row per mistake) and a plain-text table of the figures."""

from __future__ import annotations

from typing import Any

from qawl.eval.metrics import Tokens, align, attribution_right, pair_quotes
from qawl.schema import Document, Quote

CONTEXT_CHARS = 60


def _entity_name(doc: Document, quote: Quote) -> str | None:
    entity = doc.entity(quote.entity)
    return entity.name if entity else None


def _row(kind: str, doc: Document, quote: Quote, **extra: Any) -> dict[str, Any]:
    text, span = doc.text, quote.content
    row: dict[str, Any] = {
        "doc": doc.id,
        "type": kind,
        "start": span.start,
        "end": span.end,
        "quote": span.text,
        "kind": quote.kind,
        "cue": quote.cue.text if quote.cue else None,
        "gold_entity": None,
        "pred_entity": None,
        # Filled for paired rows (wrong_speaker, wrong_kind); the same keys on every row.
        "pred_quote": None,
        "pred_kind": None,
        "dice": None,
        "left": text[max(0, span.start - CONTEXT_CHARS) : span.start],
        "right": text[span.end : span.end + CONTEXT_CHARS],
    }
    row.update(extra)
    return row


def _article_rows(gold: Document, pred: Document, with_kind: bool) -> list[dict[str, Any]]:
    tokens = Tokens(gold.text)
    soft = [p for p in pair_quotes(gold, pred, tokens) if p.soft]
    rows = []
    for pair in soft:
        gq, pq = gold.quotes[pair.gold], pred.quotes[pair.pred]
        names = {"gold_entity": _entity_name(gold, gq), "pred_entity": _entity_name(pred, pq)}
        common = {"pred_quote": pq.content.text, "pred_kind": pq.kind, "dice": round(pair.dice, 4)}
        if not attribution_right(gold, gq, pred, pq):
            rows.append(_row("wrong_speaker", gold, gq, **names, **common))
        if with_kind and gq.kind != pq.kind:
            rows.append(_row("wrong_kind", gold, gq, **names, **common))
    paired_gold = {p.gold for p in soft}
    paired_pred = {p.pred for p in soft}
    for i, quote in enumerate(gold.quotes):
        if i not in paired_gold:
            rows.append(_row("missed", gold, quote, gold_entity=_entity_name(gold, quote)))
    for i, quote in enumerate(pred.quotes):
        if i not in paired_pred:
            rows.append(_row("spurious", pred, quote, pred_entity=_entity_name(pred, quote)))
    rows.sort(key=lambda r: (r["start"], r["end"], r["type"]))
    return rows


def error_report(
    gold: list[Document], pred: list[Document], *, with_kind: bool = True
) -> list[dict[str, Any]]:
    """One row per missed gold quote, spurious prediction, wrong speaker (and wrong kind).

    Uses the pairing of :func:`qawl.eval.metrics.evaluate`: a quote that is only in
    a pair with Dice below 0.5 is both missed (gold side) and spurious (predicted
    side). Rows come in article order, then text order.
    """
    rows: list[dict[str, Any]] = []
    for gold_doc, pred_doc in align(gold, pred):
        rows.extend(_article_rows(gold_doc, pred_doc, with_kind))
    return rows


def _num(value: Any) -> str:
    if value is None:
        return "  -  "
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def format_table(metrics: dict[str, Any]) -> str:
    """A readable plain-text table of :func:`evaluate`'s figures."""
    m = metrics.get
    lines = [
        f"{m('n_articles', 0)} articles, {m('n_gold', 0)} gold quotes, "
        f"{m('n_pred', 0)} predicted, {m('n_soft_pairs', 0)} soft pairs",
        "",
        f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for label, key in (
        ("end to end", "e2e"),
        ("soft", "soft"),
        ("exact", "exact"),
        ("token", "token"),
    ):
        cells = "".join(f"{_num(m(f'{key}_{x}')):>7}" for x in ("p", "r", "f1"))
        lines.append(f"{label:<14}{cells}")
    if m("e2e_f1_ci_low") is not None:
        lines.append(
            f"{'':<14}e2e F1 95% CI [{_num(m('e2e_f1_ci_low'))}, {_num(m('e2e_f1_ci_high'))}]"
        )
    lines += ["", "recall by gold kind"]
    lines += [f"  {k:<12}{_num(m(f'recall_{k}')):>7}" for k in ("direct", "indirect", "mixed")]
    lines += ["", "over soft pairs"]
    for label, key in (
        ("attribution", "attribution_acc"),
        ("kind", "kind_acc"),
        ("cue", "cue_acc"),
        ("speaker span", "speaker_span_acc"),
    ):
        lines.append(f"  {label:<12}{_num(m(key)):>7}")
    return "\n".join(lines)
