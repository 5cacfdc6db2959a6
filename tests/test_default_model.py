"""The shipped default model (qawl/default_model/), loaded offline."""

import time

import pytest

from qawl.extractor import DEFAULT_MODEL_DIR, QuoteExtractor
from qawl.schema import load_documents
from tests.conftest import EXAMPLE, shared_file

pytestmark = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "config.json").is_file(), reason="this install ships no default model"
)


@pytest.fixture(scope="module")
def extractor():
    return QuoteExtractor.from_pretrained()


def test_loads_offline_fast(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    QuoteExtractor.from_pretrained()
    assert time.perf_counter() - started < 5.0


def test_example_article(extractor):
    text = EXAMPLE.read_text(encoding="utf-8")
    doc = extractor(text, "article")
    assert doc.extractor.startswith("qawl-tagger")
    assert len(doc.quotes) >= 4
    for q in doc.quotes:
        for span in (q.content, q.cue, q.speaker, q.resolved_to):
            if span is not None:
                assert text[span.start : span.end] == span.text
        assert 0.0 <= q.score <= 1.0
    assert "سامي الحداد" in {e.name for e in doc.entities}


@pytest.mark.slow
def test_seed_article_end_to_end(extractor):
    from qawl.eval import evaluate

    gold = load_documents(str(shared_file("seed-article.gold.jsonl")))
    pred = list(extractor.pipe([(d.id, d.text) for d in gold]))
    metrics = evaluate(gold, pred, bootstrap=0)
    assert metrics["e2e_f1"] >= 0.80 and metrics["soft_f1"] >= 0.90
