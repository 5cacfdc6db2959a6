"""Hand-computed cases for the Scoring section of the annotation guidelines.

Every text below is written for these tests; token indices are given in the
comments so the expected figures can be checked by hand.
"""

from __future__ import annotations

import json
import time
from fractions import Fraction
from pathlib import Path

import pytest

from qawl.eval import error_report, evaluate, format_table
from qawl.eval.metrics import Tokens, pair_quotes, trim
from qawl.eval.names import (
    TITLE_TOKENS,
    fold_name,
    fold_text,
    name_tokens,
    names_agree,
    names_entity,
)
from qawl.schema import Document, Entity, Quote, Span, load_documents

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "seed-article.gold.jsonl"
DEV = SHARED / "dev" / "dev.gold.jsonl"


# ---------------------------------------------------------------- helpers


def span(text: str, sub: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span.of(text, start, start + len(sub))


def q(
    text: str,
    content: str | Span,
    kind: str = "indirect",
    cue: str | Span | None = None,
    speaker: str | Span | None = None,
    entity: str | None = "E1",
) -> Quote:
    def as_span(value: str | Span | None) -> Span | None:
        return span(text, value) if isinstance(value, str) else value

    return Quote(as_span(content), kind, as_span(cue), as_span(speaker), entity)  # type: ignore[arg-type]


def doc(text: str, quotes: list[Quote], entities: list[Entity] | None = None, id: str = "a1"):
    if entities is None:
        entities = [Entity("E1", "المتحدث")]
    return Document(id=id, text=text, entities=entities, quotes=quotes)


def score(gold: Document | list[Document], pred: Document | list[Document]) -> dict:
    gold = gold if isinstance(gold, list) else [gold]
    pred = pred if isinstance(pred, list) else [pred]
    return evaluate(gold, pred, bootstrap=0)


def approx(value: Fraction | float) -> object:
    return pytest.approx(float(value), abs=1e-12)


# ---------------------------------------------------------------- tokens and trimming


def test_span_tokens_are_the_overlapping_word_tokens() -> None:
    text = "قال الوزير إن الحكومة ستفتح المعابر"
    tokens = Tokens(text)
    # "زير إن الح" cuts into tokens 1 and 3: both overlap, so 1..3.
    assert tokens.of(span(text, "زير إن الح")) == range(1, 4)
    assert tokens.of(span(text, " ")) == range(1, 1)  # a space has no token
    assert tokens.of(None) == range(0)


def test_trim_removes_whitespace_and_listed_punctuation_only_at_the_ends() -> None:
    text = "- «(نعم، سنعود…)» ؟ [لا] „قد“ ‹ربما› — 'أجل'"
    whole = Span.of(text, 0, len(text))
    start, end = trim(whole, text)
    assert text[start:end] == "نعم، سنعود…)» ؟ [لا] „قد“ ‹ربما› — 'أجل"
    first = span(text, "- «(نعم، سنعود…)» ؟")
    start, end = trim(first, text)
    assert text[start:end] == "نعم، سنعود"


# ---------------------------------------------------------------- pairing

# tokens: قال0 الوزير1 إن2 الحكومة3 ستفتح4 المعابر5 غدا6 أمام7 الشاحنات8
T1 = "قال الوزير إن الحكومة ستفتح المعابر غدا أمام الشاحنات."


def test_greedy_pairing_takes_the_higher_dice_of_two_overlapping_predictions() -> None:
    gold = doc(T1, [q(T1, "الحكومة ستفتح المعابر غدا أمام الشاحنات")])  # tokens 3-8
    p1 = q(T1, "إن الحكومة ستفتح")  # tokens 2-4: Dice 2*2/(6+3) = 4/9
    p2 = q(T1, "ستفتح المعابر غدا أمام")  # tokens 4-7: Dice 2*4/(6+4) = 4/5
    pred = doc(T1, [p1, p2])
    pairs = pair_quotes(gold, pred)
    assert [(p.gold, p.pred) for p in pairs] == [(0, 1)]
    assert pairs[0].dice == approx(Fraction(4, 5))
    m = score(gold, pred)
    # one soft pair; p1 is spurious.
    assert (m["soft_p"], m["soft_r"], m["soft_f1"]) == (0.5, 1.0, approx(Fraction(2, 3)))
    # token: P = (4/4) / 2 preds, R = (4/6) / 1 gold, F1 = 2PR/(P+R) = 4/7
    assert m["token_p"] == 0.5
    assert m["token_r"] == approx(Fraction(2, 3))
    assert m["token_f1"] == approx(Fraction(4, 7))
    assert m["exact_f1"] == 0.0
    assert (m["n_gold"], m["n_pred"], m["n_soft_pairs"], m["n_articles"]) == (1, 2, 1, 1)


# tokens: وأكد0 المتحدث1 أن2 الجيش3 سيبقى4 في5 مواقعه6 وأن7 المفاوضات8 مستمرة9
T2 = "وأكد المتحدث أن الجيش سيبقى في مواقعه وأن المفاوضات مستمرة."


def test_greedy_pairing_is_greedy_not_optimal_and_weak_pairs_count_for_tokens() -> None:
    g1 = q(T2, "الجيش سيبقى في مواقعه")  # tokens 3-6 (4)
    g2 = q(T2, "المفاوضات مستمرة")  # tokens 8-9 (2)
    # p1: tokens 3-8 (6): Dice with g1 = 8/10, with g2 = 2/8.
    p1 = q(T2, "الجيش سيبقى في مواقعه وأن المفاوضات")
    # p2: tokens 3-5 (3): Dice with g1 = 6/7, the highest candidate.
    p2 = q(T2, "الجيش سيبقى في")
    gold, pred = doc(T2, [g1, g2]), doc(T2, [p1, p2])
    pairs = pair_quotes(gold, pred)
    # g1-p2 first (6/7); g1-p1 is then blocked, so p1 falls to g2 (Dice 1/4, not soft).
    assert [(p.gold, p.pred, p.soft) for p in pairs] == [(0, 1, True), (1, 0, False)]
    m = score(gold, pred)
    assert (m["soft_p"], m["soft_r"]) == (0.5, 0.5)
    # token P = (3/3 + 1/6) / 2 = 7/12; R = (3/4 + 1/2) / 2 = 5/8; F1 = 35/58
    assert m["token_p"] == approx(Fraction(7, 12))
    assert m["token_r"] == approx(Fraction(5, 8))
    assert m["token_f1"] == approx(Fraction(35, 58))
    # both predictions carry the right entity, but only the soft pair counts end to end.
    assert (m["e2e_p"], m["e2e_r"], m["e2e_f1"]) == (0.5, 0.5, 0.5)
    assert m["attribution_acc"] == 1.0


# tokens: وقال0 السفير1 إن2 الزيارة3 ناجحة4 والنتائج5 ممتازة6
T3 = "وقال السفير إن الزيارة ناجحة والنتائج ممتازة."


def test_dice_ties_go_to_the_gold_quote_first_in_the_text() -> None:
    g_late = q(T3, "والنتائج ممتازة")  # tokens 5-6
    g_early = q(T3, "الزيارة ناجحة")  # tokens 3-4
    pred = doc(T3, [q(T3, "ناجحة والنتائج")])  # tokens 4-5: Dice 1/2 with both
    gold = doc(T3, [g_late, g_early])  # list order is not text order
    pairs = pair_quotes(gold, pred)
    assert [(p.gold, p.pred) for p in pairs] == [(1, 0)]
    assert pairs[0].dice == 0.5 and pairs[0].soft  # 0.5 is soft
    m = score(gold, pred)
    assert (m["soft_p"], m["soft_r"]) == (1.0, 0.5)


def test_dice_ties_go_to_the_prediction_first_in_the_text() -> None:
    gold = doc(T3, [q(T3, "الزيارة ناجحة والنتائج")])  # tokens 3-5
    late = q(T3, "ناجحة والنتائج")  # tokens 4-5: Dice 4/5
    early = q(T3, "الزيارة ناجحة")  # tokens 3-4: Dice 4/5
    pairs = pair_quotes(gold, doc(T3, [late, early]))
    assert [(p.gold, p.pred) for p in pairs] == [(0, 1)]


def test_quotes_sharing_no_token_are_never_paired() -> None:
    gold = doc(T3, [q(T3, "الزيارة ناجحة")])
    pred = doc(T3, [q(T3, "السفير إن")])
    assert pair_quotes(gold, pred) == []
    m = score(gold, pred)
    assert (m["soft_f1"], m["token_p"], m["token_r"], m["n_soft_pairs"]) == (0.0, 0.0, 0.0, 0)


# ---------------------------------------------------------------- soft vs exact

T4 = "وقال الوزير: «سنعود قريبا». وأضاف أن الحكومة ستفتح المعابر غدا."


def test_exact_match_ignores_marks_spaces_and_stops_at_the_ends() -> None:
    gold = doc(
        T4,
        [
            q(T4, "سنعود قريبا", "direct"),
            q(T4, "الحكومة ستفتح المعابر غدا"),
        ],
    )
    pred = doc(
        T4,
        [
            q(T4, " «سنعود قريبا».", "direct"),  # same words once trimmed: exact
            q(T4, "الحكومة ستفتح المعابر"),  # Dice 6/7: soft, not exact
        ],
    )
    m = score(gold, pred)
    assert (m["soft_p"], m["soft_r"], m["soft_f1"]) == (1.0, 1.0, 1.0)
    assert (m["exact_p"], m["exact_r"], m["exact_f1"]) == (0.5, 0.5, 0.5)
    # token: P = (2/2 + 3/3) / 2 = 1, R = (2/2 + 3/4) / 2 = 7/8
    assert m["token_p"] == 1.0
    assert m["token_r"] == approx(Fraction(7, 8))


# ---------------------------------------------------------------- recall per kind, kind accuracy

T5 = (
    "قال الرئيس: «الاقتصاد بخير». وأكد أن الأسعار ستنخفض. "
    "وأعلن أن «الإصلاح» سيبدأ قريبا. وتابع: «لن نتراجع»."
)


def test_recall_is_reported_per_gold_kind() -> None:
    gold = doc(
        T5,
        [
            q(T5, "الاقتصاد بخير", "direct"),
            q(T5, "الأسعار ستنخفض", "indirect"),
            q(T5, "«الإصلاح» سيبدأ قريبا", "mixed"),
            q(T5, "لن نتراجع", "direct"),
        ],
    )
    pred = doc(
        T5,
        [
            q(T5, "الاقتصاد بخير", "direct"),
            q(T5, "الأسعار ستنخفض", "direct"),  # found, wrong kind
        ],
    )
    m = score(gold, pred)
    assert (m["recall_direct"], m["recall_indirect"], m["recall_mixed"]) == (0.5, 1.0, 0.0)
    assert m["kind_acc"] == 0.5
    assert (m["soft_p"], m["soft_r"]) == (1.0, 0.5)


def test_recall_of_a_kind_absent_from_gold_is_zero() -> None:
    gold = doc(T5, [q(T5, "الأسعار ستنخفض")])
    m = score(gold, gold)
    assert (m["recall_direct"], m["recall_indirect"], m["recall_mixed"]) == (0.0, 1.0, 0.0)


# ---------------------------------------------------------------- cue and speaker agreement

T6 = (
    "وقال وزير الخارجية سامي: «نرحب بالاتفاق». وأضاف: «سنلتزم به». "
    "وصرح المتحدث أن الوفد وصل. ورأى الخبير أن الأزمة انتهت. "
    "الوزير للصحفيين: «لا تعليق»."
)


def test_cue_and_speaker_agreement_with_absent_spans() -> None:
    def quotes(rows: list[tuple]) -> list[Quote]:
        return [q(T6, c, "direct" if i in (0, 1, 4) else "indirect", cue, spk)
                for i, (c, cue, spk) in enumerate(rows)]  # fmt: skip

    gold = doc(
        T6,
        quotes(
            [
                ("نرحب بالاتفاق", "وقال", "وزير الخارجية سامي"),
                ("سنلتزم به", "وأضاف", None),
                ("الوفد وصل", "وصرح", "المتحدث"),
                ("الأزمة انتهت", "ورأى", "الخبير"),
                ("لا تعليق", None, "الوزير"),
            ]
        ),
    )
    pred = doc(
        T6,
        quotes(
            [
                # cue inside the same token "وقال": agree; speaker shares "سامي": agree
                ("نرحب بالاتفاق", "قال", "سامي"),
                # cue absent vs present: disagree; speaker both absent: agree
                ("سنلتزم به", None, None),
                # cue agree; speaker absent vs present: disagree
                ("الوفد وصل", "وصرح", None),
                # cue on another token: disagree; speaker on another token: disagree
                ("الأزمة انتهت", span(T6, "أن", 1), "ورأى"),
                # both cues absent: agree; speaker agree
                ("لا تعليق", None, "الوزير"),
            ]
        ),
    )
    m = score(gold, pred)
    assert m["n_soft_pairs"] == 5
    assert m["cue_acc"] == approx(Fraction(3, 5))
    assert m["speaker_span_acc"] == approx(Fraction(3, 5))
    assert m["kind_acc"] == 1.0


# ---------------------------------------------------------------- name folding


def test_fold_text_letters_diacritics_tatweel_nfkc_and_case() -> None:
    assert fold_text("أإآٱةىئؤ") == "ااااهييو"
    assert fold_text("مُحَمَّدٌ") == "محمد"  # harakat, shadda, tanwin
    assert fold_text("هٰذا") == "هذا"  # dagger alif
    assert fold_text("لافـــروف") == "لافروف"  # tatweel
    assert fold_text("\ufefb") == "لا"  # presentation form, through NFKC
    assert fold_text("Sergey LAVROV") == "sergey lavrov"


def test_name_tokens_keep_words_of_two_letters_or_more() -> None:
    assert name_tokens("د. أسامة الإمام") == frozenset({"اسامه", "الامام"})
    assert name_tokens(None) == frozenset()
    assert fold_name("هيئة الأمم") == frozenset({"هييه", "الامم"})


def test_title_tokens_are_folded() -> None:
    assert "الرييس" in TITLE_TOKENS and "الامير" in TITLE_TOKENS
    assert "الرئيس" not in TITLE_TOKENS


def test_names_agree_by_containment_with_titles_set_aside() -> None:
    assert names_agree("لافروف", "سيرغي لافروف")
    assert names_agree("سيرغي لافروف", "لافروف")  # either way round
    assert names_agree("الوزير لافروف", "سيرغي لافروف")
    assert not names_agree("الوزير", "الوزير سيرغي لافروف")  # only titles: empty
    assert not names_agree("كيري", "سيرغي لافروف")


ENTITIES = [
    Entity("E1", "سيرغي لافروف", latin="Sergey Lavrov"),
    Entity("E2", "جون كيري", latin="John Kerry"),
    Entity("E3", "وزارة الخارجية الروسية"),
    Entity("E4", "محمد بن سلمان"),
    Entity("E5", "محمد بن زايد"),
    Entity("E6", "عمرو موسى"),
    Entity("E7", "موسى"),
    Entity("E8", "أسامة الإمام"),
    Entity("E9", "هيئة المؤتمر"),
]


@pytest.mark.parametrize(
    ("name", "entity", "right"),
    [
        ("سيرغي لافروف", "E1", True),  # equal to the name
        ("sergey LAVROV", "E1", True),  # equal to latin, lower-cased
        ("لافروف", "E1", True),  # contained
        ("Lavrov", "E1", True),  # contained in latin
        ("الوزير لافروف", "E1", True),  # title set aside
        ("وزير الخارجية سيرغي لافروف", "E1", True),  # titles set aside, core contained
        ("لافروف", "E2", False),
        ("الوزير", "E1", False),  # nothing left once titles are set aside
        ("محمد", "E4", False),  # fits E4 and E5: names neither
        ("محمد", "E5", False),
        ("محمد بن سلمان", "E4", True),
        ("موسى", "E7", True),  # equality with E7 ...
        ("موسى", "E6", False),  # ... so it does not name E6 by containment
        ("عمرو موسى", "E7", False),  # equal to E6, contains E7
        ("اسامه الامام", "E8", True),  # hamza and ta marbuta folded
        ("أُسَامَة الإِمَام", "E8", True),  # diacritics
        ("هيئه الموتمر", "E9", True),  # ئ and ؤ
        ("", "E1", False),
        (None, "E1", False),
        ("سيرغي لافروف", "E99", False),  # unknown gold entity
    ],
)
def test_names_entity_rules(name: str | None, entity: str, right: bool) -> None:
    assert names_entity(name, entity, ENTITIES) is right


# ---------------------------------------------------------------- attribution and end to end

T7 = (
    "قال سيرغي لافروف إن المحادثات مفيدة. وقال جون كيري إن الخلافات قائمة. "
    "وأضاف لافروف أن اللقاء المقبل في جنيف. وذكرت مصادر أن الاجتماع انتهى."
)
GOLD_ENTITIES = [
    Entity("E1", "سيرغي لافروف", latin="Sergey Lavrov"),
    Entity("E2", "جون كيري", latin="John Kerry"),
    Entity("E3", "مصادر"),
]


def t7_pair() -> tuple[Document, Document]:
    gold = doc(
        T7,
        [
            q(T7, "المحادثات مفيدة", entity="E1"),
            q(T7, "الخلافات قائمة", entity="E2"),
            q(T7, "اللقاء المقبل في جنيف", entity="E1"),
            q(T7, "الاجتماع انتهى", entity="E3"),
        ],
        GOLD_ENTITIES,
    )
    pred_entities = [Entity("X1", "الوزير لافروف"), Entity("X2", "Sergey Lavrov")]
    pred = doc(
        T7,
        [
            q(T7, "المحادثات مفيدة", entity="X1"),  # right (containment)
            q(T7, "الخلافات قائمة", entity="X1"),  # wrong speaker
            q(T7, "اللقاء المقبل", entity="X2"),  # Dice 2/3, right (latin)
            q(T7, "سيرغي لافروف", entity="X1"),  # spurious
        ],
        pred_entities,
    )
    return gold, pred


def test_end_to_end_counts_soft_pairs_with_the_right_entity() -> None:
    gold, pred = t7_pair()
    m = score(gold, pred)
    assert (m["n_gold"], m["n_pred"], m["n_soft_pairs"]) == (4, 4, 3)
    assert (m["soft_p"], m["soft_r"]) == (0.75, 0.75)
    assert m["attribution_acc"] == approx(Fraction(2, 3))
    assert (m["e2e_p"], m["e2e_r"], m["e2e_f1"]) == (0.5, 0.5, 0.5)


def test_prediction_without_entity_is_wrongly_attributed() -> None:
    gold, pred = t7_pair()
    pred.quotes[0].entity = None
    m = score(gold, pred)
    assert m["attribution_acc"] == approx(Fraction(1, 3))
    assert m["e2e_f1"] == 0.25


# ---------------------------------------------------------------- articles, empties, errors


def test_missing_prediction_article_counts_as_all_missed() -> None:
    gold_a, pred_a = t7_pair()
    gold_b = doc(T3, [q(T3, "الزيارة ناجحة")], id="a2")
    m = score([gold_a, gold_b], [pred_a])
    assert (m["n_articles"], m["n_gold"], m["n_pred"]) == (2, 5, 4)
    assert m["e2e_r"] == approx(Fraction(2, 5))
    assert m["soft_r"] == approx(Fraction(3, 5))


def test_unknown_prediction_id_raises_naming_it() -> None:
    gold = doc(T3, [], id="a1")
    with pytest.raises(ValueError, match="zz-404"):
        evaluate([gold], [doc(T3, [], id="zz-404")])


def test_prediction_with_another_text_raises() -> None:
    with pytest.raises(ValueError, match="a1"):
        evaluate([doc(T3, [])], [doc(T3 + " ", [])])


def test_empty_denominators_give_zero() -> None:
    m = evaluate([], [], bootstrap=100)
    assert m["e2e_f1"] == 0.0 and m["kind_acc"] == 0.0 and m["recall_mixed"] == 0.0
    assert m["e2e_f1_ci_low"] is None and m["n_articles"] == 0
    m = score(doc(T3, [q(T3, "الزيارة ناجحة")]), doc(T3, []))
    assert (m["e2e_p"], m["e2e_r"], m["e2e_f1"], m["attribution_acc"]) == (0.0, 0.0, 0.0, 0.0)


def test_result_keys_are_exactly_the_documented_ones_and_serialisable() -> None:
    gold, pred = t7_pair()
    m = evaluate([gold], [pred], bootstrap=10)
    assert set(m) == {
        "e2e_p", "e2e_r", "e2e_f1", "e2e_f1_ci_low", "e2e_f1_ci_high",
        "soft_p", "soft_r", "soft_f1", "exact_p", "exact_r", "exact_f1",
        "token_p", "token_r", "token_f1", "recall_direct", "recall_indirect",
        "recall_mixed", "attribution_acc", "kind_acc", "cue_acc", "speaker_span_acc",
        "n_gold", "n_pred", "n_soft_pairs", "n_articles",
    }  # fmt: skip
    json.dumps(m)


# ---------------------------------------------------------------- bootstrap

T8 = "قال المتحدث إن الوفد وصل. وأضاف أن الاجتماع انتهى."


def bootstrap_sets() -> tuple[list[Document], list[Document]]:
    gold, pred = [], []
    for i in range(12):
        quotes = [q(T8, "الوفد وصل"), q(T8, "الاجتماع انتهى")]
        gold.append(doc(T8, quotes, id=f"b{i}"))
        # a third of the articles fully found, a third half found, a third not found.
        pred.append(doc(T8, quotes[: 2 - i % 3], id=f"b{i}"))
    return gold, pred


def test_bootstrap_interval_brackets_the_point_estimate_and_is_seeded() -> None:
    gold, pred = bootstrap_sets()
    m = evaluate(gold, pred, bootstrap=500, seed=3)
    # correct 12 of 12 predicted, 24 gold: P 1, R 1/2, F1 2/3
    assert m["e2e_f1"] == approx(Fraction(2, 3))
    assert 0.0 <= m["e2e_f1_ci_low"] < m["e2e_f1"] < m["e2e_f1_ci_high"] <= 1.0
    again = evaluate(gold, pred, bootstrap=500, seed=3)
    assert (again["e2e_f1_ci_low"], again["e2e_f1_ci_high"]) == (
        m["e2e_f1_ci_low"],
        m["e2e_f1_ci_high"],
    )
    off = evaluate(gold, pred, bootstrap=0)
    assert off["e2e_f1_ci_low"] is None and off["e2e_f1_ci_high"] is None


# ---------------------------------------------------------------- real files


def test_gold_against_itself_scores_one_everywhere() -> None:
    if not SEED.exists():
        pytest.skip(f"{SEED} not present")
    gold = load_documents(str(SEED))
    m = evaluate(gold, gold, bootstrap=50)
    counts = {"n_gold", "n_pred", "n_soft_pairs", "n_articles"}
    assert all(v == 1.0 for k, v in m.items() if k not in counts), m
    n = sum(len(d.quotes) for d in gold)
    assert (m["n_gold"], m["n_pred"], m["n_soft_pairs"], m["n_articles"]) == (n, n, n, len(gold))
    assert error_report(gold, gold) == []


def test_dev_set_with_bootstrap_is_fast() -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} not present")
    gold = load_documents(str(DEV))
    started = time.perf_counter()
    m = evaluate(gold, gold, bootstrap=1000)
    assert time.perf_counter() - started < 2.0
    assert m["e2e_f1"] == 1.0 and m["n_articles"] == 40


# ---------------------------------------------------------------- error report and table


def test_error_report_rows() -> None:
    gold, pred = t7_pair()
    rows = error_report([gold], [pred])
    json.dumps(rows)
    assert [(r["type"], r["quote"]) for r in rows] == [
        ("spurious", "سيرغي لافروف"),
        ("wrong_speaker", "الخلافات قائمة"),
        ("missed", "الاجتماع انتهى"),
    ]
    spurious, wrong, missed = rows
    assert (spurious["gold_entity"], spurious["pred_entity"]) == (None, "الوزير لافروف")
    assert (wrong["gold_entity"], wrong["pred_entity"]) == ("جون كيري", "الوزير لافروف")
    assert (missed["gold_entity"], missed["pred_entity"]) == ("مصادر", None)
    assert all(r["doc"] == "a1" for r in rows)
    s = span(T7, "الاجتماع انتهى")
    assert missed["left"] == T7[s.start - 60 : s.start] and len(missed["left"]) == 60
    assert missed["right"] == "."
    assert spurious["left"] == "قال "


def test_error_report_wrong_kind_and_cue() -> None:
    gold = doc(T5, [q(T5, "الأسعار ستنخفض", "indirect", cue="وأكد")])
    pred = doc(T5, [q(T5, "الأسعار ستنخفض", "direct", cue="وأكد")])
    rows = error_report([gold], [pred])
    assert [(r["type"], r["kind"], r["pred_kind"], r["cue"]) for r in rows] == [
        ("wrong_kind", "indirect", "direct", "وأكد")
    ]
    assert error_report([gold], [pred], with_kind=False) == []


def test_format_table_shows_the_figures() -> None:
    gold, pred = bootstrap_sets()
    table = format_table(evaluate(gold, pred, bootstrap=100))
    assert "12 articles, 24 gold quotes, 12 predicted, 12 soft pairs" in table
    assert "end to end      1.000  0.500  0.667" in table
    assert "95% CI" in table
    assert "attribution" in table and "speaker span" in table


def test_error_rows_share_one_set_of_keys() -> None:
    gold, pred = t7_pair()
    pred.quotes[2].kind = "direct"
    rows = error_report([gold], [pred])
    assert {r["type"] for r in rows} == {"missed", "spurious", "wrong_speaker", "wrong_kind"}
    assert len({tuple(r) for r in rows}) == 1
    kind_row = next(r for r in rows if r["type"] == "wrong_kind")
    assert (kind_row["pred_quote"], kind_row["dice"]) == ("اللقاء المقبل", 0.6667)
