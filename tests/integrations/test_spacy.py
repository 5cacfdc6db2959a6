import pytest

spacy = pytest.importorskip("spacy")

import qawl.integrations.spacy  # noqa: E402,F401  (registers the factory without the entry point)


def test_component_fills_quote_spans_and_extensions():
    nlp = spacy.blank("ar")
    nlp.add_pipe("qawl_quotes", config={"model": "rules"})
    text = 'وقال الوزير سامي الحداد إن "الموسم سيكون جيدا". وأضاف أن العمل مستمر.'
    doc = nlp(text)
    quotes = doc.spans["quotes"]
    # spaCy spans follow its tokens (`جيدا".` is one token), so they may be wider.
    assert "الموسم سيكون جيدا" in quotes[0].text and quotes[1].text == "العمل مستمر"
    assert [q._.qawl_kind for q in quotes] == ["direct", "indirect"]
    assert {q._.qawl_speaker for q in quotes} == {"سامي الحداد"}
    assert quotes[1]._.qawl_cue.text == "وأضاف"
    record = doc._.qawl
    start, end = record["quotes"][0]["content"]
    assert text[start:end] == "الموسم سيكون جيدا"
