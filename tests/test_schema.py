import json

import pytest

from qawl.schema import Document, RecordError, read_documents

TEXT = "وقال الوزير إن الوضع مستقر."


def record(**overrides):
    base = {
        "id": "a1",
        "title": "عنوان",
        "text": TEXT,
        "entities": [{"id": "E1", "name": "الوزير"}],
        "quotes": [
            {
                "content": [15, 26],
                "kind": "indirect",
                "cue": [0, 4],
                "speaker": [5, 11],
                "entity": "E1",
            }
        ],
    }
    base.update(overrides)
    return base


def test_round_trip_keeps_format_and_extra_fields():
    doc = Document.from_json(record())
    assert doc.quotes[0].content.text == "الوضع مستقر"
    assert doc.quotes[0].speaker.text == "الوزير"
    out = doc.to_json()
    assert out["title"] == "عنوان"
    assert out["quotes"][0] == record()["quotes"][0]
    assert Document.from_json(out).to_json() == out


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"text": None}, "'text'"),
        ({"id": None}, "'id'"),
        ({"quotes": [{"content": [0, 999], "kind": "direct", "entity": "E1"}]}, "outside the text"),
        ({"quotes": [{"content": [0, 4], "kind": "odd", "entity": "E1"}]}, "'kind'"),
        ({"quotes": [{"content": [0, 4], "kind": "direct", "entity": "E9"}]}, "unknown entity"),
        ({"entities": [{"id": "E1"}]}, "'name'"),
    ],
)
def test_validation_names_record_and_field(overrides, message):
    with pytest.raises(RecordError) as err:
        Document.from_json(record(**overrides), "gold.jsonl:3")
    assert "gold.jsonl:3" in str(err.value) and message in str(err.value)


def test_read_documents_names_line_of_bad_json():
    lines = [json.dumps(record(), ensure_ascii=False), "{oops"]
    with pytest.raises(RecordError, match="f.jsonl:2"):
        list(read_documents(lines, "f.jsonl"))
