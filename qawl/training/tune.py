"""Tune the one decoding setting, ``content_o_bias``, on held-out training articles.

The content head's ``O`` score is lowered by the bias before Viterbi: a higher
bias finds more (and longer) quotes. The encoder runs once; each candidate
only re-decodes. Never tune on the dev or test sets.

    python -m qawl.training.tune MODEL_DIR [--heldout_folds 10 --heldout_fold 0]
        [--train_files a.jsonl,b.jsonl] [--select_metric soft_f1] [--write]
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qawl.attribution import attribute
from qawl.eval import evaluate
from qawl.extractor import QuoteExtractor
from qawl.model.decode import decode
from qawl.model.windows import tokenize
from qawl.schema import Document
from qawl.training.config import TrainConfig
from qawl.training.data import fold_of, load_gold

log = logging.getLogger(__name__)

CANDIDATES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


def tune_content_bias(
    extractor: QuoteExtractor,
    gold: Sequence[Document],
    metric: str = "soft_f1",
    candidates: Sequence[float] = CANDIDATES,
) -> tuple[float, list[dict[str, Any]]]:
    """The best bias on ``gold`` (ties go to the smallest) and every candidate's scores."""
    docs = [tokenize(extractor.tokenizer, d.text) for d in gold]
    content, cs, _ = extractor._emissions(docs)
    model = extractor.model
    table = []
    for bias in candidates:
        preds = []
        for g, tok, c, s in zip(gold, docs, content, cs, strict=True):
            quotes = decode(g.text, tok.offsets, c, s, model.content_crf, model.cs_crf, bias)
            quotes, entities = attribute(g.text, quotes)
            preds.append(Document(id=g.id, text=g.text, entities=entities, quotes=quotes))
        scores = evaluate(list(gold), preds, bootstrap=0)
        table.append({"bias": bias, **{k: scores[k] for k in ("soft_f1", "exact_f1", "e2e_f1")}})
        log.info("content_o_bias %.1f: %s", bias, table[-1])
    best = max(table, key=lambda row: (row[metric] or 0.0, -row["bias"]))
    return best["bias"], table


def heldout_documents(cfg: TrainConfig) -> list[Document]:
    return [
        d
        for d in load_gold(cfg.train_files, cfg.corpora_dir)
        if fold_of(d.id, cfg.heldout_folds) == cfg.heldout_fold
    ]


def write_bias(model_dir: str | Path, bias: float) -> None:
    path = Path(model_dir) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["content_o_bias"] = bias
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not argv:
        sys.stderr.write(__doc__ or "")
        return 2
    model_dir, rest = argv[0], argv[1:]
    write = "--write" in rest
    rest = [a for a in rest if a != "--write"]
    cfg = TrainConfig.load(None, rest)
    extractor = QuoteExtractor.from_pretrained(model_dir, num_threads=cfg.num_threads)
    gold = heldout_documents(cfg)
    bias, _ = tune_content_bias(extractor, gold, cfg.select_metric)
    log.info("best content_o_bias %.1f on %d held-out articles", bias, len(gold))
    if write:
        write_bias(model_dir, bias)
        log.info("written to %s/config.json", model_dir)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
