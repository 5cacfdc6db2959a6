"""Attribution on outlets the speaker ranker never saw (gold quotes, no tagger errors).

For each outlet (the article id's prefix: AL, BB, CN, FR, JA, SK), a one-member
ranker is trained on the other outlets' annotated articles over the tagger's
frozen states, its epoch chosen on 40 of those training articles; then each
held-out article's gold quotes (speakers and cues as annotated) are attributed
by the ranker, by the rules' attribution and by "explicit speaker, else the
last source", and scored by the guidelines' attribution rule.

    python scripts/ranker-outlet-holdout.py [--config configs/ranker-all.json]
        [--model qawl/default_model] [--cache runs/ranker-states.safetensors]
"""

from __future__ import annotations

import argparse
import copy
import json
from collections import Counter
from pathlib import Path

import torch

from qawl.attribution import attribute, attribute_last_source
from qawl.eval.metrics import attribution_right
from qawl.model.ranker import SpeakerRanker, attribute_with_ranker
from qawl.training import ranker as training
from qawl.training.config import TrainConfig
from qawl.training.data import load_gold

ATTRIBUTIONS = ("ranker", "rules", "last-source")


def outlet(doc_id: str) -> str:
    return doc_id.split("-")[0]


def attributed(mode: str, item: training.Encoded, ranker: SpeakerRanker):
    doc = item.doc
    quotes = [copy.deepcopy(q) for q in doc.quotes]
    for quote in quotes:
        quote.entity = None
    if mode == "ranker":
        quotes, entities = attribute_with_ranker(
            doc.text, quotes, item.states, item.offsets, ranker
        )
    elif mode == "rules":
        quotes, entities = attribute(doc.text, quotes)
    else:
        quotes, entities = attribute_last_source(doc.text, quotes)
    pred = copy.deepcopy(doc)
    pred.quotes, pred.entities = quotes, entities
    return pred


def examples(ranker: SpeakerRanker, group: list[training.Encoded]) -> list[training.QuoteExample]:
    return [
        ex for it in group for ex in training.quote_examples(it, training.mentions_of(ranker, it))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/ranker-all.json")
    parser.add_argument("--model", default="qawl/default_model")
    parser.add_argument("--cache", default=None, help="safetensors file of encoder states")
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    torch.set_num_threads(1)
    cfg = TrainConfig.load(args.config)
    docs = load_gold(cfg.train_files, cfg.corpora_dir)
    items = training.encode(args.model, docs, Path(args.cache) if args.cache else None)
    total: Counter = Counter()
    for name in sorted({outlet(it.doc.id) for it in items}):
        torch.manual_seed(0)
        train = [it for it in items if outlet(it.doc.id) != name]
        held = [it for it in items if outlet(it.doc.id) == name]
        ranker = SpeakerRanker(items[0].states.size(-1), mention_source="both", members=1)
        training.train_mentions(ranker, train)

        training.train_scorer(
            ranker, examples(ranker, train), examples(ranker, train[:40]), args.epochs
        )
        ranker.eval()
        right: Counter = Counter()
        for item in held:
            for mode in ATTRIBUTIONS:
                pred = attributed(mode, item, ranker)
                right[mode] += sum(
                    attribution_right(item.doc, g, pred, p)
                    for g, p in zip(item.doc.quotes, pred.quotes, strict=True)
                )
        n = sum(len(it.doc.quotes) for it in held)
        total.update(right)
        total["quotes"] += n
        row = {mode: round(right[mode] / n, 3) for mode in ATTRIBUTIONS}
        print(json.dumps({"outlet": name, "articles": len(held), "quotes": n, **row}))
    row = {mode: round(total[mode] / total["quotes"], 3) for mode in ATTRIBUTIONS}
    print(json.dumps({"outlet": "all", "quotes": total["quotes"], **row}))


if __name__ == "__main__":
    main()
