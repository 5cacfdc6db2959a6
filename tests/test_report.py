import csv

import pytest

from qawl.report import build_report, write_report
from qawl.schema import Document


def doc(doc_id, name, gender, kinds, date, source="وكالة"):
    text = "قال " + name + " إن " + " و".join(f"جملة{i}" for i in range(len(kinds)))
    quotes, start = [], text.index("إن") + 3
    for i, kind in enumerate(kinds):
        piece = f"جملة{i}"
        s = text.index(piece, start)
        quotes.append({"content": [s, s + len(piece)], "kind": kind, "entity": "E1"})
    return Document.from_json({
        "id": doc_id, "text": text, "date": date, "source": source,
        "entities": [{"id": "E1", "name": name, "type": "person", "gender": gender}],
        "quotes": quotes,
    })  # fmt: skip


def test_merges_speakers_across_articles_by_folded_name():
    docs = [
        doc("a", "أحمد سالم", "male", ["direct", "indirect"], "2020-01-05"),
        doc("b", "احمد سالم", "male", ["direct"], "2020-03-01"),
        doc("c", "سلمى يوسف", "female", ["indirect"], "2020-02-01", source="صحيفة"),
    ]
    report = build_report(docs)
    top = report.ranked()[0]
    assert (top.quotes, top.articles, top.kinds["direct"]) == (3, 2, 2)
    assert (top.first_date, top.last_date) == ("2020-01-05", "2020-03-01")
    assert report.gender_share() == {"female": 0.25, "male": 0.75}
    assert report.by_month == {"2020-01": 2, "2020-02": 1, "2020-03": 1}


def test_writes_csv_and_html(tmp_path):
    pytest.importorskip("matplotlib")
    docs = [
        doc("a", "أحمد سالم", "male", ["direct"], "2020-01-05"),
        doc("b", "سلمى يوسف", "female", ["indirect"], "2020-02-01"),
    ]
    csv_path, html_path = write_report(build_report(docs), tmp_path)
    with open(csv_path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["speaker"] for r in rows] == ["أحمد سالم", "سلمى يوسف"]
    page = html_path.read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and page.count("data:image/png;base64,") == 2


def test_dates_in_rfc_2822_and_iso_are_compared_as_dates():
    from qawl.report import iso_date

    assert iso_date("Fri, 01 Jun 2018 03:05:23 GMT") == "2018-06-01"
    assert iso_date("2018-06-01T10:00:00") == "2018-06-01"
    assert iso_date("غدا") is None and iso_date(None) is None
