"""Attribution on written examples: grouping, naming and implicit speakers."""

import pytest

from qawl.attribution import _person_name, clean_speakers, entity_name
from qawl.rules import RuleExtractor
from qawl.schema import Quote, Span

rules = RuleExtractor()


def names(doc):
    return [doc.entity(q.entity).name for q in doc.quotes]


def test_apposed_name_after_title_is_the_speaker_and_the_name():
    doc = rules("وقال المدير العام للمكتب، يوسف الكامل، إن الموسم سيبدأ في الربيع.")
    (quote,) = doc.quotes
    assert quote.speaker.text == "المدير العام للمكتب، يوسف الكامل"
    assert names(doc) == ["يوسف الكامل"]


def test_name_led_mention_names_by_its_first_run():
    doc = rules("وقال خالد بن سالم رئيس قسم الجراحة إن المريض غادر المستشفى.")
    assert names(doc) == ["خالد بن سالم"]


def test_title_then_surname_group_into_one_entity():
    doc = rules(
        "وقال وزير النقل كريم العابد إن الطريق سيفتح قريبا. وأكد العابد أن الأشغال ستنتهي في الصيف."
    )
    assert len(doc.entities) == 1
    assert names(doc) == ["كريم العابد", "كريم العابد"]


def test_object_after_name_is_not_part_of_the_speaker():
    doc = rules("وقال فارس وهو يغادر القاعة إن الحدود ستبقى مفتوحة.")
    assert doc.quotes[0].speaker.text == "فارس"
    assert names(doc) == ["فارس"]


def test_feminine_cue_skips_the_male_source():
    doc = rules(
        "وقالت الوزيرة سلمى الهادي إن الميزانية كافية. "
        "وقال النائب عمر الصافي إن الأرقام غير دقيقة. "
        "وأضافت أن الحكومة ستنشر التفاصيل غدا."
    )
    assert names(doc) == ["سلمى الهادي", "عمر الصافي", "سلمى الهادي"]


def test_participle_after_named_speaker_goes_to_that_speaker():
    doc = rules(
        "وقال المدرب سعيد المالكي إن الفريق جاهز. "
        'وأردف اللاعب ياسين الطاهر قائلا: "سنلعب من أجل الجمهور".'
    )
    assert names(doc)[-1] == "ياسين الطاهر"


def test_participle_goes_to_the_subject_after_an_opening_phrase():
    doc = rules(
        "وقالت النائبة ليلى الحداد إن الحوار متوقف. من جهته، دعا الوزير سامي العلوي "
        "إلى استئناف الحوار، مشددا على أن الأزمة ستنتهي قريبا."
    )
    assert names(doc) == ["ليلى الحداد", "سامي العلوي"]


def test_a_participle_goes_to_the_topic_after_amma():
    doc = rules(
        "وقالت النائبة ليلى الحداد إن الحوار متوقف. أما وزير الخارجية السابق كريم العابد، "
        "فطالب الحكومة بالتحرك، مؤكدا أن الأزمة ستنتهي قريبا."
    )
    assert names(doc) == ["ليلى الحداد", "كريم العابد"]


def test_a_participle_goes_to_the_subject_of_a_feminine_verb_opening_the_sentence():
    doc = rules(
        "وقالت النائبة ليلى الحداد إن الحوار متوقف. أدانت منظمة العفو الدولية القرار، "
        "معتبرة أنه غير قانوني."
    )
    assert names(doc) == ["ليلى الحداد", "منظمة العفو الدولية"]


def test_a_participle_goes_to_the_subject_of_an_ambiguous_verb_opening_the_sentence():
    doc = rules(
        "وقالت النائبة ليلى الحداد إن الخطة فاشلة. رد الوزير كريم العابد على منتقديه، "
        "مؤكدا أن الخطة ناجحة."
    )
    assert names(doc) == ["ليلى الحداد", "كريم العابد"]


def test_a_verb_cue_that_goes_on_a_sentence_takes_its_subject():
    doc = rules(
        "وقالت النائبة ليلى الحداد إن الوزير متورط في الصفقة. "
        "وينفي الوزير كمال بوزيد هذه الاتهامات، ويقول إن التحقيق سيثبت براءته."
    )
    assert names(doc) == ["ليلى الحداد", "كمال بوزيد"]


def test_a_first_implicit_quote_takes_the_subject_of_an_earlier_sentence():
    doc = rules(
        "وسئل اللاعب رامي الزين، خلال الندوة الصحفية، عن رأيه في مدرب الفريق المنافس. "
        'وكان الطقس باردا. والملعب ممتلئ. وأضاف: "سنلعب للفوز ولا شيء غيره".'
    )
    assert names(doc) == ["رامي الزين"]


def test_a_title_used_as_an_adjective_is_no_fallback_speaker():
    doc = rules(
        "أنهى الفريق تدريبه في الملعب الرئيسي بعد الندوة الصحفية للمدرب. "
        'وتابع: "الجميع جاهز للمباراة".'
    )
    assert names(doc) != ["الصحفية للمدرب"]
    assert all("الصحفية" not in e.name for e in doc.entities)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("واستهدف الجيش الوطني مواقع للمسلحين قرب الحدود. وأضاف أن العملية انتهت.", "الجيش الوطني"),
        ("وأصدر الوزير سامي العلوي بيانا حول الأزمة. وأضاف أن الحوار سيستأنف.", "سامي العلوي"),
    ],
)
def test_an_indefinite_object_after_the_subject_is_not_its_name(text, expected):
    assert names(rules(text)) == [expected]


def test_a_lone_title_is_named_where_the_article_writes_it_with_a_name():
    doc = rules(
        "اعتذر الأسقف الذي أدار مراسم الحفل للمغنية. وأظهرت صور الأسقف سامر الهادي "
        'ممسكا بيد المغنية. وقال الأسقف للصحفيين: "لم أقصد أي إساءة".'
    )
    assert names(doc) == ["سامر الهادي"]


def test_a_nameless_body_is_not_named_by_the_words_after_it():
    doc = rules(
        "ويرى محللون أن الولايات المتحدة تريد تحسين العلاقات مع الجارة. "
        "وفي المقابل، أكدت الولايات المتحدة أنها مستمرة في التحضير للقمة."
    )
    assert names(doc)[-1] == "الولايات المتحدة"


def test_a_preposition_with_its_pronoun_between_verb_and_participle_is_no_subject():
    doc = rules(
        "وقال المدرب سامي العلوي إن الفريق جاهز. "
        'ونشر اللاعب ياسين الطاهر صورة للفريق وعلق عليها قائلا: "كل الدعم لزملائي".'
    )
    assert names(doc) == ["سامي العلوي", "ياسين الطاهر"]


def test_a_negated_verb_after_the_subject_is_not_part_of_its_name():
    doc = rules(
        "وقال الرئيس سامي العلوي إن الحوار مستمر. بيد أن رئيس الوزراء لم يخف تفضيله "
        "للحل الأمني.\nوقال أمام حشد من مؤيديه إن الأمن أولوية."
    )
    assert all("يخف" not in name for name in names(doc))


def test_a_document_after_a_preposition_is_named_without_it_and_is_no_person():
    doc = rules("وارتفع عدد السكان إلى مئة مليون، وفقا لنتائج آخر تعداد في البلاد.")
    assert names(doc) == ["نتائج آخر تعداد"]


@pytest.mark.parametrize(
    "sentence",
    [
        "وقالت مصادر إن جيش الدفاع الوطني يعمل على تأمين الحدود.",
        "ويواصل جيش الدفاع الوطني عملياته في الجنوب.",
    ],
)
def test_a_bodys_full_name_stops_before_its_verb_or_object(sentence):
    doc = rules(sentence + " وذكر بيان للجيش أن الهجوم فشل.")
    assert names(doc)[-1] == "جيش الدفاع الوطني"


def test_an_outlet_that_only_relays_is_not_the_source():
    doc = rules(
        "وقال الرئيس كمال بوزيد إن الاقتصاد قوي. "
        "ونقلت وكالة الأنباء الرسمية أن الحكومة ستخفض الضرائب."
    )
    assert doc.quotes[1].speaker is None
    assert names(doc) == ["كمال بوزيد", "كمال بوزيد"]


def test_implicit_speaker_in_new_paragraph_is_the_last_source():
    doc = rules("وقال الناطق باسم البلدية مراد الزين إن المياه عادت.\n\nوأضاف أن الفرق تعمل ليلا.")
    assert names(doc) == ["مراد الزين", "مراد الزين"]


def test_source_after_its_content_names_the_source():
    doc = rules("ارتفعت الصادرات بنسبة عشرة في المئة خلال العام، بحسب وزارة التجارة.")
    (quote,) = doc.quotes
    assert quote.content.text.startswith("ارتفعت الصادرات")
    assert names(doc) == ["وزارة التجارة"]


def test_statement_is_named_by_its_issuer():
    doc = rules("وقال بيان لوزارة الصحة إن حملة التلقيح ستبدأ الأسبوع المقبل.")
    assert names(doc) == ["وزارة الصحة"]


def test_the_statement_taken_up_later_is_its_authors():
    doc = rules(
        "أعلنت هيئة الموانئ في بيان أن الرصيف الجديد سيفتح في الخريف. "
        "وقال المهندس رامي الشافعي إن الأشغال تأخرت. "
        "وذكر البيان أن الكلفة بلغت مليون دينار. "
        "وأشارت الهيئة بالبيان إلى أن السفن الكبيرة سترسو فيه."
    )
    assert [q.speaker.text for q in doc.quotes][2:] == ["البيان", "الهيئة"]
    assert names(doc) == ["هيئة الموانئ", "رامي الشافعي", "هيئة الموانئ", "هيئة الموانئ"]


def test_a_body_quoted_then_its_statement_is_named_by_the_body():
    doc = rules(
        "وقالت الوزارة في بيان إن الطريق مغلق بسبب الأمطار. "
        "وذكر البيان ذاته أن فرق الصيانة تعمل منذ الصباح."
    )
    assert [q.speaker.text for q in doc.quotes] == ["الوزارة", "البيان ذاته"]
    assert names(doc) == ["الوزارة", "الوزارة"]


def test_a_statement_with_no_author_written_by_it_is_the_last_sources():
    doc = rules("قال المحافظ سمير العوادي إن الطريق مغلق. وأضاف البيان أن الإصلاح يتطلب أسبوعا.")
    assert names(doc) == ["سمير العوادي", "سمير العوادي"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # the description's other words stand in the name's apposition
            "قال المهاجم سامي الفارس، لاعب نادي النجوم، إن الفريق مستعد للمباراة. "
            "وأضاف نجم النجوم أن الجمهور سيكون حاضرا بكثافة.",
            ["سامي الفارس", "سامي الفارس"],
        ),
        (  # its title stands before the name, which is quoted only later
            "أعلن مدرب الفريق، كمال بوزيد، عن تشكيلته للمباراة. "
            "وقال المدرب التونسي إن اللاعبين جاهزون تماما. وأكد بوزيد أن المباراة ستكون صعبة.",
            ["بوزيد", "بوزيد"],
        ),
        (  # nothing the article writes beside the minister's name describes a coach
            "وقال الوزير أحمد الساعدي إن الميزانية كافية. "
            "وقال المدرب الجديد إن الفريق سيلعب بخطة هجومية.",
            ["أحمد الساعدي", "المدرب الجديد"],
        ),
    ],
)
def test_a_nameless_description_joins_the_person_it_describes(text, expected):
    assert names(rules(text)) == expected


def test_the_same_source_after_a_named_person_is_that_person():
    doc = rules(
        "وقال الطبيب عادل الشريف إن المستشفى مكتظ. وأوضح نفس المصدر أن الأطباء يعملون ليلا."
    )
    assert names(doc) == ["عادل الشريف", "عادل الشريف"]


def test_same_source_anaphor_joins_the_earlier_source():
    doc = rules("وقال مصدر أمني إن الدورية أوقفت المشتبه به. وأفاد ذات المصدر بأن التحقيق متواصل.")
    assert len(doc.entities) == 1
    assert names(doc) == ["مصدر أمني", "مصدر أمني"]


def test_entity_types_and_person_gender():
    text = (
        "وقال مصدر أمني إن الهجوم فشل. وأكد خبراء أن الأسعار سترتفع. "
        "وذكر تقرير للأمم المتحدة أن الجوع يتفاقم. وقالت الوزيرة سلمى يوسف إن الخطة جاهزة. "
        "وقالت الوزارة الجديدة إن التنفيذ سيبدأ غدا."
    )
    doc = RuleExtractor()(text)
    found = {e.name: (e.type, e.gender) for e in doc.entities}
    assert found["مصدر أمني"] == ("unnamed", None)
    assert found["خبراء"] == ("group", None)
    assert found["الأمم المتحدة"] == ("organisation", None)
    assert found["سلمى يوسف"] == ("person", "female")
    assert all(g is None for t, g in found.values() if t != "person")


def test_surname_completed_from_a_titled_full_name():
    text = (
        "التقى النائب هادي همامي بالنواب أمس. وقال الهمامي إن الجلسة مهمة. "
        'وتابع المراسل. وذكرت محطة "صوت المدينة" أن الاتفاق قريب.'
    )
    doc = RuleExtractor()(text)
    assert "هادي همامي" in {e.name for e in doc.entities}


def test_a_stray_word_tagged_as_speaker_is_no_mention():
    from qawl.attribution import attribute
    from qawl.schema import Quote, Span

    text = 'وقال أحمد سالم إن الخطة جاهزة. وأضاف قوله "سنبدأ غدا".'
    first = Quote(Span.of(text, 19, 30), "indirect", Span.of(text, 0, 4), Span.of(text, 5, 14))
    cue = text.index("وأضاف")
    second = Quote(
        Span.of(text, text.index("سنبدأ"), text.index('".')),
        "direct",
        Span.of(text, cue, cue + 5),
        Span.of(text, cue + 6, cue + 10),
    )
    quotes, entities = attribute(text, [first, second])
    assert quotes[1].speaker is None and quotes[1].entity == quotes[0].entity
    assert [e.name for e in entities] == ["أحمد سالم"]


@pytest.mark.parametrize("stray", ["قائلة", "عام", "جاء"])
def test_a_cue_or_a_frequent_word_alone_is_no_speaker(stray):
    from qawl.attribution import _names_anyone

    assert not _names_anyone(stray)
    assert _names_anyone("نظيره") and _names_anyone("سامي") and _names_anyone("الوزارة")


def test_addressee_is_cut_from_a_tagged_speaker():
    from qawl.attribution import attribute
    from qawl.schema import Quote, Span

    text = 'التقى كريم سعيد بنظيره. وقال سعيد لكريم: "أهلا بك".'
    cue = text.index("وقال")
    speaker = Span.of(text, cue + 5, text.index(":"))
    quote = Quote(
        Span.of(text, text.index("أهلا"), text.index('".')),
        "direct",
        Span.of(text, cue, cue + 4),
        speaker,
    )
    quotes, entities = attribute(text, [quote])
    assert quotes[0].speaker.text == "سعيد" and entities[0].name != "سعيد لكريم"


def test_a_body_keeps_its_name_and_a_publisher_speaks_for_its_report():
    from qawl.attribution import attribute
    from qawl.schema import Quote, Span

    text = (
        "وقعت منظمة الصحة العالمية معاهدة جديدة. وقالت منظمة الصحة العالمية إن التدخين يتراجع. "
        'وارتفع عدد المصابين، وفقا لآخر حصيلة نشرها "صندوق الطوارئ" مساء أمس.'
    )

    def span(piece: str, after: int = 0) -> Span:
        start = text.index(piece, after)
        return Span.of(text, start, start + len(piece))

    said = span("وقالت")
    quotes = [
        Quote(span("التدخين يتراجع"), "indirect", said, span("منظمة الصحة العالمية", said.end)),
        Quote(
            span("وارتفع عدد المصابين"),
            "indirect",
            span("وفقا"),
            span('لآخر حصيلة نشرها "صندوق الطوارئ"'),
        ),
    ]
    _, entities = attribute(text, quotes)
    assert [e.name for e in entities] == ["منظمة الصحة العالمية", "صندوق الطوارئ"]


def test_a_prepositional_phrase_is_not_a_persons_name():
    text = (
        'وقال جون سميث، الرئيس التنفيذي لشركة "النور" إن الأرباح زادت. '
        'وأضاف الرئيس التنفيذي لشركة "النور'
    )
    first = text.index("جون")
    second = text.rindex("الرئيس")
    mentions = [Span.of(text, first, text.index(" إن")), Span.of(text, second, len(text))]
    assert entity_name(mentions, text) == "جون سميث"


def test_a_company_named_after_its_chief_is_not_the_chiefs_name():
    text = 'وقال كمال نور، المدير التنفيذي لشركة "بحر الخير" إن المبيعات ارتفعت.'
    mention = Span.of(text, text.index("كمال"), text.index(" إن"))
    assert entity_name([mention], text) == "كمال نور"


def test_a_hashtag_speaker_is_named_in_words():
    doc = rules("وقال #البنك_الدولي إن النمو سيتباطأ هذا العام.")
    assert names(doc) == ["البنك الدولي"]
    assert doc.quotes[0].speaker.text == "#البنك_الدولي"


# ---------------------------------------------------------------- naming


def _named(text: str, mention: str, nth: int = -1) -> str:
    """The entity name that one occurrence of ``mention`` gets in ``text``."""
    import re

    match = list(re.finditer(re.escape(mention), text))[nth]
    return entity_name([Span.of(text, match.start(), match.end())], text)


def test_common_noun_list_tells_nouns_from_names():
    from qawl.lexicon import is_common_noun

    assert is_common_noun("مهاجم") and is_common_noun("محامي") and is_common_noun("لشؤون")
    # Names that fold like nouns (`سلمى` / `سلمي`) or hide one (`كمال` = `ك` + `مال`) are not.
    assert not any(is_common_noun(w) for w in ("كمال", "سلمى", "كيري", "بوتين"))
    # A noun behind `ب` or `و` (a manner adverbial, a conjoined noun) is no name word
    assert is_common_noun("بطريقة") and is_common_noun("ومهاجم")
    # but `ل` + a noun may be a Maghrebi family name without its article
    assert not is_common_noun("لخضر") and not is_common_noun("بروسيا")


def test_a_manner_adverbial_is_no_candidate_name():
    from qawl.model.candidates import lexical_mentions

    text = "ورد الوزير بطريقة هادئة على منتقديه، وقال بحزم إن القرار نهائي."
    found = [m.text for m in lexical_mentions(text)]
    assert not any(m.startswith(("بطريقة", "بحزم")) for m in found), found


def test_a_description_does_not_name_the_club_or_country_it_belongs_to():
    assert (
        _named("وقال محمد صالح، مهاجم ليفربول الإنجليزي، إن", "محمد صالح، مهاجم ليفربول الإنجليزي")
        == "محمد صالح"
    )
    assert _named("وقال مهاجم ليفربول إن الفريق جاهز", "مهاجم ليفربول") == "مهاجم ليفربول"


def test_a_body_is_named_without_its_relative_clause():
    text = "وقال التحالف الإقليمي الذي تقوده الدول الثلاث إن الهدنة صامدة."
    assert _named(text, "التحالف الإقليمي الذي تقوده الدول الثلاث") == "التحالف الإقليمي"


def test_a_name_after_a_long_genitive_keeps_its_last_two_words():
    assert _named("قال رئيس حركة فتح محمود عباس إن", "رئيس حركة فتح محمود عباس") == "محمود عباس"


def test_a_run_after_a_number_is_not_a_name():
    text = "وقال لاعب المنتخب البالغ من العمر 25 سنة إن"
    assert _named(text, "لاعب المنتخب البالغ من العمر 25 سنة") != "سنة"


def test_a_description_takes_the_name_the_article_gives_it_elsewhere():
    text = (
        "التقى ولي العهد الأردني، الأمير حسين بن عبدالله، بالوفد أمس. "
        "وقال ولي العهد الأردني إن اللقاء كان مثمرا."
    )
    assert _named(text, "ولي العهد الأردني") == "حسين بن عبدالله"
    text = (
        "وقال وزير الصحة العمومية سعيد العابد إن المستشفى جاهز. وأكد وزير الصحة أن الأدوية متوفرة."
    )
    assert _named(text, "وزير الصحة") == "سعيد العابد"


def test_a_body_written_as_a_hashtag_names_its_short_mention():
    text = "ونشر #صندوق_النقد_الدولي تقريره أمس. وقال الصندوق إن النمو سيتحسن."
    assert _named(text, "الصندوق") == "صندوق النقد الدولي"


def test_a_department_of_a_ministry_is_not_the_ministry():
    doc = rules(
        "وقالت إدارة المرور التابعة لوزارة الداخلية إن الطريق مغلق. "
        "وقالت وزارة الداخلية إن التحقيق مستمر."
    )
    assert len(doc.entities) == 2


def test_the_medium_a_speaker_talks_to_is_cut_from_the_speaker():
    doc = rules("وقال الموظف قاسم لوكالة الأنباء من أحد المستشفيات إن الانفجار كان قويا.")
    (quote,) = doc.quotes
    assert quote.speaker.text == "الموظف قاسم"
    assert names(doc) == ["قاسم"]


def _grouped(text: str, quotes: list):
    """Entities for quotes that each name their own speaker."""
    from qawl.attribution import group

    return group(text, quotes, [q.speaker for q in quotes])


def _quote(text: str, cue: str, speaker: str, content: str, after: int = 0):
    """An indirect quote of ``text`` whose spans are the first occurrences of
    the given strings from ``after`` (the content's after the cue)."""
    from qawl.schema import Quote, Span

    def span(part: str, start: int) -> Span:
        at = text.index(part, start)
        return Span.of(text, at, at + len(part))

    cue_span = span(cue, after)
    return Quote(
        content=span(content, cue_span.end),
        kind="indirect",
        cue=cue_span,
        speaker=span(speaker, after),
    )


def test_both_spellings_of_a_compound_name_are_one_person():
    doc = rules("وقال الشيخ حسان نصر الله إن المفاوضات متوقفة. وأكد نصرالله أن الحوار ممكن.")
    assert len(doc.entities) == 1
    assert doc.quotes[0].entity == doc.quotes[1].entity


def test_a_plural_nisba_does_not_end_a_persons_name():
    from qawl.model.candidates import lexical_mentions

    text = "قال سالم الجبليين إن الحوار ممكن."
    assert [m.text for m in lexical_mentions(text)] == ["سالم"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a name with its links (بن, آل) set off by commas after a title
            "وأكد وزير الداخلية القمري، الشيخ سالم بن راشد آل ناصر، أن الأمن مستتب. "
            "وقال وزير الداخلية القمري إن الحدود مغلقة.",
            "سالم بن راشد آل ناصر",
        ),
        (  # the name after the description's relative clause
            "وأعلن المتحدث باسم الائتلاف الذي تقوده الحكومة في الشمال، سامي الملاح، "
            "أن القوات انسحبت. وقال المتحدث باسم الائتلاف إن الهدنة صامدة.",
            "سامي الملاح",
        ),
        (  # the name written after the title's first words only
            "وأبرز الأمين العام، ماريو كوستا، أن الوضع صعب. "
            "وقال الأمين العام للاتحاد الدولي إن المساعدات وصلت.",
            "ماريو كوستا",
        ),
    ],
)
def test_a_titled_description_takes_the_name_written_beside_its_title(text, expected):
    doc = rules(text)
    assert names(doc)[-1] == expected


def test_a_description_is_named_where_the_article_writes_its_first_words():
    text = "وأبرز الأمين العام، ماريو كوستا، أن الوضع صعب. وقال الأمين العام للاتحاد إن"
    start = text.index("الأمين العام للاتحاد")
    mention = Span(start, start + len("الأمين العام للاتحاد"), "الأمين العام للاتحاد")
    assert entity_name([mention], text) == "ماريو كوستا"


@pytest.mark.parametrize(
    ("text", "description", "expected"),
    [
        (  # the name after the description's place, set off by commas
            "وقال مدير شركة نوفا في الجزائر، كمال بوزيد، إن المصنع جاهز. "
            "وأكد مدير شركة نوفا أن الإنتاج سيبدأ.",
            "مدير شركة نوفا",
            "كمال بوزيد",
        ),
        (  # the name right after the description's definite place, before its cue
            "وقالت مديرة قسم الطوارئ في المنظمة سلمى العيادي إن الأدلة جديدة. "
            "وأضافت مديرة قسم الطوارئ أن التحقيق مستمر.",
            "مديرة قسم الطوارئ",
            "سلمى العيادي",
        ),
        (  # the name before two appositions, the second the description
            "قال الشيخ سالم بن راشد آل ناصر، نائب حاكم الإمارة، وزير المالية، إن "
            "الدين تراجع. وأضاف وزير المالية أن السيولة متوفرة.",
            "وزير المالية",
            "سالم بن راشد آل ناصر",
        ),
        (  # a description without a title word: the name set off by a comma
            "وقال صاحب المطعم، سامي العلوي، إن الزبائن عادوا. وأضاف صاحب المطعم أن الأسعار ثابتة.",
            "صاحب المطعم",
            "سامي العلوي",
        ),
    ],
)
def test_a_description_is_named_by_the_name_apposed_to_it(text, description, expected):
    start = text.rindex(description)
    mention = Span(start, start + len(description), description)
    assert entity_name([mention], text) == expected


def test_another_holder_of_a_shorter_title_does_not_name_the_description():
    text = (
        "وقال وزير الخارجية الروسي يوري بافلوف إن الوضع صعب. "
        "وقال وزير الخارجية الكندي إن الحوار مطلوب."
    )
    start = text.index("وزير الخارجية الكندي")
    mention = Span(start, start + len("وزير الخارجية الكندي"), "وزير الخارجية الكندي")
    assert entity_name([mention], text) == "وزير الخارجية الكندي"


def test_a_medium_that_relays_a_speech_is_not_its_speaker():
    doc = rules(
        'ونقلت وكالة الأنباء الرسمية حديث بوزيان في احتفالية الحزب، إذ قال: "سنواصل العمل". '
        "وأضاف أن الحزب قوي."
    )
    assert [q.resolved_to.text for q in doc.quotes] == ["بوزيان", "بوزيان"]
    assert names(doc) == ["بوزيان", "بوزيان"]


@pytest.mark.parametrize("word", ["العديد", "الكثير", "الأسبوع", "الشهر"])
def test_a_quantity_or_a_time_after_a_name_is_no_family_name(word):
    from qawl.model.candidates import lexical_mentions

    text = f"وعقد سامر بوزيان {word} من اللقاءات."
    assert "سامر بوزيان" in [m.text for m in lexical_mentions(text)]


def test_a_noun_with_an_attached_pronoun_ends_a_name():
    from qawl.model.candidates import lexical_mentions

    text = "وأبدى سامر بوزيان تفاؤله بالاتفاق."
    assert "سامر بوزيان" in [m.text for m in lexical_mentions(text)]
    assert _person_name("سامر بوزيان تفاؤله") == "سامر بوزيان"


def test_a_feminine_participle_skips_a_male_subject_of_its_sentence():
    doc = rules(
        "وقالت الباحثة سلمى قاسم إن العينة صغيرة. "
        "وأوضح الدكتور جون بيرد النتائج للصحفيين، مؤكدة أن الدراسة ستستمر."
    )
    assert names(doc)[-1] == "سلمى قاسم"


def test_a_headquarters_is_no_cue():
    doc = rules("وذكر المرصد، ومقره في لندن، أن الاشتباكات توقفت.")
    assert [q.cue.text for q in doc.quotes] == ["وذكر"]


def test_a_name_led_speaker_stops_before_the_verbs_object():
    text = "ووصف مجاهد مراسلات المحامي بأنها غير مقبولة."
    quote = _quote(text, "ووصف", "مجاهد مراسلات المحامي", "غير مقبولة")
    clean_speakers(text, [quote])
    assert quote.speaker.text == "مجاهد"


def test_a_parenthesis_after_a_tagged_speaker_is_no_part_of_its_name():
    text = "قال النائب منير الساحلي إن الميزانية ضعيفة. وقال الساحلي (حزب الأمل) إن الحكومة فشلت."
    quote = _quote(text, "وقال", "الساحلي (حزب الأمل", "الحكومة فشلت")
    clean_speakers(text, [quote])
    assert quote.speaker.text == "الساحلي"
    opening = _quote(text, "وقال", "(حزب الأمل)", "الحكومة فشلت")
    clean_speakers(text, [opening])
    assert opening.speaker.text == "(حزب الأمل)"  # nothing before it names anyone
    poll = "وقال غالبية المجيبين (75٪) إن الأسعار مرتفعة."
    share = _quote(poll, "وقال", "غالبية المجيبين (75٪)", "الأسعار مرتفعة")
    clean_speakers(poll, [share])
    assert share.speaker.text == "غالبية المجيبين (75٪)"  # a figure tells sources apart


@pytest.mark.parametrize(
    "speaker, kept",
    [
        ("عبد الله لمصطفى", "عبد الله"),  # after a name: to Mustafa
        ("سامي نصار لمصطفى", "سامي نصار"),
        ("مستشار لمصطفى", "مستشار لمصطفى"),  # after a title: Mustafa's adviser
    ],
)
def test_to_a_first_name_after_a_name_is_the_addressee(speaker, kept):
    text = f"وقال {speaker} إن التصميم القديم لا يليق بالمنتخب."
    quote = _quote(text, "وقال", speaker, "التصميم القديم لا يليق بالمنتخب")
    clean_speakers(text, [quote])
    assert quote.speaker.text == kept


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # a named person goes on right after the description: the same one
            "وقالت كبيرة الأطباء في المستشفى إن الخطوة ستزيد الخيارات أمام النساء. "
            "وأضافت ليلى الكعبي أن التجربة قد تكون صعبة.",
            ["ليلى الكعبي", "ليلى الكعبي"],
        ),
        (  # a spokesman is a source of his own
            "وقال المتحدث باسم الشركة إن العقد سيلغى. وأضاف سالم الكعبي أن اللاعب حر.",
            ["المتحدث باسم الشركة", "سالم الكعبي"],
        ),
        (  # so is an unnamed source
            "وقال مصدر أمني إن الهجوم فشل. وأضاف الوزير سالم الكعبي أن التحقيق مستمر.",
            ["مصدر أمني", "سالم الكعبي"],
        ),
        (  # `قال` does not go on with anyone
            "وقال المدرب إن الفريق جاهز. وقال سالم الكعبي إن المباراة صعبة.",
            ["المدرب", "سالم الكعبي"],
        ),
    ],
)
def test_a_named_person_who_goes_on_after_a_description_is_its_person(text, expected):
    assert names(rules(text)) == expected


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        (  # the verb's object, after a name the article writes without it
            "قال الوزير سامر لافي إن الرد قادم. "
            "ورفض سامر لافي الاتهامات البريطانية، قائلا إنها كاذبة.",
            "سامر لافي الاتهامات",
            "سامر لافي",
        ),
        (  # an indefinite accusative never ends a name
            "وقال لافي إن الرد قادم. ويواجه لافي تحقيقا بسبب تصريحاته.",
            "لافي تحقيقا",
            "لافي",
        ),
        (  # a family name comes back with the name
            "قال المدرب سامي الحداد إن الفريق جاهز. وأكد سامي الحداد أن المباراة صعبة.",
            "سامي الحداد",
            "سامي الحداد",
        ),
        (  # a regnal number is the name's
            "وأعلن الملك عبدالله الثاني أن الحكومة ستتغير. وقال عبدالله إن الإصلاح ضروري.",
            "عبدالله الثاني",
            "عبدالله الثاني",
        ),
        (  # a noun and its complement
            "وذكرت لائحة الاتهام أن المتهمة نشرت قصائد. وتضمنت لائحة اتهام أخرى تهما مشابهة.",
            "لائحة الاتهام",
            "لائحة الاتهام",
        ),
    ],
)
def test_a_name_does_not_end_in_its_verbs_object(text, mention, expected):
    at = text.index(mention, text.index(".") if text.count(mention) > 1 else 0)
    assert entity_name([Span.of(text, at, at + len(mention))], text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # a title-led phrase ends at punctuation: `العام، قضية` names no one
            "يواجه الفيلم الذي يتصدر الترشيحات هذا العام، قضية انتهاك حقوق، ويزعم أنه منسوخ.",
            "مصدر غير محدد",
        ),
        (  # the period of an abbreviated title does not end it
            "كشفت المديرة في المؤتمر د. عائشة الكعبي عن مشروع جديد، مبينة أنه سينطلق قريبا.",
            "عائشة الكعبي",
        ),
    ],
)
def test_the_fallback_phrase_of_an_implicit_speaker_stops_at_punctuation(text, expected):
    assert names(rules(text)) == [expected]


def test_a_description_is_named_as_introduced_not_as_taken_up():
    text = "وقال مسؤولون في الولاية إن الحريق اتسع. وأضاف المسؤولون في الولاية أن السكان أجلوا."
    spans = [
        Span.of(text, at, at + len(phrase))
        for phrase in ("مسؤولون في الولاية", "المسؤولون في الولاية")
        for at in [text.index(phrase)]
    ]
    assert entity_name(spans, text) == "مسؤولون في الولاية"
    headed = "وقالت جريدة في تقرير إن السوق تراجع. وأضافت الجريدة أن الأسعار سترتفع."
    spans = [
        Span.of(headed, at, at + 5) for at in (headed.index("جريدة"), headed.index("الجريدة") + 2)
    ]
    assert spans[1].text == "جريدة"  # a bare head keeps the rule of the longest


def test_a_person_whose_description_names_an_earlier_source_is_not_that_source():
    from qawl.attribution import group

    text = (
        "وقالت نوفاكس إن المنصة ستطلق قريبا. "
        "وقال سامر الورداني، أحد نواب المدير في نوفاكس، إن الخدمة مجانية."
    )
    body = _quote(text, "وقالت", "نوفاكس", "المنصة ستطلق قريبا")
    person = _quote(text, "وقال ", "سامر الورداني، أحد نواب المدير في نوفاكس", "الخدمة مجانية")
    _, entities = group(text, [body, person], [body.speaker, person.speaker])
    assert [e.name for e in entities] == ["نوفاكس", "سامر الورداني"]


def test_a_body_quoted_by_its_name_is_not_the_person_whose_title_names_it():
    doc = rules(
        "وذكرت نوفاكس أن الوثائق ستنشر تباعا. وقال مؤسس موقع نوفاكس، جوليان سامر، إن الوثائق صحيحة."
    )
    assert names(doc) == ["نوفاكس", "جوليان سامر"]


@pytest.mark.parametrize(
    "mention, expected",
    [
        ('صحيفة "الوطن اليوم', 'صحيفة "الوطن اليوم"'),  # cut before its closing mark
        ('المعهد الوطني للإحصاء"', "المعهد الوطني للإحصاء"),  # the mark of a cut quotation
        ("صحيفة «الأيام", "صحيفة «الأيام»"),
        ('منظمة "أطباء العالم"', 'منظمة "أطباء العالم"'),
    ],
)
def test_an_entity_name_has_its_marks_paired(mention, expected):
    text = f"وقالت {mention} إن الوضع صعب."
    at = text.index(mention)
    assert entity_name([Span.of(text, at, at + len(mention))], text) == expected


def test_a_hashtag_name_opening_its_sentence_speaks_for_a_conjoined_verb():
    doc = rules("أعلنت #سلمى_الكعبي رسميا، الاثنين، قدوم مولودتها الأولى وقالت إنها ستدعى نور.")
    (quote,) = doc.quotes
    assert quote.resolved_to.text == "سلمى_الكعبي"
    assert names(doc) == ["سلمى الكعبي"]


def test_a_second_country_is_no_persons_name():
    assert _person_name("الولايات المتحدة وفرنسا") == ""
    assert _person_name("الوزير وليد الحسن") == "وليد الحسن"  # `و` of a first name


def test_the_press_after_a_tagged_speaker_is_whom_he_told():
    text = "وأبلغ مهاجم المنتخب السابق الصحفيين أن الفريق يحتاج إلى التغيير."
    quote = _quote(text, "وأبلغ", "مهاجم المنتخب السابق الصحفيين", "الفريق يحتاج إلى التغيير")
    clean_speakers(text, [quote])
    assert quote.speaker.text == "مهاجم المنتخب السابق"


def test_a_body_does_not_join_the_person_whose_title_names_it():
    doc = rules(
        "وقال رئيس اتحاد الكرة أحمد نصار إن الموسم سينطلق قريبا. "
        "وقال الاتحاد في بيان إن المباريات ستقام بلا جمهور."
    )
    assert len(doc.entities) == 2
    assert names(doc)[0] == "أحمد نصار"


def test_a_span_after_with_is_the_object_not_the_source():
    text = "وأكد الوزير أن اللقاء مفيد. ووصف المحادثات مع سامي بأنها كانت صريحة."
    quote = _quote(text, "ووصف", "سامي", "كانت صريحة")
    clean_speakers(text, [quote])
    assert quote.speaker is None
    relay = "ونقلت الوكالة عن سامي قوله إن الوضع هادئ."
    quote = _quote(relay, "قوله", "سامي", "الوضع هادئ")
    clean_speakers(relay, [quote])
    assert quote.speaker is not None and quote.speaker.text == "سامي"


def test_a_body_named_from_the_article_stops_before_its_spokeswomans_name():
    text = (
        "وقالت وزارة الخارجية الروسية ماريا زاخاروفا إن الوضع خطير. وأضافت الوزارة أن الحوار ممكن."
    )
    assert _named(text, "الوزارة") == "وزارة الخارجية الروسية"


def test_a_named_person_does_not_join_the_body_named_in_his_title():
    text = (
        "وقال الاتحاد في بيان إن المباريات ستقام بلا جمهور. "
        "وقال أحمد نصار، عضو مجلس إدارة الاتحاد، إن القرار نهائي."
    )
    quotes = [
        _quote(text, "وقال", "الاتحاد", "المباريات ستقام بلا جمهور"),
        _quote(text, "وقال", "أحمد نصار، عضو مجلس إدارة الاتحاد", "القرار نهائي", after=5),
    ]
    quotes, entities = _grouped(text, quotes)
    assert len(entities) == 2
    assert {e.name for e in entities} == {"الاتحاد", "أحمد نصار"}


def test_a_name_after_a_definite_ministry_is_the_ministers():
    assert _person_name("وزير الخارجية سامر الحلو") == "سامر الحلو"
    assert _person_name("المتحدث باسم الداخلية هالة نصر") == "هالة نصر"


def test_a_name_after_a_governed_title_is_not_the_speakers():
    # The spokesman speaks, not the president he speaks for; a deputy is named.
    assert _person_name("الناطق باسم الرئيس كمال ناجي") == ""
    assert _person_name("مدير مكتب رئيس الوزراء كمال ناجي") == ""
    assert _person_name("نائب الرئيس اللبناني كمال ناجي") == "كمال ناجي"


def test_a_description_takes_the_name_it_is_apposed_to():
    text = "وقال رامي سلوم، الناطق باسم الرئيس كمال ناجي، إن الزيارة ألغيت."
    assert _named(text, "الناطق باسم الرئيس كمال ناجي") == "رامي سلوم"


def test_a_share_of_a_poll_is_named_as_written():
    text = "وقال 42٪ منهم إن الأسعار مرتفعة، ورأى أكثر من 7 من كل 10 مجيبين أن الأجور تراجعت."
    assert _named(text, "42٪ منهم") == "42٪ منهم"
    assert _named(text, "أكثر من 7 من كل 10 مجيبين") == "أكثر من 7 من كل 10 مجيبين"


def test_the_ministry_takes_up_its_short_name():
    text = (
        "وقالت الخارجية الفرنسية في بيان إن السفير استدعي. "
        "وأكدت الوزارة أن القرار نهائي. وقالت الشركة إن الإنتاج توقف."
    )
    quotes = [
        _quote(text, "وقالت", "الخارجية الفرنسية", "السفير استدعي"),
        _quote(text, "وأكدت", "الوزارة", "القرار نهائي"),
        _quote(text, "وقالت", "الشركة", "الإنتاج توقف", after=60),
    ]
    quotes, entities = _grouped(text, quotes)
    assert quotes[0].entity == quotes[1].entity != quotes[2].entity
    assert [e.name for e in entities][0] == "الخارجية الفرنسية"


def test_a_description_takes_the_name_of_a_fuller_wording():
    text = (
        "وقال وزير الشباب والرياضة المغربي، سمير العلوي، إن الملعب جاهز. "
        "وأكد وزير الرياضة المغربي أن المباراة في موعدها."
    )
    assert _named(text, "وزير الرياضة المغربي") == "سمير العلوي"


def test_a_body_is_named_from_a_full_name_written_with_wa():
    text = "تصاعد الخلاف بين اللاعب واتحاد الكرة الليبي هذا الأسبوع. وقال الاتحاد إن الأمر انتهى."
    assert _named(text, "الاتحاد") == "اتحاد الكرة الليبي"


def test_a_word_after_since_is_not_a_name():
    assert _person_name("مشروع القانون المعروض منذ سنة") == ""


def test_the_same_official_joins_the_source_just_named():
    text = "وقال العقيد سالم الورفلي إن الطريق آمن. وأكد المسؤول ذاته أن الدوريات مستمرة."
    quotes = [
        _quote(text, "وقال", "العقيد سالم الورفلي", "الطريق آمن"),
        _quote(text, "وأكد", "المسؤول ذاته", "الدوريات مستمرة"),
    ]
    quotes, entities = _grouped(text, quotes)
    assert quotes[0].entity == quotes[1].entity
    assert entities[0].name == "سالم الورفلي"


def test_a_country_does_not_join_its_ambassador():
    text = (
        "وقال سفير ليبيا لدى تونس كمال الهادي إن العلاقات جيدة. "
        "وأعلنت ليبيا أنها ستفتح الحدود. وأضاف الهادي أن الزيارة قريبة."
    )
    quotes = [
        _quote(text, "وقال", "سفير ليبيا لدى تونس كمال الهادي", "العلاقات جيدة"),
        _quote(text, "وأعلنت", "ليبيا", "ستفتح الحدود", after=50),
        _quote(text, "وأضاف", "الهادي", "الزيارة قريبة", after=80),
    ]
    quotes, entities = _grouped(text, quotes)
    assert quotes[0].entity != quotes[1].entity
    assert quotes[0].entity == quotes[2].entity


def test_the_publisher_of_a_figure_is_its_source():
    from qawl.attribution import _issuer

    assert _issuer('نشره موقع "الرصيف"') == 'موقع "الرصيف"'
    assert _issuer("آخر حصيلة أوردها المرصد المحلي") == "المرصد المحلي"
    assert _issuer("ماذكره نفس المصدر") == "نفس المصدر"


def test_no_name_is_taken_from_a_relative_clause():
    from qawl.attribution import _person_name, mention_key

    assert _person_name("المتحدث باسم التحالف الذي تقوده دولة سامر نصار") == ""
    assert mention_key("الوثائق التي اطلعت عليها الوكالة") == mention_key("الوثائق")


def test_a_definite_body_takes_its_adjectives_from_the_article():
    text = "وقالت الشرطة الليبية إن الهجوم وقع ليلا. وأضافت الشرطة أن التحقيق مستمر."
    assert _named(text, "الشرطة") == "الشرطة الليبية"


def test_the_latter_is_the_last_full_name_before_it():
    text = "واستقبل الرئيس سامر نصار وزير الدفاع رامي سلوم أمس. وقال الأخير إن الزيارة مهمة."
    assert _named(text, "الأخير") == "رامي سلوم"


def test_an_airport_or_embassy_is_a_body_not_a_person():
    text = "وقال مطار قرطاج الدولي بالعاصمة تونس إن الرحلات ستستأنف."
    assert _person_name("مطار قرطاج الدولي بالعاصمة تونس") == ""
    assert _named(text, "مطار قرطاج الدولي بالعاصمة تونس") != "تونس"
    assert _person_name("سفارة كندا في الرباط") == ""


def test_the_name_after_called_is_the_persons():
    assert _person_name("مسؤول آخر في الشرطة يدعى كمال فاروقي") == "كمال فاروقي"


def test_an_unnamed_spokesman_is_not_the_body_he_speaks_for():
    # Guidelines, convention 8: a spokesman and his ministry are two entities.
    text = (
        "وقالت وزارة الصحة المغربية إن الوباء تراجع. "
        "وقالت متحدثة باسم الوزارة إن المستشفيات جاهزة. "
        "وأكدت الوزارة أن اللقاح متوفر."
    )
    quotes = [
        _quote(text, "وقالت", "وزارة الصحة المغربية", "الوباء تراجع"),
        _quote(text, "وقالت", "متحدثة باسم الوزارة", "المستشفيات جاهزة", after=40),
        _quote(text, "وأكدت", "الوزارة", "اللقاح متوفر", after=90),
    ]
    quotes, entities = _grouped(text, quotes)
    by_id = {e.id: e.name for e in entities}
    assert [by_id[q.entity] for q in quotes] == [
        "وزارة الصحة المغربية",
        "متحدثة باسم الوزارة",
        "وزارة الصحة المغربية",
    ]


def test_a_quoted_or_drawn_out_medium_after_the_speaker_is_the_addressee():
    doc = rules('وقال المهندس سليم القصري لـ"إذاعة الواحة" إن الأشغال ستنتهي قريبا.')
    (quote,) = doc.quotes
    assert quote.speaker.text == "المهندس سليم القصري"
    assert names(doc) == ["سليم القصري"]


def test_a_name_with_son_of_starts_even_on_a_word_that_is_also_a_noun():
    # `مهدي` is in the noun list; before `بن` it starts a name, and any word
    # after `بن` continues it.
    assert _person_name("وزير العلاقة مع الهيئات والمجتمع المدني، مهدي بن غربية") == "مهدي بن غربية"


def test_a_nunated_word_is_never_a_name():
    from qawl.attribution import _is_proper, _person_name

    assert not _is_proper("خبراً")
    assert _person_name("التلفزيون الرسمي خبراً عاجلاً") == ""


def test_a_lone_title_takes_the_name_its_fuller_title_gives():
    text = "وحذر وزير المالية الليبي، كمال بن سعيد، من الأزمة. وقال الوزير إن الحل قريب."
    assert _named(text, "الوزير") == "كمال بن سعيد"


def test_a_description_is_named_by_the_hashtag_after_it():
    text = "ودعا نقيب الفنانين، #سامر_الحلو، إلى الهدوء. وأكد نقيب الفنانين أنه لن يستقيل."
    assert _named(text, "نقيب الفنانين") == "سامر الحلو"


def test_a_participle_speaks_for_the_named_subject_of_its_sentence():
    # The sentence opens with a verb that is no speech cue; its subject speaks.
    doc = rules(
        "وقال المتحدث باسم الجيش إن الوضع هادئ. "
        "ودعا وزير الدفاع سامر نصار بحضور قادة الجيش إلى الهدوء، مشددا على أن الحدود آمنة."
    )
    implicit = doc.quotes[-1]
    assert implicit.speaker is None
    assert doc.entity(implicit.entity).name == "سامر نصار"
    assert implicit.resolved_to.text == "وزير الدفاع سامر نصار"


def test_the_subject_of_its_sentence_may_be_a_title_with_its_holder_apposed():
    doc = rules(
        "وقال الناطق باسم الحزب إن الاجتماع انتهى. "
        "وعقد وزير الخارجية، سامي العلوي، لقاء مع نظيره، أكد خلاله أنه تم الاتفاق على التعاون."
    )
    implicit = doc.quotes[-1]
    assert implicit.speaker is None
    assert implicit.resolved_to.text == "وزير الخارجية، سامي العلوي"
    assert doc.entity(implicit.entity).name == "سامي العلوي"


def test_a_participle_speaks_for_a_citizen_named_as_its_sentences_subject():
    doc = rules(
        "قال مدير المستشفى سامي العلوي إن التحقيق انتهى. "
        "وأصر المواطن كمال الهادي على نفي نتائج التحقيق، مؤكدا أن ابنه ولد حيا."
    )
    assert doc.quotes[-1].resolved_to.text == "المواطن كمال الهادي"
    assert names(doc) == ["سامي العلوي", "كمال الهادي"]


@pytest.mark.parametrize("mention", ["ضيف كارتاغو", "ضيفة نسمة", "عضو حماس"])
def test_a_name_after_a_title_without_the_article_is_its_complement(mention: str):
    # the guest of a programme called so, a member of a movement: no person's name
    assert _person_name(mention) == ""


def test_our_sources_are_the_sources_named_before():
    doc = rules(
        "كشفت مصادر موثوقة أن الوزير سيستقيل. وقال الوزير سامي العلوي إنه باق. "
        "وأكدت مصادرنا أن الاستقالة جاهزة."
    )
    assert names(doc) == ["مصادر موثوقة", "سامي العلوي", "مصادر موثوقة"]


def test_a_description_that_is_also_a_family_name_stays_in_the_name():
    doc = rules("قال وزير الخارجية سامر المعلم إن الحوار مستمر. وقال المعلم إن الحل قريب.")
    assert names(doc) == ["سامر المعلم", "سامر المعلم"]


def test_a_sentence_opening_with_a_bare_verb_has_its_subject_after_it():
    # no `و` before `تحدث`: the article's first sentence
    doc = rules("تحدث سامي بن مسعود، وهو مشرف على المدارس، عن الدرس حيث اعتبر أن النص قديم.")
    assert doc.quotes[0].resolved_to.text == "سامي بن مسعود"


def test_a_title_behind_wa_is_no_name():
    assert _person_name("الخبير المحاسب ورئيس الجمعية") == ""


def test_a_nameless_title_right_after_a_titled_persons_quote_takes_him_up():
    doc = rules("قال الوزير سامي العلوي إن الموسم جيد. وأوضح المسؤول الجهوي أن المحصول وفير.")
    assert names(doc) == ["سامي العلوي", "سامي العلوي"]
    doc = rules("قالت تقارير صحفية إن الموسم جيد. وأوضح المسؤول الجهوي أن المحصول وفير.")
    assert names(doc) == ["تقارير صحفية", "المسؤول الجهوي"]


def test_a_preposition_before_a_noun_ends_a_full_name():
    assert _person_name("وزير الدفاع سامر نصار بحضور قادة الجيش") == "سامر نصار"
    assert _person_name("وزير الدفاع سامر نصار بإرجاع الأموال") == "سامر نصار"
    # A name whose second word begins with the same letter keeps it.
    assert _person_name("المتحدث باسم الحركة كمال برهان") == "كمال برهان"


def test_the_owner_of_a_relayed_saying_is_the_source_after_an():
    doc = rules(
        "وقال الوزير سامر نصار إن الحدود آمنة. "
        'ونقلت وكالة الأنباء المحلية عن المواطن كمال الهادي قوله "لم أر شيئا كهذا من قبل".'
    )
    relayed = doc.quotes[-1]
    assert relayed.speaker is None  # a verbal noun's speaker is controlled from outside
    assert doc.entity(relayed.entity).name == "كمال الهادي"


def test_the_object_after_a_named_subject_is_not_the_subject():
    doc = rules(
        "وقال المتحدث باسم الجيش إن الوضع هادئ. "
        "وهاجم الرئيس سامر نصار مشاركة القوات الأجنبية، واصفا إياها بأنها غير شرعية."
    )
    assert doc.entity(doc.quotes[-1].entity).name == "سامر نصار"


def test_a_pronoun_or_a_prepositional_phrase_is_never_a_name():
    from qawl.attribution import _is_proper, _name_after

    assert not _is_proper("وهو")
    text = "والتقى الوزير لأول مرة نظيره أمس."
    assert _name_after(text, text.index("الوزير") + len("الوزير")) == ""


def test_a_participle_speaks_for_a_subject_written_first():
    doc = rules(
        "وقال المتحدث باسم الجيش إن الوضع هادئ. "
        "لكن الناطق باسم الحكومة كمال نصار رفض الاتهامات، قائلا إن الجيش لا يتدخل."
    )
    assert doc.entity(doc.quotes[-1].entity).name == "كمال نصار"


def test_a_mention_cut_after_a_preposition_is_read_without_it():
    text = (
        "وقال ولي العهد الأردني في كلمته إن العلاقات متينة. "
        "واستقبل الوزير ولي العهد الأردني الأمير سامر بن كمال أمس."
    )
    start = text.index("العهد الأردني في")
    mangled = Span(start, start + len("العهد الأردني في"), "العهد الأردني في")
    assert entity_name([mangled], text) == "سامر بن كمال"


@pytest.mark.parametrize(
    ("first", "gender"),
    [("سميرة", "f"), ("حمزة", "m"), ("مريم", "f"), ("طارق", "m"), ("غرينبلات", "?")],
)
def test_first_names_give_a_gender(first: str, gender: str):
    from qawl.lexicon import name_gender

    assert name_gender(first) == gender


def test_an_addressee_inside_the_speaker_span_is_cut():
    t = "وكان سامي الورد قد التقى مصطفى يحيى أمس. وقال سامي الورد لمصطفى يحيى إن الخطة جاهزة."
    start = t.index("سامي الورد لمصطفى")
    quote = Quote(
        content=Span.of(t, t.index("الخطة"), t.index("جاهزة") + 5),
        kind="indirect",
        cue=Span.of(t, t.index("وقال"), t.index("وقال") + 4),
        speaker=Span.of(t, start, start + len("سامي الورد لمصطفى يحيى")),
    )
    clean_speakers(t, [quote])
    assert quote.speaker.text == "سامي الورد"


def test_a_relatives_mention_is_not_grouped_with_the_relative():
    doc = rules(
        "وقال اللاعب سامي العابد إن الفريق جاهز. وقال والد سامي العابد إن ابنه يستحق الفرصة."
    )
    first, second = doc.quotes
    assert doc.entity(first.entity).name == "سامي العابد"
    assert first.entity != second.entity


def test_a_name_after_a_comma_must_close_its_apposition():
    from qawl.attribution import _name_after

    text = (
        "المتحدث باسم الصندوق، سامر الورد، إن النمو بطيء. "
        "طالب متحدث باسم الصندوق، تونس بضمان الاستقلال الكامل للبنك"
    )
    first = text.index("الصندوق") + len("الصندوق")
    second = text.rindex("الصندوق") + len("الصندوق")
    assert _name_after(text, first) == "سامر الورد"
    assert _name_after(text, second) == ""


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        # a relative's or agent's description does not take the relative's name
        pytest.param("والد سلمان العبيدي", "", id="father"),
        pytest.param("وكيل محمد صالح", "", id="agent"),
        pytest.param("رامي عباس، وكيل محمد صالح", "رامي عباس", id="agent-apposed"),
        # a name with الله is read whole
        pytest.param("المتحدث باسم الولاية، عطا الله الحربي", "عطا الله الحربي", id="allah-1"),
        pytest.param("الأمين العام للحزب حسن فضل الله", "حسن فضل الله", id="allah-2"),
        # a word with an attached pronoun is never part of a name
        pytest.param("الوزيرة سلمى الهادي ونظيرتها", "سلمى الهادي", id="pronoun"),
        # a quoted body is not the person's name; feminine titles are titles
        pytest.param('مديرة إذاعة "صوت المدينة" في صفاقس هالة الزغل', "هالة الزغل", id="quoted"),
        pytest.param("كبيرة المسؤولين الطبيين", "", id="feminine-title"),
        pytest.param("المبعوثة الأممية سلمى العابد", "سلمى العابد", id="envoy"),
        pytest.param('الناشط "سامي العابد"', "سامي العابد", id="quoted-name"),
        # علي and فان inside names; زعيم is a title
        pytest.param("وزير المالية علي بن سالم", "علي بن سالم", id="ali"),
        pytest.param("المدرب الهولندي بيتر فان ديك", "بيتر فان ديك", id="van"),
        pytest.param("زعيم الحزب سامر الورد", "سامر الورد", id="leader"),
        pytest.param("ناطقة باسم نوفاكس", "", id="spokeswoman-of-a-one-word-body"),
        pytest.param("متحدث باسم رئيس الجمهورية، سامر الورد", "", id="spokesman-of-a-president"),
        pytest.param("المتحدثة باسم الوزارة سامية العابد", "سامية العابد", id="spokeswoman-named"),
        pytest.param("سامر الورد، المتحدث باسم نوفاكس", "سامر الورد", id="named-then-spokesman"),
    ],
)
def test_the_persons_name_a_mention_carries(mention: str, name: str):
    assert _person_name(mention) == name


def test_a_person_whose_title_names_a_group_does_not_join_the_group():
    text = (
        "وقالت المجموعة الحقوقية إن السجون مكتظة. "
        "وقال سامي الورد، مدير المجموعة الحقوقية، إن الزيارات ممنوعة."
    )
    second = text.index("وقال ")
    quotes = [
        _quote(text, "وقالت", "المجموعة الحقوقية", "السجون مكتظة"),
        _quote(text, "وقال", "سامي الورد، مدير المجموعة الحقوقية", "الزيارات ممنوعة", after=second),
    ]
    _, entities = _grouped(text, quotes)
    assert [e.name for e in entities] == ["المجموعة الحقوقية", "سامي الورد"]


def test_a_person_whose_title_names_a_one_word_body_does_not_join_it():
    # a lone proper word reads as a name, so the body is kept apart by the title after his name
    text = (
        "وقالت نوفاكس إن الشبكة تفككت. "
        'وقال سامي الورد رئيس "نوفاكس"، الوكالة الإقليمية، إن العملية نجحت. '
        "وأكدت نوفاكس أن التحقيق مستمر."
    )
    second, third = text.index("وقال "), text.index("وأكدت")
    quotes = [
        _quote(text, "وقالت", "نوفاكس", "الشبكة تفككت"),
        _quote(
            text,
            "وقال",
            'سامي الورد رئيس "نوفاكس"، الوكالة الإقليمية',
            "العملية نجحت",
            after=second,
        ),
        _quote(text, "وأكدت", "نوفاكس", "التحقيق مستمر", after=third),
    ]
    quotes, entities = _grouped(text, quotes)
    assert [e.name for e in entities] == ["نوفاكس", "سامي الورد"]
    assert [q.entity for q in quotes] == ["E1", "E2", "E1"]


def test_a_lone_generic_takes_up_the_last_source_it_describes():
    text = (
        "وقال مسؤول أمريكي إن المحادثات بدأت. "
        "وقال الرئيس سامر نصار إن الاتفاق قريب. "
        "وقال المسؤول إن الجولة المقبلة حاسمة."
    )
    second, third = text.index("وقال الرئيس"), text.index("وقال المسؤول")
    quotes = [
        _quote(text, "وقال", "مسؤول أمريكي", "المحادثات بدأت"),
        _quote(text, "وقال", "الرئيس سامر نصار", "الاتفاق قريب", after=second),
        _quote(text, "وقال", "المسؤول", "الجولة المقبلة حاسمة", after=third),
    ]
    quotes, _ = _grouped(text, quotes)
    assert [q.entity for q in quotes] == ["E1", "E2", "E1"]


def test_a_second_party_after_a_body_is_not_its_name():
    doc = rules(
        "وقالت الولايات المتحدة إن الضربة ناجحة. وكانت الولايات المتحدة وفرنسا وبريطانيا "
        "قد قصفت مواقع عسكرية، وقالت فرنسا إن الهدف تحقق."
    )
    assert names(doc) == ["الولايات المتحدة", "فرنسا"]


def test_a_statement_described_by_adjectives_is_named_as_written():
    text = (
        "اتفق الرئيس ورئيس الوزراء على تبني رؤية مشتركة، بحسب بيان رئاسي مصري نشر ليل الأحد. "
        "وقال البيان إن الطرفين اتفقا."
    )
    at = text.index("البيان")
    assert entity_name([Span.of(text, at, at + len("البيان"))], text) == "بيان رئاسي مصري"


def test_a_body_described_by_its_kind_is_named_from_the_article():
    text = (
        "وأعلنت منظمة الغذاء العالمية برنامجا جديدا. وأوضحت المنظمة الدولية أن الأسعار ارتفعت. "
        "وكانت وزارة الزراعة الليبية قد أعلنت خطة. وقالت وزارة الخارجية الليبية إن الوفد وصل."
    )
    assert _named(text, "المنظمة الدولية") == "منظمة الغذاء العالمية"
    # a head with a noun after it is a name of its own, not a description
    assert _named(text, "وزارة الخارجية الليبية") == "وزارة الخارجية الليبية"


def test_a_body_description_does_not_take_a_clause_for_a_name():
    text = "وتملك منظمة المزارعين علاقات قديمة بالحكومة. وقالت المنظمة الريفية إن الموسم جيد."
    assert _named(text, "المنظمة الريفية") == "منظمة المزارعين"


def test_a_body_named_after_a_preposition_names_its_short_mention():
    text = "قال المدير التنفيذي لشركة روزا موتورز إن المبيعات تحسنت. وقالت الشركة إن المصنع جاهز."
    assert _named(text, "الشركة") == "شركة روزا موتورز"


def test_a_name_with_an_attached_preposition_is_named_without_it():
    text = (
        "وكتب الصحفي عن العداء مراد تلمساني أمس. وقال لتلمساني إنه سيعود. وأضاف تلمساني أنه بخير."
    )
    assert _named(text, "لتلمساني") == "مراد تلمساني"


def test_a_verb_cue_without_subject_takes_the_subject_of_the_sentence_before():
    doc = rules(
        "وقال الوزير سامي نصار إن الموسم جيد. ودافعت نقابة المزارعين عن الخطة في بيان. "
        "واعتبرت أن الأسعار ستنخفض."
    )
    assert names(doc) == ["سامي نصار", "نقابة المزارعين"]


def test_the_subject_may_stand_two_sentences_back_but_not_before_the_last_quote():
    doc = rules(
        "وقال الوزير سامي نصار إن الموسم جيد. ودافعت نقابة المزارعين عن الخطة. "
        "وجاءت الخطة بعد أشهر من النقاش. واعتبرت أن الأسعار ستنخفض. وأكدت أن المخزون كاف."
    )
    assert names(doc) == ["سامي نصار", "نقابة المزارعين", "نقابة المزارعين"]


def test_a_seat_of_power_is_a_body():
    from qawl.attribution import _is_org

    assert _is_org("الكرملين") and _is_org("الإليزيه")


def test_frequent_adverbs_are_no_candidate_names():
    from qawl.model.candidates import lexical_mentions

    text = "وقال الرئيس سامر نصار مرارا وتكرارا إن الحدود مفتوحة."
    found = [m.text for m in lexical_mentions(text)]
    assert "سامر نصار" in found and not any("مرارا" in m for m in found), found
