"""Fit a model's score calibrator on held-out annotated articles.

    python -m qawl.model.calibrate MODEL_DIR (--config TRAIN.json | --gold HELDOUT.jsonl)
                                   [--report DEV.jsonl] [--write]

The articles fitted on must not have been trained on: ``--config`` rebuilds the
training run's held-out fold from its config; ``--report`` only measures.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from qawl.eval.calibration import (
    apply_calibration,
    fit_calibrator,
    format_reliability,
    outcomes,
    reliability,
)
from qawl.extractor import QuoteExtractor
from qawl.schema import Document, load_documents

log = logging.getLogger(__name__)


def heldout_fold(config_path: str) -> list[Document]:
    """The held-out fold of a training config's annotated articles."""
    from qawl.training.config import TrainConfig
    from qawl.training.data import load_gold, split_heldout

    cfg = TrainConfig.load(config_path)
    gold = load_gold(cfg.train_files, cfg.corpora_dir)
    return split_heldout(gold, cfg.heldout_folds, cfg.heldout_fold)[1]


def predict(extractor: QuoteExtractor, gold: list[Document]) -> list[Document]:
    return list(extractor.pipe([(d.id, d.text) for d in gold]))


def calibrate(model_dir: str, gold: list[Document], report: list[Document] | None = None) -> dict:
    """Weights fitted on ``gold`` and reliability tables before and after (and on ``report``)."""
    extractor = QuoteExtractor.from_pretrained(model_dir)
    extractor.model.calibration = None  # fit on raw tagger scores
    fit_pairs = outcomes(gold, predict(extractor, gold))
    result = {"fitted_on": len(gold), "raw": reliability(fit_pairs)}
    weights = fit_calibrator(fit_pairs)
    apply_calibration([q for q, _ in fit_pairs], weights)
    result.update(weights=weights, calibrated=reliability(fit_pairs))
    if report:
        extractor.model.calibration = weights
        result["report"] = reliability(outcomes(report, predict(extractor, report)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--gold", nargs="+", help="held-out annotated JSONL")
    source.add_argument("--config", help="training config: fit on its held-out fold")
    parser.add_argument("--report", help="annotated JSONL to measure calibration on (no fitting)")
    parser.add_argument("--write", action="store_true", help="store the weights in config.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if args.config:
        gold = heldout_fold(args.config)
    else:
        gold = [d for path in args.gold for d in load_documents(path)]
    report = load_documents(args.report) if args.report else None
    result = calibrate(args.model_dir, gold, report)
    for name in ("raw", "calibrated", "report"):
        if name in result:
            print(f"== {name}\n{format_reliability(result[name])}")
    print("weights:", result["weights"])
    if args.write:
        path = Path(args.model_dir) / "config.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        config["calibration"] = result["weights"]
        path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
