from qawl.text import fold, pair_marks, paragraphs, sentences, tokens


def contents(text):
    return [(text[p.content_start : p.content_end], p.closed) for p in pair_marks(text)]


def test_pairs_every_mark_style():
    text = 'قال «أولا» ثم “ثانيا” ثم "ثالثا" ثم ‹رابعا› ثم „خامسا“.'
    assert [c for c, _ in contents(text)] == ["أولا", "ثانيا", "ثالثا", "رابعا", "خامسا"]


def test_straight_marks_open_and_close_by_position():
    text = 'وقال "نحن هنا" وأضاف "سنبقى".'
    assert contents(text) == [("نحن هنا", True), ("سنبقى", True)]


def test_unclosed_mark_ends_at_sentence_end():
    text = "وقال «لن نتراجع أبدا. هذا موقفنا ثم مضى"
    pairs = pair_marks(text)
    assert len(pairs) == 1 and not pairs[0].closed
    assert text[pairs[0].content_start : pairs[0].content_end] == "لن نتراجع أبدا"


def test_quotes_reopen_at_each_paragraph():
    text = "قال «السطر الأول\n«السطر الثاني»"
    found = contents(text)
    assert ("السطر الثاني", True) in found
    assert all("\n" not in c for c, _ in found)


def test_stray_closing_mark_is_ignored():
    text = "هذا نص » فيه علامة شاردة ثم «اقتباس»."
    assert contents(text) == [("اقتباس", True)]


def test_sentences_keep_offsets_and_protect_quotes():
    text = 'قال: "جملة أولى. جملة ثانية". ثم انتهى.\nفقرة جديدة'
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == [
        'قال: "جملة أولى. جملة ثانية".',
        "ثم انتهى.",
        "فقرة جديدة",
    ]


def test_paragraphs_keep_line_endings_outside():
    text = "أ\r\nب\n\nج"
    assert [text[s:e] for s, e in paragraphs(text)] == ["أ", "ب", "ج"]


def test_fold_spelling_variants():
    assert fold("أَكَّدَ") == fold("اكد")
    assert fold("إعلانـــه") == "اعلانه"
    assert fold("مستشفى") == "مستشفي"
    assert fold("الوزارة") == "الوزاره"


def test_tokens_peel_punctuation_and_keep_offsets():
    text = "وقال كيري، «نعم»."
    toks = tokens(text)
    assert [t.text for t in toks] == ["وقال", "كيري", "،", "«", "نعم", "»", "."]
    assert all(text[t.start : t.end] == t.text for t in toks)


def test_a_preposition_written_onto_an_opening_mark_is_its_own_token():
    text = 'وصف القرار بـ"المتسرع" ولـ«الخطير» وبرلين"'
    toks = tokens(text)
    assert [t.text for t in toks] == [
        "وصف", "القرار", "بـ", '"', "المتسرع", '"', "ولـ", "«", "الخطير", "»", "وبرلين", '"'
    ]  # fmt: skip
    assert [t.norm for t in toks][2] == "ب"
    assert all(text[t.start : t.end] == t.text for t in toks)


def test_a_bracket_a_mark_or_a_comma_written_onto_a_word_is_its_own_token():
    text = 'قال سامي الورد(حزب الأمل) والعلوي،"لا"'
    toks = tokens(text)
    assert [t.text for t in toks] == [
        "قال", "سامي", "الورد", "(", "حزب", "الأمل", ")", "والعلوي", "،", '"', "لا", '"'
    ]  # fmt: skip
    assert all(text[t.start : t.end] == t.text for t in toks)
