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


# Antecedent rules the shipped model must respect, on articles written for these tests.


def speaker_names(doc):
    by_id = {e.id: e.name for e in doc.entities}
    return [by_id[q.entity] for q in sorted(doc.quotes, key=lambda q: q.content.start)]


def test_model_feminine_cue_skips_the_male_source(extractor):
    doc = extractor(
        "وقالت الوزيرة سلمى الهادي إن الميزانية كافية لتغطية المشاريع الجديدة. "
        "وقال النائب عمر الصافي إن الأرقام غير دقيقة وإن العجز أكبر مما أعلن. "
        "وأضافت أن الحكومة ستنشر التفاصيل الكاملة غدا أمام البرلمان."
    )
    assert speaker_names(doc) == ["سلمى الهادي", "عمر الصافي", "سلمى الهادي"]
    assert doc.quotes[-1].resolved_to.text.endswith("سلمى الهادي")


def test_model_participle_after_a_named_speaker_goes_to_that_speaker(extractor):
    doc = extractor(
        "وقال المدرب سعيد المالكي إن الفريق جاهز للمباراة النهائية. "
        'وأردف اللاعب ياسين الطاهر قائلا: "سنلعب من أجل الجمهور الذي ساندنا طوال الموسم".'
    )
    assert speaker_names(doc)[-1] == "ياسين الطاهر"


def test_model_implicit_speaker_in_a_new_paragraph_is_the_last_source(extractor):
    doc = extractor(
        "وقال الناطق باسم البلدية مراد الزين إن المياه عادت إلى الأحياء الشرقية منذ الصباح.\n\n"
        "وأضاف أن الفرق الفنية تعمل ليلا ونهارا لإصلاح بقية الأعطال."
    )
    assert speaker_names(doc) == ["مراد الزين", "مراد الزين"]


def test_model_source_after_its_content_is_the_speaker(extractor):
    doc = extractor(
        "«الطريق الساحلي سيبقى مغلقا حتى نهاية الأسبوع بسبب الأشغال»، "
        "حسب ما أعلنته وزارة التجهيز في بيان نشرته مساء الأحد."
    )
    (quote,) = doc.quotes
    assert "وزارة التجهيز" in doc.entity(quote.entity).name


def test_model_groups_a_titled_full_name_and_its_surname(extractor):
    doc = extractor(
        "قال وزير النقل كريم العابد إن الطريق الجديد سيفتح أمام السيارات في الربيع المقبل. "
        "وأكد العابد أن الأشغال ستنتهي قبل موعدها المحدد بشهرين."
    )
    assert speaker_names(doc) == ["كريم العابد", "كريم العابد"]
    assert len(doc.entities) == 1
    assert {m.text for m in doc.entities[0].mentions} >= {"وزير النقل كريم العابد", "العابد"}
