import gzip
import json

import pytest

from qawl.schema import Document, RecordError
from qawl.training.standoff import join_standoff, to_standoff

TEXT = "وقال الوزير إن الوضع مستقر."


def corpus(tmp_path, text=TEXT):
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "n1", "text": text}, ensure_ascii=False) + "\n")
        handle.write(json.dumps({"id": "n2", "text": "نص آخر"}, ensure_ascii=False) + "\n")


def annotated():
    return Document.from_json(
        {
            "id": "n1",
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
    )


def test_round_trip_through_standoff_keeps_no_text(tmp_path):
    corpus(tmp_path)
    record = to_standoff(annotated(), "news.jsonl.gz")
    assert "text" not in record and TEXT not in json.dumps(record, ensure_ascii=False)
    path = tmp_path / "ann.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = join_standoff([path], tmp_path)
    assert doc.text == TEXT and doc.quotes[0].content.text == "الوضع مستقر"


def test_changed_corpus_text_is_refused(tmp_path):
    corpus(tmp_path, text=TEXT.replace("مستقر", "هادئ"))
    path = tmp_path / "ann.jsonl"
    path.write_text(json.dumps(to_standoff(annotated(), "news.jsonl.gz")) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match="differs"):
        join_standoff([path], tmp_path)
