import pytest

from qawl.extractor import DEFAULT_MODEL_DIR

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "config.json").is_file(), reason="this install ships no default model"
)


def test_pipeline_task_returns_the_json_record(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import pipeline

    import qawl.integrations.hf  # noqa: F401  (registers the task)

    extract = pipeline("quote-attribution", model=str(DEFAULT_MODEL_DIR))
    text = (
        "وقال الوزير سامي الحداد إن الموسم سيكون جيدا هذا العام بفضل الأمطار.\n"
        "وأضاف أن الأسعار ستنخفض."
    )
    record = extract(text)
    contents = [text[s:e] for s, e in (q["content"] for q in record["quotes"])]
    assert contents == ["الموسم سيكون جيدا هذا العام بفضل الأمطار", "الأسعار ستنخفض"]
    assert {e["name"] for e in record["entities"]} == {"سامي الحداد"}
