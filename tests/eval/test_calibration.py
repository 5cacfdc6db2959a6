import random

from qawl.eval.calibration import apply_calibration, fit_calibrator, reliability
from qawl.schema import Quote, Span


def quote(score: float, explicit: bool) -> Quote:
    speaker = Span(0, 3, "علي") if explicit else None
    return Quote(Span(5, 9, "نعم!"), "indirect", speaker=speaker, score=score)


def test_reliability_table_and_ece_by_hand():
    pairs = [
        (quote(0.95, True), True),
        (quote(0.95, True), False),
        (quote(0.15, False), False),
        (quote(0.15, False), False),
    ]
    table = reliability(pairs, bins=10)
    assert [r["quotes"] for r in table["rows"]] == [2, 2]
    # |0.15 - 0| * 2/4 + |0.95 - 0.5| * 2/4 = 0.075 + 0.225
    assert abs(table["ece"] - 0.3) < 1e-9


def test_calibrator_fixes_overconfident_scores():
    rng = random.Random(0)
    pairs = []
    for _ in range(400):  # raw scores near 0.9, but explicit speakers right 80%, implicit 40%
        explicit = rng.random() < 0.5
        pairs.append((quote(0.9, explicit), rng.random() < (0.8 if explicit else 0.4)))
    before = reliability(pairs)["ece"]
    apply_calibration([q for q, _ in pairs], fit_calibrator(pairs))
    after = reliability(pairs)["ece"]
    assert after < before / 3
