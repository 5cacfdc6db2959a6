"""One self-contained right-to-left HTML page of articles with their quotes.

Each quote is highlighted in its speaker entity's colour, the cue and speaker
mention are marked, kind and confidence show on hover, and a legend lists the
speakers with their quote counts. No CDN, no script, no network.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from qawl.schema import Document

# Colour-blind-friendly pastels, cycled over entities.
PALETTE = ("#fde2a7", "#b9e3f9", "#c9f2c1", "#f7c6d9", "#ddd0f7", "#ffd3b0", "#c8ece8", "#eae3a8")
KIND_AR = {"direct": "مباشر", "indirect": "غير مباشر", "mixed": "مختلط"}

PAGE_STYLE = """
body{font-family:"Noto Naskh Arabic","Amiri","Scheherazade New","Segoe UI",Tahoma,sans-serif;
 direction:rtl;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:2;
 color:#222;background:#fff}
article{border-top:1px solid #ccc;padding:1rem 0}
h2{font-size:1.1rem;color:#555;direction:ltr;text-align:right}
.text{white-space:pre-wrap;word-wrap:break-word;font-size:1.15rem}
.q{border-radius:3px;padding:0 1px}
.cue{font-weight:bold;text-decoration:underline;text-decoration-thickness:2px}
.spk{outline:1px dashed #555;border-radius:3px}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
.legend li{padding:0 .5rem;border-radius:3px}
.note{color:#666;font-size:.9rem}
"""


def _colours(doc: Document) -> dict[str, str]:
    return {e.id: PALETTE[i % len(PALETTE)] for i, e in enumerate(doc.entities)}


def _segments(doc: Document) -> list[tuple[int, int]]:
    cuts = {0, len(doc.text)}
    for q in doc.quotes:
        for span in (q.content, q.cue, q.speaker):
            if span is not None:
                cuts.update((span.start, span.end))
    points = sorted(cuts)
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if b > a]


def render_document(doc: Document) -> str:
    """One article: its text with quotes, cues and speakers marked, and a legend."""
    colours = _colours(doc)
    names = {e.id: e.name for e in doc.entities}
    parts = []
    for start, end in _segments(doc):
        piece = html.escape(doc.text[start:end])
        quote = next(
            (q for q in doc.quotes if q.content.start <= start and end <= q.content.end), None
        )
        classes, style, title = [], "", ""
        if quote is not None:
            classes.append("q")
            style = f' style="background:{colours.get(quote.entity or "", "#eee")}"'
            score = f"، الثقة {quote.score:.2f}" if quote.score is not None else ""
            who = names.get(quote.entity or "", "؟")
            title = f' title="{html.escape(who)}: {KIND_AR.get(quote.kind, quote.kind)}{score}"'
        for q in doc.quotes:
            if q.cue and q.cue.start <= start and end <= q.cue.end:
                classes.append("cue")
                title = title or f' title="{html.escape(names.get(q.entity or "", "؟"))}"'
            if q.speaker and q.speaker.start <= start and end <= q.speaker.end:
                classes.append("spk")
        if classes:
            parts.append(
                f'<span class="{" ".join(dict.fromkeys(classes))}"{style}{title}>{piece}</span>'
            )
        else:
            parts.append(piece)
    counts = Counter(q.entity for q in doc.quotes)
    legend = "".join(
        f'<li style="background:{colours[e.id]}">{html.escape(e.name)} ({counts[e.id]})</li>'
        for e in doc.entities
    )
    title = doc.meta.get("title") if isinstance(doc.meta.get("title"), str) else None
    heading = f"<h3>{html.escape(title)}</h3>" if title else ""
    return (
        f'<article id="{html.escape(doc.id)}"><h2>{html.escape(doc.id)}</h2>{heading}'
        f'<ul class="legend" aria-label="المتحدثون">{legend}</ul>'
        f'<div class="text">{"".join(parts)}</div>'
        f'<p class="note">{len(doc.quotes)} اقتباس، {len(doc.entities)} متحدث</p></article>'
    )


def render_html(docs: Iterable[Document], title: str = "qawl: من قال ماذا") -> str:
    """A whole page for the documents (one article after the other)."""
    body = "\n".join(render_document(doc) for doc in docs)
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>"
        '<p class="note">الاقتباس ملوّن بلون المتحدث؛ فعل القول مسطّر؛ ذكر المتحدث مؤطّر.</p>'
        f"{body}</body></html>\n"
    )
