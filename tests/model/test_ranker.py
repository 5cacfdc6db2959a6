"""The speaker ranker's parts: candidates, features, hard constraints, save/load, grouping."""

import json

import pytest
import torch

from qawl.attribution import attribute_last_source, group
from qawl.model.candidates import FEATURES, allowed, candidates, features
from qawl.model.ranker import (
    SpeakerRanker,
    TokenIndex,
    attribute_with_ranker,
    decode_mentions,
    load_ranker,
    mention_tags,
)
from qawl.schema import Quote, Span


def span(text: str, part: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Span.of(text, start, start + len(part))


def quote(text: str, content: str, cue: str, speaker: str | None = None, kind="indirect") -> Quote:
    return Quote(
        content=span(text, content),
        kind=kind,
        cue=span(text, cue),
        speaker=span(text, speaker) if speaker else None,
    )


TWO_SOURCES = (
    "وقالت الوزيرة سلمى الهادي إن الميزانية كافية. "
    "وقال النائب عمر الصافي إن الأرقام غير دقيقة. "
    "وأضافت أن الحكومة ستنشر التفاصيل غدا."
)


def two_source_quotes() -> list[Quote]:
    t = TWO_SOURCES
    return [
        quote(t, "الميزانية كافية", "وقالت", "الوزيرة سلمى الهادي"),
        quote(t, "الأرقام غير دقيقة", "وقال", "النائب عمر الصافي"),
        quote(t, "الحكومة ستنشر التفاصيل غدا", "وأضافت"),
    ]


def test_candidates_of_an_implicit_quote_are_the_earlier_sources_nearest_first():
    quotes = two_source_quotes()
    mentions = [span(TWO_SOURCES, "سلمى الهادي"), span(TWO_SOURCES, "عمر الصافي")]
    cands = candidates(TWO_SOURCES, quotes, 2, mentions)
    texts = [c.span.text for c in cands]
    assert texts[0] in ("النائب عمر الصافي", "عمر الصافي")
    assert set(texts) == {
        "سلمى الهادي", "عمر الصافي", "الوزيرة سلمى الهادي", "النائب عمر الصافي"
    }  # fmt: skip
    assert all(c.origin in ("mention", "speaker") for c in cands)


def test_features_have_one_column_per_name_and_mark_the_own_speaker():
    quotes = two_source_quotes()
    mentions = [span(TWO_SOURCES, "سلمى الهادي"), span(TWO_SOURCES, "عمر الصافي")]
    cands = candidates(TWO_SOURCES, quotes, 1, mentions)
    rows = features(TWO_SOURCES, quotes, 1, cands)
    assert rows.shape == (len(cands), len(FEATURES))
    own = FEATURES.index("own_speaker")
    assert rows[0, own] == 1 and cands[0].span.text == "النائب عمر الصافي"
    assert rows[1:, own].sum() == 0
    agrees = FEATURES.index("agrees_own_speaker")
    inside = [i for i, c in enumerate(cands) if c.span.text == "عمر الصافي"]
    assert rows[inside[0], agrees] == 1


def test_a_feminine_cue_allows_no_male_candidate():
    quotes = two_source_quotes()
    mentions = [span(TWO_SOURCES, "سلمى الهادي"), span(TWO_SOURCES, "عمر الصافي")]
    cands = candidates(TWO_SOURCES, quotes, 2, mentions)
    ok = dict(
        zip(
            [c.span.text for c in cands],
            allowed(TWO_SOURCES, quotes[2], cands, quotes),
            strict=True,
        )
    )
    assert ok["الوزيرة سلمى الهادي"] and not ok["النائب عمر الصافي"]


def test_a_participle_after_a_named_subject_allows_only_that_subject():
    t = 'وقال المدرب سعيد المالكي إن الفريق جاهز. وأردف اللاعب ياسين الطاهر قائلا: "سنلعب بقوة".'
    quotes = [
        quote(t, "الفريق جاهز", "وقال", "المدرب سعيد المالكي"),
        quote(t, "سنلعب بقوة", "قائلا", kind="direct"),
    ]
    cands = candidates(t, quotes, 1, [span(t, "سعيد المالكي")])
    chosen = [c.span.text for c, ok in zip(cands, allowed(t, quotes[1], cands), strict=True) if ok]
    assert chosen == ["اللاعب ياسين الطاهر"]


def test_a_source_after_its_content_is_a_candidate():
    t = "«الطريق مغلق حتى الغد»، حسب مصدر في الشرطة. وتواصل الأشغال."
    q = Quote(content=span(t, "الطريق مغلق حتى الغد"), kind="direct", cue=span(t, "حسب"))
    cands = candidates(t, [q], 0, [span(t, "مصدر في الشرطة")])
    assert [c.span.text for c in cands] == ["مصدر في الشرطة"]
    after = FEATURES.index("after")
    assert features(t, [q], 0, cands)[0, after] == 1


def test_mention_tags_and_decoding_round_trip():
    t = "قال الوزير جون كيري إن المحادثات مفيدة."
    offsets = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", t)]
    tags = mention_tags(t, offsets, [span(t, "جون كيري")])
    assert tags == [0, 0, 1, 2, 0, 0, 0]
    logits = torch.nn.functional.one_hot(torch.tensor(tags), 3).float()
    assert [m.text for m in decode_mentions(t, offsets, logits)] == ["جون كيري"]
    assert TokenIndex(offsets).rows(span(t, "كيري").start, span(t, "كيري").end) == [3]


def test_ranker_save_load_round_trip(tmp_path):
    torch.manual_seed(0)
    ranker = SpeakerRanker(hidden=16, proj=8, inner=8).eval()
    (tmp_path / "config.json").write_text(json.dumps({"ranker": ranker.save(tmp_path)}))
    loaded = load_ranker(tmp_path)
    states, feats = torch.randn(5, 16), torch.randn(5, len(FEATURES))
    with torch.no_grad():
        assert torch.equal(
            ranker.score(states, states[0], feats), loaded.score(states, states[0], feats)
        )


def test_a_ranker_with_other_features_is_refused(tmp_path):
    ranker = SpeakerRanker(hidden=16, proj=8, inner=8)
    block = ranker.save(tmp_path)
    block["features"] = ["distance"]
    (tmp_path / "config.json").write_text(json.dumps({"ranker": block}))
    with pytest.raises(ValueError, match="features"):
        load_ranker(tmp_path)


def test_attribute_with_a_ranker_keeps_spans_exact_and_respects_gender():
    torch.manual_seed(1)
    t = TWO_SOURCES
    offsets = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", t)]
    ranker = SpeakerRanker(hidden=8, proj=4, inner=4, mention_source="head").eval()
    with torch.no_grad():  # a mention head that tags nothing: candidates are the speakers
        ranker.mention_head.bias.copy_(torch.tensor([10.0, 0.0, 0.0]))
    quotes, entities = attribute_with_ranker(
        t, two_source_quotes(), torch.randn(len(offsets), 8), offsets, ranker
    )
    by_id = {e.id: e for e in entities}
    assert by_id[quotes[2].entity].name == "سلمى الهادي"
    assert quotes[2].resolved_to.text == "الوزيرة سلمى الهادي"
    for e in entities:
        assert all(t[m.start : m.end] == m.text for m in e.mentions)


def test_group_joins_a_surname_to_its_full_name_and_keeps_speaker_mentions():
    t = "وقال وزير الخارجية جون كيري إن الاتفاق قريب. وأكد كيري أن الخلافات باقية."
    quotes = [
        quote(t, "الاتفاق قريب", "وقال", "وزير الخارجية جون كيري"),
        quote(t, "الخلافات باقية", "وأكد", "كيري"),
    ]
    quotes, entities = group(t, quotes, [span(t, "جون كيري"), span(t, "كيري", 1)])
    assert len(entities) == 1 and entities[0].name == "جون كيري"
    assert {m.text for m in entities[0].mentions} == {"جون كيري", "وزير الخارجية جون كيري", "كيري"}


def test_last_source_baseline_takes_the_previous_speaker_whatever_the_gender():
    quotes, entities = attribute_last_source(TWO_SOURCES, two_source_quotes())
    by_id = {e.id: e for e in entities}
    assert by_id[quotes[2].entity].name == "عمر الصافي"


def test_a_named_speaker_allows_only_fuller_forms_of_its_name():
    t = (
        "التقى محامي اللاعب رامي عباس بالصحفيين. "
        "وقال جون كيري إن الحل قريب. وقال كيري إن الوقت ضيق."
    )
    second = Quote(
        content=span(t, "الوقت ضيق"),
        kind="indirect",
        cue=span(t, "وقال", 1),
        speaker=span(t, "كيري", 1),
    )
    quotes = [quote(t, "الحل قريب", "وقال", "جون كيري"), second]
    mentions = [span(t, "رامي عباس"), span(t, "جون كيري")]
    cands = candidates(t, quotes, 1, mentions)
    ok = {c.span.text for c, a in zip(cands, allowed(t, quotes[1], cands), strict=True) if a}
    assert ok == {"كيري", "جون كيري"}


def test_a_person_named_with_a_body_in_his_title_is_no_fuller_form_of_the_body():
    from qawl.model.candidates import fuller_name

    assert not fuller_name('سامي الورد، أحد مديري "غوغل"', "غوغل")
    assert fuller_name("شركة غوغل", "غوغل")
    assert fuller_name("وزير الخارجية جون كيري", "كيري")


def test_a_body_in_a_persons_title_is_no_fuller_form_of_the_person():
    from qawl.model.candidates import fuller_name

    assert not fuller_name("مستشفى سالم نصار", "مدير مستشفى سالم نصار")


def test_a_european_name_runs_through_its_particle():
    from qawl.model.candidates import lexical_mentions

    text = "وقال وزير الخارجية جان إيف لو دريان إن الاتفاق قائم."
    assert "جان إيف لو دريان" in [m.text for m in lexical_mentions(text)]


def test_a_spokesman_may_not_take_the_body_he_speaks_for():
    t = "وقالت وزارة النقل إن الطريق مغلق. وقالت متحدثة باسم الوزارة إن الأشغال بدأت."
    second = Quote(
        content=span(t, "الأشغال بدأت"),
        kind="indirect",
        cue=span(t, "وقالت", 1),
        speaker=span(t, "متحدثة باسم الوزارة"),
    )
    quotes = [quote(t, "الطريق مغلق", "وقالت", "وزارة النقل"), second]
    mentions = [span(t, "وزارة النقل"), span(t, "الوزارة")]
    cands = candidates(t, quotes, 1, mentions)
    ok = {c.span.text for c, a in zip(cands, allowed(t, quotes[1], cands), strict=True) if a}
    assert "متحدثة باسم الوزارة" in ok
    assert not ok & {"وزارة النقل", "الوزارة"}


def test_a_name_run_after_a_description_keeps_the_persons_name():
    from qawl.model.candidates import lexical_mentions

    found = [m.text for m in lexical_mentions("وقال مهاجم ليفربول محمد صالح إن الفريق جاهز.")]
    assert "محمد صالح" in found
    assert not any("ليفربول" in m for m in found if "صالح" in m)


def test_a_definite_body_does_not_run_into_the_name_after_it():
    from qawl.model.candidates import lexical_mentions

    text = "وقال الناطق باسم البلدية مراد الزين إن المياه عادت. وأكدت شركة نور أن الأسعار ثابتة."
    found = [m.text for m in lexical_mentions(text)]
    assert "البلدية" in found and "مراد الزين" in found
    assert "شركة نور" in found  # an indefinite head keeps the name it governs


def test_a_bodys_description_may_take_only_a_body():
    t = "وقال المدرب سامي الورد إن الفريق جاهز. ووصف الاتحاد رسائل المدرب بأنها غير لائقة."
    second = Quote(
        content=span(t, "غير لائقة"),
        kind="indirect",
        cue=span(t, "ووصف"),
        speaker=span(t, "الاتحاد"),
    )
    quotes = [quote(t, "الفريق جاهز", "وقال", "المدرب سامي الورد"), second]
    mentions = [span(t, "المدرب سامي الورد"), span(t, "الاتحاد")]
    cands = candidates(t, quotes, 1, mentions)
    ok = {c.span.text for c, a in zip(cands, allowed(t, quotes[1], cands), strict=True) if a}
    assert ok == {"الاتحاد"}


@pytest.mark.parametrize(
    ("first", "cue", "other"),
    [("نعيمة الساحلي", "وأضاف", "كريم المنصوري"), ("طارق الجبالي", "وأضافت", "حياة العابد")],
)
def test_a_first_name_gives_the_gender_that_an_implicit_cue_must_agree_with(
    first: str, cue: str, other: str
):
    t = f"اجتمع {other} مع {first} أمس. {cue} أن الموعد قريب."
    quotes = [Quote(content=span(t, "الموعد قريب"), kind="indirect", cue=span(t, cue))]
    cands = candidates(t, quotes, 0, [span(t, other), span(t, first)])
    ok = {c.span.text for c, a in zip(cands, allowed(t, quotes[0], cands), strict=True) if a}
    assert ok == {other}


def test_group_joins_a_nameless_description_to_the_person_it_describes():
    t = (
        "وصل العداء يوسف كاماو إلى المدينة. قال كاماو إن السباق صعب. "
        "وأكد العداء السابق أنه مستعد للمنافسة."
    )
    quotes = [
        quote(t, "السباق صعب", "قال", "كاماو"),
        quote(t, "مستعد للمنافسة", "وأكد", "العداء السابق"),
    ]
    quotes, entities = group(t, quotes, [q.speaker for q in quotes])
    assert quotes[0].entity == quotes[1].entity
    assert [e.name for e in entities] == ["يوسف كاماو"]


def test_group_reads_a_name_behind_its_preposition_as_the_name():
    t = "قال ياسين بوزيان إن الموسم طويل. وسبق لبوزيان أن أعلن أن الفريق جاهز."
    quotes = [
        quote(t, "الموسم طويل", "قال", "ياسين بوزيان"),
        quote(t, "الفريق جاهز", "أعلن", "لبوزيان"),
    ]
    quotes, entities = group(t, quotes, [q.speaker for q in quotes])
    assert len(entities) == 1 and entities[0].name == "ياسين بوزيان"


def test_a_spokeswoman_for_a_named_minister_is_not_the_minister():
    t = "وقال متحدث باسم رئيسة الحكومة هالة برادة إن القرار نهائي. وقالت برادة إن الحوار مستمر."
    first = quote(t, "القرار نهائي", "وقال", "متحدث باسم رئيسة الحكومة هالة برادة")
    cands = candidates(t, [first], 0, [span(t, "هالة برادة")])
    assert [c.span.text for c in cands] == [first.speaker.text]


def test_a_body_run_stops_before_the_person_named_after_it():
    from qawl.model.candidates import lexical_mentions

    t = "وقال مؤسس موقع نوراليكس رامي زيداني إن الموقع سيعود. وأضاف زيداني أن القضية سياسية."
    found = [m.text for m in lexical_mentions(t)]
    assert "موقع نوراليكس" in found and "رامي زيداني" in found
    t = "وقالت وكالة ستار آند فيلد إن التصنيف ثابت. وأكدت ستار آند فيلد أن الأفق مستقر."
    assert "وكالة ستار آند فيلد" in [m.text for m in lexical_mentions(t)]
    t = "وانضم إلى نادي ويست كوست ستارز الأسبوع الماضي. وقال إنه ممتن لفريق ستارز."
    assert "نادي ويست كوست ستارز" in [m.text for m in lexical_mentions(t)]


def test_a_body_named_only_by_its_kind_does_not_absorb_another_named_body():
    t = (
        "وقالت شركة نجمة إن الأرباح زادت. وأضافت الشركة أن المبيعات قوية. "
        "وقالت شركة ZEN إن الطلب يتراجع."
    )
    quotes = [
        quote(t, "الأرباح زادت", "وقالت", "شركة نجمة"),
        quote(t, "المبيعات قوية", "وأضافت", "الشركة"),
        quote(t, "الطلب يتراجع", "وقالت شركة ZEN", "شركة ZEN"),
    ]
    quotes, entities = group(t, quotes, [q.speaker for q in quotes])
    assert quotes[0].entity == quotes[1].entity != quotes[2].entity
    assert [e.name for e in entities] == ["شركة نجمة", "شركة ZEN"]


def test_a_spokesman_for_a_named_minister_and_the_minister_are_two_entities():
    t = (
        "وقال متحدث باسم رئيسة الحكومة هالة برادة إن القرار نهائي. "
        "وكانت هالة برادة قد أعلنت أن الحوار مستمر."
    )
    quotes = [
        quote(t, "القرار نهائي", "وقال", "متحدث باسم رئيسة الحكومة هالة برادة"),
        quote(t, "الحوار مستمر", "أعلنت"),
    ]
    chosen = [quotes[0].speaker, span(t, "هالة برادة", 1)]
    quotes, entities = group(t, quotes, chosen)
    assert quotes[0].entity != quotes[1].entity
    assert [e.name for e in entities] == ["متحدث باسم رئيسة الحكومة هالة برادة", "هالة برادة"]


def test_a_generic_word_chosen_inside_a_mention_names_that_mention_entity():
    t = (
        "وقال مصدر في الجيش النظامي إن القصف توقف. "
        "وقال مصدر في الشرطة إن الطرق مغلقة. وأضاف المصدر أن الهدنة صامدة."
    )
    quotes = [
        quote(t, "القصف توقف", "وقال", "مصدر في الجيش النظامي"),
        quote(t, "الطرق مغلقة", "وقال مصدر في الشرطة", "مصدر في الشرطة"),
        quote(t, "الهدنة صامدة", "وأضاف", "المصدر"),
    ]
    chosen = [quotes[0].speaker, quotes[1].speaker, span(t, "مصدر", 1)]
    quotes, entities = group(t, quotes, chosen)
    assert quotes[2].entity == quotes[1].entity != quotes[0].entity
