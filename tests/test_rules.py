"""RuleExtractor on written examples and on bad input."""

import time

import pytest

from qawl.rules import RuleExtractor
from qawl.schema import load_documents
from tests.conftest import shared_file

rules = RuleExtractor()


def spans_are_exact(doc):
    for q in doc.quotes:
        for span in (q.content, q.cue, q.speaker, q.resolved_to):
            if span is not None:
                assert 0 <= span.start < span.end <= len(doc.text)
                assert doc.text[span.start : span.end] == span.text
    for e in doc.entities:
        for m in e.mentions:
            assert doc.text[m.start : m.end] == m.text


def only(doc):
    assert len(doc.quotes) == 1, [q.content.text for q in doc.quotes]
    return doc.quotes[0]


def test_direct_quote_with_cue_and_speaker():
    doc = rules('وقال وزير الصحة أحمد سالم: "سنفتح مستشفى جديدا في المدينة".')
    q = only(doc)
    assert (q.kind, q.content.text, q.cue.text, q.speaker.text) == (
        "direct",
        "سنفتح مستشفى جديدا في المدينة",
        "وقال",
        "وزير الصحة أحمد سالم",
    )
    assert doc.entity(q.entity).name == "أحمد سالم"


def test_a_fronted_subject_is_found_before_its_relative_clause():
    doc = rules(
        "وندد أعضاء في الحكومة بالاتفاق. غير أن وزير المالية سامر الحلبي الذي يعتبر من "
        "أنصار السوق في الحكومة، اعتبر أن الاتفاق مقبول."
    )
    (quote,) = doc.quotes
    assert quote.speaker.text == "وزير المالية سامر الحلبي"
    assert quote.content.text == "الاتفاق مقبول"


def test_indirect_quote_excludes_complementiser_and_final_stop():
    q = only(rules("وأكد المدير أن العمل سيستأنف غدا."))
    assert (q.kind, q.content.text) == ("indirect", "العمل سيستأنف غدا")


def test_mixed_quote_keeps_marks():
    q = only(rules("وأعلن الوزير أن «الحكومة لن تتراجع عن قرارها» هذا العام."))
    assert q.kind == "mixed"
    assert q.content.text == "«الحكومة لن تتراجع عن قرارها» هذا العام"


def test_indirect_stops_before_participle_cue():
    doc = rules("وقال المتحدث إن الاجتماع كان مثمرا، مضيفا أن اللقاء القادم سيكون في الربيع.")
    assert [q.content.text for q in doc.quotes] == [
        "الاجتماع كان مثمرا",
        "اللقاء القادم سيكون في الربيع",
    ]
    assert doc.quotes[1].speaker is None
    assert doc.quotes[0].entity == doc.quotes[1].entity


def test_indirect_stops_before_a_defective_participle_cue():
    doc = rules("وقال المتحدث إن الاجتماع كان مثمرا، نافيا أن يكون الوفد قد انسحب.")
    assert [q.content.text for q in doc.quotes] == [
        "الاجتماع كان مثمرا",
        "يكون الوفد قد انسحب",
    ]


def test_indirect_stops_before_a_report_that_opens_without_a_comma():
    doc = rules("وقال المتحدث إن الاجتماع كان مثمرا مؤكدا أن اللقاء القادم سيكون في الربيع.")
    assert [q.content.text for q in doc.quotes] == [
        "الاجتماع كان مثمرا",
        "اللقاء القادم سيكون في الربيع",
    ]


def test_indirect_stops_before_in_his_words():
    doc = rules("وقال النائب إن الميزانية ظالمة، على حد تعبيره.")
    assert [q.content.text for q in doc.quotes] == ["الميزانية ظالمة"]


def test_a_source_first_report_starts_after_its_particle():
    doc = rules("وبحسب بيان للوزارة، فقد وصلت القافلة إلى المدينة صباح اليوم.")
    assert [q.content.text for q in doc.quotes] == ["وصلت القافلة إلى المدينة صباح اليوم"]


def test_a_relay_set_off_by_commas_is_no_quote_of_its_own():
    doc = rules("وقال الوزير سامي نصار، وفق ما نقلت وكالة الأنباء الرسمية، إن الطريق مغلق.")
    assert [(q.cue.text, q.speaker.text, q.content.text) for q in doc.quotes] == [
        ("وقال", "الوزير سامي نصار", "الطريق مغلق")
    ]


def test_indirect_stops_before_a_conjoined_verb_cue():
    doc = rules("وقال المتحدث إن الاجتماع كان مثمرا، وأشار إلى أن اللقاء القادم سيكون في الربيع.")
    assert [q.content.text for q in doc.quotes] == [
        "الاجتماع كان مثمرا",
        "اللقاء القادم سيكون في الربيع",
    ]
    assert doc.quotes[0].entity == doc.quotes[1].entity


def test_source_after_content():
    q = only(rules("ارتفع عدد الضحايا إلى عشرة، بحسب ما أعلنت وزارة الداخلية."))
    assert (q.content.text, q.cue.text, q.speaker.text) == (
        "ارتفع عدد الضحايا إلى عشرة",
        "بحسب",
        "وزارة الداخلية",
    )


def test_scare_quotes_and_nominal_objects_are_not_quotes():
    assert rules('شارك الفريق في بطولة "كأس الصداقة" أمس.').quotes == []
    assert rules("وأعلن الوزير تعيين مدير جديد للمستشفى.").quotes == []


def test_implicit_speaker_resolves_to_last_source():
    doc = rules('وقال الرئيس سمير خليل: "نحن مستعدون".\nوأضاف: "الحوار هو الطريق".')
    first, second = doc.quotes
    assert second.speaker is None and second.entity == first.entity
    assert second.resolved_to == first.speaker


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "This text has no Arabic at all.",
        '« » “ ” " ‹',
        'قال: "',
        "\x00\x07قال\x1b إن",
        'وقال "بلا إغلاق. وقال «آخر',
        "»»» «««",
        "وقال إن",
    ],
)
def test_bad_input_never_raises_and_spans_are_exact(text):
    doc = rules(text, "x")
    spans_are_exact(doc)


def test_one_megabyte_article_is_fast_and_exact():
    sentence = 'وقال المسؤول إن "المشروع يتقدم". وأضاف أن العمل مستمر.\n'
    text = sentence * (1_000_000 // len(sentence))
    started = time.perf_counter()
    doc = rules(text)
    assert time.perf_counter() - started < 30
    assert len(doc.quotes) == 2 * (1_000_000 // len(sentence))
    spans_are_exact(doc)


def test_pipe_keeps_order_and_ids():
    docs = list(rules.pipe([("a", "وقال علي إن الجو جميل."), ("b", "")]))
    assert [d.id for d in docs] == ["a", "b"] and len(docs[0].quotes) == 1


def test_seed_article_end_to_end():
    from qawl.eval import evaluate

    gold = load_documents(str(shared_file("seed-article.gold.jsonl")))
    pred = [rules(d.text, d.id) for d in gold]
    for doc in pred:
        spans_are_exact(doc)
    assert evaluate(gold, pred, bootstrap=0)["e2e_f1"] >= 0.80


def test_dev_set_speed():
    gold = load_documents(str(shared_file("dev/dev.gold.jsonl")))
    started = time.perf_counter()
    for d in gold:
        rules(d.text, d.id)
    assert time.perf_counter() - started < 2.0


def test_a_quoted_name_after_a_body_head_stays_in_the_speaker():
    doc = rules('وذكرت صحيفة "الميدان" المحلية أن البلدية أغلقت السوق القديم.')
    quote = only(doc)
    assert quote.speaker.text == 'صحيفة "الميدان" المحلية'
    doc = rules('وبحسب موقع "الرصيف" فإن المعبر سيفتح غدا أمام المسافرين.')
    assert only(doc).speaker.text == 'موقع "الرصيف"'
    spans_are_exact(doc)


def test_a_verb_keeps_its_complement_past_a_circumstance_noun():
    doc = rules("وقال وزير النقل في تصريح صحفي إن الطريق سيفتح قريبا.")
    quote = only(doc)
    assert quote.cue.text == "وقال"
    assert quote.speaker.text == "وزير النقل"


def test_a_noun_cue_with_its_own_speaker_owns_its_complement():
    text = "ورحبت الحكومة بالاتفاق، إضافة إلى إعلان سامي أن «الحوار سيستمر بلا شروط مسبقة»."
    quote = only(rules(text))
    assert quote.cue.text == "إعلان"
    assert quote.speaker.text == "سامي"


def test_what_an_answer_was_about_is_not_its_speaker():
    doc = rules("وفي إجابة حول سؤال الصحفيين إن الوفد سيعود الأسبوع المقبل.")
    assert all(q.speaker is None or not q.speaker.text.startswith("حول") for q in doc.quotes)


def test_after_according_to_a_medium_with_l_is_the_source():
    doc = rules("وارتفعت الأسعار بنسبة عشرة بالمئة، وفقا لصحيفة الأخبار اليومية.")
    assert only(doc).speaker.text == "لصحيفة الأخبار اليومية"
    doc = rules('وأغلقت المدارس أبوابها، وفقا لموقع "الرصيف".')
    assert only(doc).speaker.text == 'لموقع "الرصيف"'
    assert doc.entities[0].name == 'موقع "الرصيف"'


def test_a_cue_inside_a_direct_quote_is_the_quoted_speakers_words():
    doc = rules('وأجاب الوزير: "نعم. وقال لي إنه سيبقى في منصبه حتى نهاية العام".')
    quote = only(doc)
    assert quote.kind == "direct"
    assert quote.speaker.text == "الوزير"


def test_an_after_before_or_without_is_no_complement_of_speech():
    doc = rules("وأكدت الشرطة مقتل المهاجم، دون أن تستبعد وجود شركاء له في الهجوم.")
    assert all(not q.content.text.startswith("تستبعد") for q in doc.quotes)


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        # a longer quoted body name before `إن` is a name, not a quote
        (
            'وقال مكتب "هيئة النقل العام" إن الحافلات ستعود إلى العمل غدا.',
            'مكتب "هيئة النقل العام"',
            "الحافلات ستعود إلى العمل غدا",
        ),
        # a quoted name that goes on into `أن` is part of the speaker
        (
            'وأوضح المتحدث باسم "رابطة المستأجرين" أن الأسعار ارتفعت كثيرا هذا العام.',
            'المتحدث باسم "رابطة المستأجرين"',
            "الأسعار ارتفعت كثيرا هذا العام",
        ),
    ],
)
def test_a_quoted_name_inside_the_speaker_stays_there(text, speaker, content):
    quote = only(rules(text))
    assert quote.speaker.text == speaker
    assert quote.content.text == content


def test_a_relayed_statement_is_the_originators():
    # Guidelines, convention 9: the relay (`نقلت الوكالة`) is not the source.
    doc = rules("ونقلت وكالة الأنباء المحلية، مساء أمس، عن مصدر أمني أن الحدود أغلقت.")
    quote = only(doc)
    assert quote.speaker.text == "مصدر أمني"
    assert doc.entity(quote.entity).name == "مصدر أمني"
    text = (
        "وقال المتحدث باسم الدفاع المدني إن الحريق أخمد. "
        "ونقلت عنه صحيفة الصباح أن ثلاثة أشخاص أصيبوا."
    )
    doc = rules(text)
    assert len(doc.quotes) == 2
    assert doc.quotes[1].speaker is None
    assert doc.quotes[1].entity == doc.quotes[0].entity


def test_an_expected_that_with_no_subject_is_no_quote():
    assert rules("ويتوقع أن ترتفع درجات الحرارة غدا في معظم المناطق.").quotes == []
    doc = rules("ويتوقع الخبراء أن ترتفع الأسعار في الصيف.")
    assert only(doc).speaker.text == "الخبراء"


def test_a_title_without_a_name_before_the_complement_keeps_to_its_words():
    # No name before the complement: the phrase is the occasion, not the speaker.
    doc = rules("وقال الوزير في مؤتمر صحفي إن الحوار سيستأنف.")
    assert only(doc).speaker.text == "الوزير"


def test_a_subject_written_before_its_verb_is_the_speaker():
    doc = rules("لكن مصادر ميدانية أكدت أن القوات انسحبت من المدينة.")
    assert only(doc).speaker.text == "مصادر ميدانية"
    doc = rules("وكانت وزارة الصحة قد أعلنت أن المستشفيات جاهزة.")
    assert only(doc).speaker.text == "وزارة الصحة"
    # A pronoun subject (`لكنه`) leaves the speaker implicit.
    doc = rules("وقال الوزير سامر نصار إن الحدود آمنة، لكنه أكد أن الحذر واجب.")
    assert doc.quotes[-1].speaker is None
    assert doc.entity(doc.quotes[-1].entity).name == "سامر نصار"


def test_a_clause_after_the_speaker_is_not_part_of_him():
    doc = rules("وحذر المدرب كمال الهادي بعدما خسر فريقه من أن الموسم صعب.")
    assert only(doc).speaker.text == "المدرب كمال الهادي"


def test_an_unnamed_spokesman_stays_apart_from_his_body_in_the_rules():
    doc = rules(
        "وقال متحدث باسم المنظمة إن التقرير دقيق. وقالت منظمة الصحة العالمية إن الوباء ينحسر."
    )
    assert len({q.entity for q in doc.quotes}) == 2


def test_the_source_after_made_by_or_told_us_is_the_speaker():
    doc = rules(
        "وارتفع عدد الجرحى إلى عشرين، بحسب آخر حصيلة أدلى بها المتحدث باسم الشرطة كمال نصار."
    )
    assert only(doc).speaker.text == "المتحدث باسم الشرطة كمال نصار"
    doc = rules("وأغلقت الطريق الرئيسية بالحجارة، وفق ما أفادنا به مراسلنا في الجهة.")
    assert only(doc).speaker.text == "مراسلنا"


def test_hopes_and_it_turned_out_are_no_reports():
    assert rules("وتأمل الحكومة في أن تنتهي الأزمة قبل الصيف.").quotes == []
    assert rules("وبعد التحقيق تبين أن الرجل لم يكن مسلحا.").quotes == []


def test_words_that_only_look_like_cues_start_no_quote():
    # `فحسب` (only) is no `حسب`; `رؤيته` (his vision) is no `رواه`.
    assert rules("ولم يكن الهدف الربح فحسب، بل خدمة الناس.").quotes == []
    assert rules("وعرض الوزير رؤيته أن التعليم أولوية.").quotes == []


def test_a_short_quoted_name_before_the_complement_is_no_quote():
    doc = rules('وقالت منظمة "أطباء بلا حدود"، الأربعاء، إن المستشفى تعرض للقصف.')
    quote = only(doc)
    assert quote.kind == "indirect"
    assert quote.content.text == "المستشفى تعرض للقصف"
    # A short quote followed by a cue of its own stays a quote.
    doc = rules('وقال الوزير "لن نتراجع أبدا" مضيفا أن الحكومة موحدة.')
    assert doc.quotes[0].kind == "direct"
    assert doc.quotes[0].content.text == "لن نتراجع أبدا"


@pytest.mark.parametrize(
    ("text", "speaker", "name"),
    [
        (
            "وأعلن المبعوث الأممي إلى اليمن كريم العابد الخميس أن الجولة المقبلة ستعقد في جنيف.",
            "المبعوث الأممي إلى اليمن كريم العابد",
            "كريم العابد",
        ),
        (
            "وقالت النائبة في البرلمان عن الحزب الأخضر، سامية الورفلي، إن المشروع يهدد الغابات.",
            "النائبة في البرلمان عن الحزب الأخضر، سامية الورفلي",
            "سامية الورفلي",
        ),
        (
            "وذكر تقرير لصحيفة الصباح المحلية إن المصنع سيغلق أبوابه قريبا.",
            "تقرير لصحيفة الصباح المحلية",
            "صحيفة الصباح المحلية",
        ),
        (
            "وأشار بيان صادر عن وزارة النقل إلى أن الطريق سيفتح غدا أمام السيارات.",
            "بيان صادر عن وزارة النقل",
            "وزارة النقل",
        ),
        (
            'وقالت منظمة "أطباء من أجل السلام"، الأحد، إن المستشفى يحتاج إلى أدوية عاجلة.',
            'منظمة "أطباء من أجل السلام"',
            'منظمة "أطباء من أجل السلام"',
        ),
        (
            "وأظهرت بيانات وزارة المالية أن العجز تراجع في الربع الأول.",
            "بيانات وزارة المالية",
            "وزارة المالية",
        ),
        (
            "وقالت مديرة قسم الاستجابة للأزمات سلمى العابد إن الوضع خطير جدا.",
            "مديرة قسم الاستجابة للأزمات سلمى العابد",
            "سلمى العابد",
        ),
        (
            "وقال النائب في ولاية فلوريدا الأمريكية، سامر الورد، إن القرار خاطئ.",
            "النائب في ولاية فلوريدا الأمريكية، سامر الورد",
            "سامر الورد",
        ),
        (
            "وقال المبعوث الأممي إلى ليبيا سامر الحلو إن الحوار سيستأنف الشهر المقبل.",
            "المبعوث الأممي إلى ليبيا سامر الحلو",
            "سامر الحلو",
        ),
        (  # whom he spoke to and what he wrote under are not his name
            "وقال الوزير سمير الدباغ لمحطة إذاعية محلية إن الطرق مفتوحة.",
            "الوزير سمير الدباغ",
            "سمير الدباغ",
        ),
        (
            "وكتب الأمير فيصل تحت صورة نشرها أن الموسم كان ناجحا.",
            "الأمير فيصل",
            "فيصل",
        ),
        (
            "ارتفع عدد الزوار بنسبة كبيرة، وفق ما أعلن عنه المعهد الوطني للإحصاء.",
            "المعهد الوطني للإحصاء",
            "المعهد الوطني للإحصاء",
        ),
        (  # `كاتب الدولة` (a secretary of state) and `القيادي` are titles
            "أفاد كاتب الدولة لدى وزير التجارة المكلف بالتصدير سامي الورد أن المعبر سيفتح قريبا.",
            "كاتب الدولة لدى وزير التجارة المكلف بالتصدير سامي الورد",
            "سامي الورد",
        ),
        (
            "أعلن القيادي في حزب العمل، منير الصادق أن الحزب سيقاطع الانتخابات.",
            "القيادي في حزب العمل، منير الصادق",
            "منير الصادق",
        ),
        (  # the verb after `ما` however spelt: misspelt, or written onto `ما`
            "وأصيب ثلاثة أشخاص في الحادث، بحسب ما فاد به مراسل الإذاعة في الجهة.",
            "مراسل الإذاعة",
            "مراسل الإذاعة",
        ),
        (
            "وارتفع عدد المرضى في المستشفى، حسب ماذكره الطبيب سامي الورد.",
            "الطبيب سامي الورد",
            "سامي الورد",
        ),
        (  # a quoted outlet after `بحسب ما نقلت`
            'وبحسب ما نقلت "الصباح" التونسية، فإن اللاعبين احتفلوا بالفوز.',
            '"الصباح" التونسية',
            '"الصباح" التونسية',
        ),
    ],
)
def test_a_speaker_goes_on_to_its_name_or_issuer(text: str, speaker: str, name: str):
    doc = rules(text)
    quote = only(doc)
    assert quote.speaker.text == speaker
    assert doc.entity(quote.entity).name == name


def test_the_name_ali_is_not_the_preposition():
    doc = rules("وقال وزير المالية علي بن سالم في مؤتمر صحفي إن الميزانية متوازنة.")
    quote = only(doc)
    assert quote.speaker.text == "وزير المالية علي بن سالم"
    doc = rules("وأكد الوزير على أن الميزانية متوازنة.")
    assert only(doc).speaker.text == "الوزير"


def test_van_inside_a_name_is_no_complementiser():
    quote = only(rules("وقال المدرب الهولندي بيتر فان ديك إن الفريق جاهز للمباراة."))
    assert quote.speaker.text == "المدرب الهولندي بيتر فان ديك"
    assert quote.content.text == "الفريق جاهز للمباراة"
    # between a definite word and a noun it is `فإن` without its hamza
    quote = only(rules("وفي المقابل فان الصادرات تراجعت كثيرا بحسب الوزارة."))
    assert quote.content.text.startswith("الصادرات")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('ووصف الرئيس كمال بوزيد القرار بـ"المتسرع".', "الرئيس كمال بوزيد"),
        (  # `وصفه`: a relative clause on the noun before it, its speaker implicit
            'وقال الوزير سامي العلوي إن الوضع مستقر في ظرف أمني وصفه بـ"الحساس".',
            None,
        ),
    ],
)
def test_a_quoted_description_after_bi_is_a_direct_quote(text: str, speaker: str | None):
    doc = rules(text)
    (quote,) = [q for q in doc.quotes if q.content.text in ("المتسرع", "الحساس")]
    assert quote.kind == "direct" and quote.cue.text.startswith(("ووصف", "وصفه"))
    assert (quote.speaker.text if quote.speaker else None) == speaker
    if speaker is None:
        assert doc.entity(quote.entity).name == "سامي العلوي"


def test_a_fronted_subject_set_off_by_a_comma_is_the_speaker():
    quote = only(rules("بيد أن الناشط الحقوقي سامي الورد، يقول إن المكتب لم يتحرك بعد."))
    assert quote.speaker.text == "الناشط الحقوقي سامي الورد"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "وفاز الحزب بكل المقاعد، لكن المحللين يقولون إن الأحزاب الصغيرة لن تغير النتيجة.",
            "المحللين",
        ),
        (
            "ولم تنشر الحكومة الأرقام، إلا أن المجموعة الحقوقية تشير إلى أن السجون مكتظة.",
            "المجموعة الحقوقية",
        ),
    ],
)
def test_a_nameless_subject_fronted_after_but_is_the_speaker(text: str, speaker: str):
    assert only(rules(text)).speaker.text == speaker


def test_a_bodys_quoted_name_inside_a_title_leads_to_its_holder():
    doc = rules(
        'وقال رئيس مؤسسة "نوفا للنيازك" الأميركية جيف نوتكين إن الحجر سقط من القمر، '
        "مشيرا إلى أن المتاحف تريده."
    )
    assert doc.quotes[0].speaker.text == 'رئيس مؤسسة "نوفا للنيازك" الأميركية جيف نوتكين'
    assert [doc.entity(q.entity).name for q in doc.quotes] == ["جيف نوتكين", "جيف نوتكين"]


def test_the_media_fronted_after_kana_are_the_speaker():
    doc = rules("وكانت وسائل إعلام محلية قد ذكرت أن الوزير قدم استقالته.")
    assert only(doc).speaker.text == "وسائل إعلام محلية"
    assert doc.entities[0].name == "وسائل إعلام محلية"


@pytest.mark.parametrize(
    "text",
    [
        "وسيحاكم المتهمون وفقا للقانون الجديد.",
        "وتختلف كلفة الأدوات حسب المرحلة الدراسية.",
        "وسوف تعمل الأكاديمية وفق معايير حديثة.",
        "وتنشط الشركات في الجنوب وفق عقود استثمار محددة.",
        "وتصنف المدن حسب مستويات التلوث فيها.",
        "وتمنح الرخص حسب الأقدمية في التسجيل.",
        "وتحل الخلافات وفق ميثاق الأمم المتحدة.",
    ],
)
def test_a_rule_or_criterion_after_according_to_is_no_source(text: str):
    assert rules(text).quotes == []


def test_a_relay_inside_a_report_opens_no_quote_of_its_own():
    quote = only(rules("وأضاف المصدر، وفق ما أوردت وكالة الأنباء الرسمية أن القرار نهائي."))
    assert (quote.cue.text, quote.speaker.text, quote.content.text) == (
        "وأضاف",
        "المصدر",
        "القرار نهائي",
    )


def test_a_source_word_inside_marks_is_the_quoted_speakers_own():
    doc = rules('ودعت السفيرة إلى "حل الخلافات بالحوار وفق ما أعلنته الأمم المتحدة منذ سنوات".')
    assert all(q.cue.text != "وفق" for q in doc.quotes)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('ووصف التلفزيون الرسمي الانفجار بأنه "حادث بسيط".', "التلفزيون الرسمي"),
        ('ووصفه الوزير بأنه "شريك موثوق".', "الوزير"),
        ('ووصف القرار الأخير بأنه "خطوة شجاعة".', None),
    ],
)
def test_a_describing_verb_takes_its_subject_before_its_object(text: str, speaker):
    quote = only(rules(text))
    assert (quote.speaker.text if quote.speaker else None) == speaker


def test_inform_before_a_number_is_amount_to():
    doc = rules('وبيعت حصة تبلغ 14% من الأسهم "لصندوق الاستثمار الوطني".')
    assert doc.quotes == []


def test_the_press_addressed_is_not_part_of_the_speaker():
    quote = only(rules("وأبلغ المتحدث الصحفيين أن الاتفاق ما زال قائما."))
    assert quote.speaker.text == "المتحدث"


def test_a_participle_after_not_is_an_adjective_and_no_cue():
    doc = rules("وأفادت تقارير غير مؤكدة بأن الاجتماع ألغي.")
    quote = only(doc)
    assert (quote.cue.text, quote.speaker.text) == ("وأفادت", "تقارير غير مؤكدة")
    assert doc.entity(quote.entity).name == "تقارير غير مؤكدة"


def test_a_body_after_according_to_is_a_source():
    doc = rules("وارتفع عدد الإصابات إلى مئة، وفقا لوزارة الصحة.")
    assert doc.entity(only(doc).entity).name == "وزارة الصحة"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("واعتبر الوزير سامي الورد أن القرار متسرع.", "الوزير سامي الورد"),
        ("واعتبر الخبراء والمراقبون، أن الإجراءات غير كافية.", "الخبراء والمراقبون"),
    ],
)
def test_the_words_between_a_describing_verb_and_an_are_its_subject(text: str, speaker: str):
    assert only(rules(text)).speaker.text == speaker


@pytest.mark.parametrize(
    ("text", "kind", "content"),
    [
        (  # the quoted description is the source's own words, the sentence goes on
            'ووصفه الوزير بأنه "مراوغ محترف" لكنه عينه مستشارا له.',
            "direct",
            "مراوغ محترف",
        ),
        ('ووصف النائب القانون بأنه "خطوة إلى الوراء".', "direct", "خطوة إلى الوراء"),
        (  # marks inside a description of the reporter's: the whole complement
            'ووصف الوزير الاتفاق بأنه مفيد بفضل "بنوده الواضحة" للطرفين.',
            "indirect",
            'مفيد بفضل "بنوده الواضحة" للطرفين',
        ),
    ],
)
def test_a_quoted_description_after_bi_anna_is_direct(text: str, kind: str, content: str):
    quote = only(rules(text))
    assert (quote.kind, quote.content.text) == (kind, content)


def test_what_a_describing_verb_calls_something_is_not_its_subject():
    quote = only(rules('ووصف الرئيس سامر نصار اللقاء المقبل مع الوفد بأنه "خطوة مهمة جدا".'))
    assert quote.speaker.text == "الرئيس سامر نصار"


def test_an_adverb_after_a_sentence_subject_is_no_part_of_its_name():
    doc = rules(
        "قال الوزير سامي العلوي إن الوضع صعب. "
        "وتعتمد تونس تماما على الأمطار في الري، وتقول إن الموسم صعب."
    )
    assert [doc.entity(q.entity).name for q in doc.quotes] == ["سامي العلوي", "تونس"]


def test_a_participle_speaks_for_the_body_its_sentence_opens_with():
    doc = rules(
        "قال الوزير سامي العلوي إن الوضع صعب. "
        "وترفض وزارة المالية هذه الأرقام، مشددة على أن العجز تراجع."
    )
    assert [doc.entity(q.entity).name for q in doc.quotes] == ["سامي العلوي", "وزارة المالية"]


def test_a_short_quoted_name_right_after_the_verb_is_its_subject():
    quote = only(rules('وقالت "الصباح" إن الحكومة ستستقيل.'))
    assert quote.speaker.text == '"الصباح"' and quote.content.text == "الحكومة ستستقيل"


def test_whom_a_fronted_subject_told_is_not_the_speaker():
    doc = rules("وقال مسؤول إن الرئيس سامي الورد قال لفريق الأمن القومي إنه مستعد للانسحاب.")
    assert [q.speaker.text for q in doc.quotes] == ["مسؤول", "الرئيس سامي الورد"]


def test_a_translation_after_according_to_is_no_source():
    doc = rules("ومن جهته، قال الوزير الضيف بحسب الترجمة العربية لكلامه إن البلدين صديقان.")
    assert [q.speaker.text if q.speaker else None for q in doc.quotes] == ["الوزير الضيف"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a title's conjoined words (`والأسرة`) are no name: the mention runs on to it
        ("أفادت وزيرة الصحة والأسرة والطفولة سلمى الورتاني أن المستشفيات جاهزة.", "سلمى الورتاني"),
        # a name in apposition, closed by whom he told or by the occasion
        ("وأكد المندوب الجهوي، كمال الهادفي لمراسل الإذاعة، أن الموسم جيد.", "كمال الهادفي"),
        ("وقال مدير التجارة، سامي العلوي في تصريح للإذاعة إن الصادرات ارتفعت.", "سامي العلوي"),
        # ... or by his party in brackets written onto the name
        ("قال النائب بالبرلمان، منير الطرابلسي(حزب التيار)، إن القانون لن يمر.", "منير الطرابلسي"),
    ],
)
def test_a_title_led_speaker_runs_on_to_its_holders_name(text: str, name: str):
    doc = rules(text)
    assert doc.entity(only(doc).entity).name == name


def test_an_indefinite_title_before_a_describing_verbs_object_keeps_its_complement():
    quote = only(rules("وصف وزير التربية والتعليم المصري، الدكتور طارق شوقي، القرار بأنه مهم."))
    assert quote.speaker.text == "وزير التربية والتعليم المصري"


def test_a_description_after_a_named_speaker_is_no_part_of_the_mention():
    quote = only(rules("وقال الدكتور سمير الهمامي، أحد الباحثين في الفريق، إن النتائج واعدة."))
    assert quote.speaker.text == "الدكتور سمير الهمامي"


@pytest.mark.parametrize(
    "second",
    [
        'وتابع حديثه "إن الحل في الحوار".',  # his speech: the verb's object
        "وعقد لقاء مع نظيره، أكد خلاله أن التعاون سيتواصل.",  # during it
    ],
)
def test_a_possessed_thing_after_the_cue_is_no_speaker(second: str):
    doc = rules("قال الوزير سامي العلوي إن الوضع صعب. " + second)
    assert len(doc.quotes) == 2
    assert doc.quotes[1].speaker is None
    assert doc.quotes[1].entity == doc.quotes[0].entity


def test_a_persons_relation_with_a_pronoun_is_a_speaker():
    doc = rules("قال المتهم سامي العلوي إنه بريء. وقال محاميه إن موكله سيطعن في الحكم.")
    assert doc.quotes[1].speaker.text == "محاميه"
    assert doc.quotes[1].entity != doc.quotes[0].entity


def test_bayyana_opening_its_clause_before_an_is_a_cue_and_between_is_not():
    doc = rules("وبين سامي بن مسعود أن النص لم يكن موجها للتلاميذ.")
    assert (only(doc).cue.text, only(doc).speaker.text) == ("وبين", "سامي بن مسعود")
    doc = rules("وقارن التقرير بين البلدين وأكد أن الفرق كبير.")
    assert only(doc).cue.text == "وأكد"


def test_a_place_completes_a_title_and_the_mention_runs_on_to_the_name():
    doc = rules("قال اليوم سفير فرنسا لدى تونس أوليفيه دوبوا، إن التعاون سيتواصل.")
    assert only(doc).speaker.text == "سفير فرنسا لدى تونس أوليفيه دوبوا"
    assert doc.entity(only(doc).entity).name == "أوليفيه دوبوا"


def test_an_an_after_a_modal_verb_in_the_object_opens_no_quote():
    assert rules("وأكد البيت الأبيض إعداد قائمة من السلع يمكن أن تخضع للرسوم.").quotes == []


def test_a_preposition_with_a_pronoun_is_no_name():
    doc = rules("قال أحد المعتقلين المشتبه بهم إنه بريء.")
    assert doc.entity(only(doc).entity).name == "أحد المعتقلين المشتبه بهم"


@pytest.mark.parametrize(
    "second",
    [
        "وأردف مسترسلا: إن الحل في الحوار.",  # how he went on, not who
        "وقال صراحة إن الحكومة فشلت.",  # an adverb
        "وقال لـCNN إن الحكومة فشلت.",  # whom he told
        'وخصص جانباً من كلمته للحديث عن الحوار، مضيفا "إن الحل في الحوار".',
    ],
)
def test_an_accusative_after_the_cue_is_no_speaker(second: str):
    doc = rules("قال الوزير سامي العلوي إن الوضع صعب. " + second)
    assert doc.quotes[-1].speaker is None
    assert doc.quotes[-1].entity == doc.quotes[0].entity


def test_a_verbal_noun_with_a_pronoun_has_no_speaker_after_it():
    doc = rules(
        "قال النائب سامي العلوي إن الحزب انتهى. وأكد بأن توقيعه على البيان، "
        'وإعلانه الرسمي الاستقالة من الحزب، "يعود إلى خلافات عميقة".'
    )
    (owned,) = [q for q in doc.quotes if q.cue.text == "وإعلانه"]
    assert owned.speaker is None and owned.content.text == "يعود إلى خلافات عميقة"
    assert owned.entity == doc.quotes[0].entity


@pytest.mark.parametrize(
    ("text", "speaker", "name"),
    [
        ("بحسب رئيس الهيئة، سامي العلوي، فإن الشركات لم تلتزم بالقانون.",
         "رئيس الهيئة، سامي العلوي", "سامي العلوي"),
        ("ارتفعت الأسعار كثيرا، بحسب ما أكده، الخميس، رئيس الهيئة، سامي العلوي.",
         "رئيس الهيئة، سامي العلوي", "سامي العلوي"),
        ("قرر المجلس تعليق العمل يوم الاثنين، بحسب ما جاء اليوم في بلاغ للجمعية.",
         "بلاغ للجمعية", "الجمعية"),
    ],
)  # fmt: skip
def test_the_source_after_according_to_runs_past_time_words_and_takes_its_apposition(
    text: str, speaker: str, name: str
):
    doc = rules(text)
    assert (only(doc).speaker.text, doc.entity(only(doc).entity).name) == (speaker, name)


def test_a_speaker_ends_at_a_comma_and_mark_written_onto_his_name():
    quote = only(rules('قال النائب سامي الحمايدي،"لا يوجد أي سبب للطعن".'))
    assert quote.speaker.text == "النائب سامي الحمايدي"
    assert quote.content.text == "لا يوجد أي سبب للطعن"


def test_in_addition_to_is_no_verb_of_adding():
    # `إضافة` folds as `أضافه` (he added it); a verb never ends in ة
    assert rules("وتحسنت الأسعار في الأسواق، إضافة إلى أن الطلب ارتفع كثيرا.").quotes == []


@pytest.mark.parametrize(
    "text",
    [
        'وهذه المحطة تعتبر من "أحسن المحطات في البلاد كلها".',
        'وزار الوفد المنطقة التي تعتبر "نظيفة ولا تحتاج إلى تدخل عاجل".',
    ],
)
def test_is_considered_after_a_noun_or_a_relative_is_no_speech(text: str):
    assert rules(text).quotes == []


def test_a_statement_noun_after_fi_names_the_occasion_not_a_speaker():
    doc = rules("قال الوزير سامي العلوي إن المشروع قائم. وأكد في تصريحات صحفية إن الوزارة لم تلغه.")
    first, second = doc.quotes
    assert (first.speaker.text, second.speaker) == ("الوزير سامي العلوي", None)
    assert second.entity == first.entity


def test_a_word_that_begins_with_ba_is_no_object_marker_after_a_describing_verb():
    quote = only(rules("اعتبر الاتحاد العام للشغل، في بيان له اليوم الخميس، أن الحكومة فشلت."))
    assert quote.speaker.text == "الاتحاد العام للشغل"


def test_a_long_apposition_and_occasion_may_stand_between_the_cue_and_an():
    doc = rules(
        "قال عضو المكتب التنفيذي للاتحاد التونسي للصناعة والتجارة، خليل الورتاني، عقب لقائه "
        "رئيس الحكومة سامي العلوي، صباح الخميس، بقصر الحكومة بالقصبة، أنه اعتذر عن تولي الحقيبة."
    )
    assert doc.entity(only(doc).entity).name == "خليل الورتاني"


def test_a_source_after_lil_keeps_the_lam_of_its_name():
    # `للجنة` is `ل` + `اللجنة`: the committee, not `الجنة`
    doc = rules("وأصبحت المشاركة ضعيفة، وفقا للجنة الوطنية للانتخابات.")
    assert doc.entity(only(doc).entity).name == "اللجنة الوطنية للانتخابات"


def test_a_fronted_subject_starts_after_the_complementiser_before_it():
    doc = rules("وأفاد سامي العلوي، بأن خبراء المعهد، قد أكدوا أنها قطعة نادرة.")
    assert [q.speaker.text for q in doc.quotes] == ["سامي العلوي", "خبراء المعهد"]


def test_the_topic_after_amma_is_the_subject_of_the_verb_its_fa_joins():
    doc = rules("قال الوزير سامي العلوي إن الموسم جيد. أما مندوب الكويت فأعلن أن بلاده تدين.")
    assert doc.quotes[1].speaker.text == "مندوب الكويت"
    assert doc.entity(doc.quotes[1].entity).name == "مندوب الكويت"


def test_in_his_words_inside_a_quote_of_its_sentence_is_no_quote_of_its_own():
    doc = rules("وأكد الوزير سامي العلوي أن الوقت وفق تعبيره غير مناسب للحوار الوطني الآن.")
    assert only(doc).cue.text == "وأكد"


def test_an_indirect_span_ends_before_but_and_the_next_report():
    doc = rules(
        "وقال الوزير سامي العلوي إن الحكومة باقية، لكنه أشار في الوقت ذاته إلى أن الوضع صعب."
    )
    assert [q.content.text for q in doc.quotes] == ["الحكومة باقية", "الوضع صعب"]


def test_a_report_without_a_source_inside_another_quote_is_part_of_it():
    doc = rules(
        "وقال المدرب سامي العلوي إن كمال الذي أعلن بأنه سيترك الفريق سيبقى حتى نهاية الموسم."
    )
    assert only(doc).cue.text == "وقال"
    # with a source of its own it is a quote of its own (guidelines, 7)
    doc = rules("وقال الوزير سامي العلوي إن رئيس الحكومة أكد أن الحل قريب.")
    assert [q.speaker.text for q in doc.quotes] == ["الوزير سامي العلوي", "رئيس الحكومة"]
