"""Who said what across a corpus: per-speaker counts, a CSV and an HTML page.

Entities of different articles are merged by their folded names. The report
streams its documents and keeps only counters and three sample quotes per
speaker, so memory stays bounded over large corpora.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from qawl.eval.names import name_tokens
from qawl.schema import Document

SAMPLES = 3


@dataclass
class Speaker:
    """One speaker over the corpus."""

    name: str
    type: str | None = None
    gender: str | None = None
    quotes: int = 0
    kinds: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    articles: int = 0
    first_date: str | None = None
    last_date: str | None = None
    samples: list[str] = field(default_factory=list)

    def add_date(self, date: str | None) -> None:
        if not date:
            return
        self.first_date = min(self.first_date or date, date)
        self.last_date = max(self.last_date or date, date)


@dataclass
class CorpusReport:
    """Aggregates over documents, fed one at a time with :meth:`add`."""

    speakers: dict[str, Speaker] = field(default_factory=dict)
    by_month: Counter = field(default_factory=Counter)
    articles: int = 0
    quotes: int = 0
    unattributed: int = 0

    def add(self, doc: Document) -> None:
        self.articles += 1
        date = iso_date(doc.meta.get("date"))
        source = doc.meta.get("source") if isinstance(doc.meta.get("source"), str) else None
        seen: set[str] = set()
        entities = {e.id: e for e in doc.entities}
        for quote in doc.quotes:
            entity = entities.get(quote.entity or "")
            if entity is None or (entity.type == "unnamed" and not entity.mentions):
                self.unattributed += 1  # an implicit speaker the article never names
                continue
            key = speaker_key(entity.name)
            speaker = self.speakers.setdefault(key, Speaker(entity.name, entity.type))
            if len(entity.name) > len(speaker.name):  # keep the most complete spelling
                speaker.name = entity.name
            speaker.gender = speaker.gender or entity.gender
            speaker.quotes += 1
            speaker.kinds[quote.kind] += 1
            if source:
                speaker.sources[source] += 1
            speaker.add_date(date)
            if len(speaker.samples) < SAMPLES:
                speaker.samples.append(quote.content.text[:300])
            if key not in seen:
                speaker.articles += 1
                seen.add(key)
            self.quotes += 1
        if date and len(date) >= 7:
            self.by_month[date[:7]] += len(doc.quotes)

    def ranked(self) -> list[Speaker]:
        return sorted(self.speakers.values(), key=lambda s: (-s.quotes, s.name))

    def gender_share(self) -> dict[str, float]:
        """Share of quotes by women and by men among persons of known gender."""
        counts = Counter()
        for speaker in self.speakers.values():
            if speaker.type == "person" and speaker.gender in ("male", "female"):
                counts[speaker.gender] += speaker.quotes
        total = sum(counts.values())
        return {g: counts[g] / total if total else 0.0 for g in ("female", "male")}


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or an RFC 2822 one (`Fri, 01 Jun 2018 ...`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def speaker_key(name: str) -> str:
    """Folded name tokens, so that spelling variants of one name merge."""
    tokens = name_tokens(name)
    return " ".join(sorted(tokens)) if tokens else name


def build_report(docs: Iterable[Document]) -> CorpusReport:
    report = CorpusReport()
    for doc in docs:
        report.add(doc)
    return report


CSV_FIELDS = ("speaker", "type", "gender", "quotes", "articles", "direct", "indirect", "mixed",
              "direct_share", "sources", "first_date", "last_date", "sample_1", "sample_2",
              "sample_3")  # fmt: skip


def csv_rows(report: CorpusReport) -> Iterable[dict[str, object]]:
    for s in report.ranked():
        samples = s.samples + [""] * (SAMPLES - len(s.samples))
        yield {
            "speaker": s.name, "type": s.type or "", "gender": s.gender or "",
            "quotes": s.quotes, "articles": s.articles,
            "direct": s.kinds["direct"], "indirect": s.kinds["indirect"],
            "mixed": s.kinds["mixed"],
            "direct_share": round(s.kinds["direct"] / s.quotes, 3) if s.quotes else 0.0,
            "sources": "; ".join(f"{k} ({v})" for k, v in s.sources.most_common()),
            "first_date": s.first_date or "", "last_date": s.last_date or "",
            "sample_1": samples[0], "sample_2": samples[1], "sample_3": samples[2],
        }  # fmt: skip


def write_csv(report: CorpusReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads Arabic
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(csv_rows(report))


def _png(figure) -> str:
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a glyph missing from the font is not worth a warning
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _shape(text: str) -> str:
    """Arabic labels for matplotlib, which neither joins letters nor orders
    right-to-left: shaped and reordered with arabic-reshaper and python-bidi
    (the `report` extra); without them, reversed so the order reads right."""
    try:
        import arabic_reshaper
        from bidi.algorithm import get_display
    except ImportError:
        return text[::-1]
    reshaper = arabic_reshaper.ArabicReshaper(configuration={"support_ligatures": False})
    return get_display(reshaper.reshape(text))


def charts(report: CorpusReport, top: int = 15) -> dict[str, str]:
    """Top speakers and quotes per month as base64 PNGs (matplotlib, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = {}
    speakers = report.ranked()[:top]
    if speakers:
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(speakers) + 1))
        ax.barh(
            [_shape(s.name) for s in reversed(speakers)],
            [s.quotes for s in reversed(speakers)],
            color="#4c78a8",
        )
        ax.set_xlabel("quotes")
        ax.set_title("Top speakers")
        out["top"] = _png(fig)
        plt.close(fig)
    if len(report.by_month) > 1:
        months = sorted(report.by_month)
        fig, ax = plt.subplots(figsize=(7, 3))
        ax.plot(months, [report.by_month[m] for m in months], marker="o", color="#f58518")
        ax.set_ylabel("quotes")
        ax.set_title("Quotes over time")
        ax.tick_params(axis="x", rotation=60)
        out["time"] = _png(fig)
        plt.close(fig)
    return out


def render_report(report: CorpusReport, top: int = 50) -> str:
    """A self-contained RTL HTML page: summary, charts, and the speaker table."""
    images = charts(report)
    share = report.gender_share()
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td><td>{s.type or ''}</td><td>{s.gender or ''}</td>"
        f"<td>{s.quotes}</td><td>{s.kinds['direct']}</td><td>{s.kinds['indirect']}</td>"
        f"<td>{s.kinds['mixed']}</td><td>{html.escape(s.first_date or '')}</td>"
        f"<td>{html.escape(s.last_date or '')}</td>"
        f"<td>{'<br>'.join('«' + html.escape(q) + '»' for q in s.samples)}</td></tr>"
        for s in report.ranked()[:top]
    )
    figures = "".join(f'<img alt="{k}" src="data:image/png;base64,{v}">' for k, v in images.items())
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        "<title>qawl: تقرير المتحدثين</title><style>"
        'body{font-family:"Noto Naskh Arabic","Amiri",Tahoma,sans-serif;max-width:70rem;'
        "margin:2rem auto;padding:0 1rem;line-height:1.8}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}"
        "img{max-width:48%;margin:.5rem}</style></head><body>"
        f"<h1>من قال ماذا: {report.articles} مقالة، {report.quotes} اقتباس، "
        f"{len(report.speakers)} متحدث</h1>"
        f"<p>اقتباسات لم يُعرف صاحبها: {report.unattributed}</p>"
        f"<p>نصيب النساء من اقتباسات الأشخاص معروفي الجنس: {share['female']:.1%}، "
        f"نصيب الرجال: {share['male']:.1%}</p>{figures}"
        "<table><tr><th>المتحدث</th><th>النوع</th><th>الجنس</th><th>الاقتباسات</th>"
        "<th>مباشر</th><th>غير مباشر</th><th>مختلط</th><th>أول تاريخ</th><th>آخر تاريخ</th>"
        f"<th>أمثلة</th></tr>{rows}</table></body></html>\n"
    )


def write_report(report: CorpusReport, out_dir: str | Path) -> list[Path]:
    """``speakers.csv`` and ``report.html`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(report, out / "speakers.csv")
    (out / "report.html").write_text(render_report(report), encoding="utf-8")
    return [out / "speakers.csv", out / "report.html"]
