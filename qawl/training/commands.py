"""CLI verbs of training: ``qawl train`` and ``qawl data build``.

The main CLI calls ``register(subparsers)``; each verb sets ``func`` to a
function taking the parsed ``argparse.Namespace`` and returning an exit code.

    qawl train CONFIG.json [--key value ...]      (CONFIG "-": the defaults)
    qawl data build OUT [--config CONFIG.json] [--measure-filter] [--key value ...]

``--key value`` pairs are TrainConfig fields (``--max_steps 800``,
``--silver_articles 500``); see ``qawl.training.config``. They are collected
with ``argparse.REMAINDER``, so ``--config`` and ``--measure-filter`` are read
from that remainder too.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser(
        "train",
        help="fine-tune the quote tagger",
        description="Fine-tune the quote tagger. Settings: a JSON file of TrainConfig "
        "fields, then --key value overrides (e.g. --max_steps 800 --resume).",
    )
    train.add_argument("config", help="JSON file of TrainConfig settings ('-': defaults)")
    train.add_argument("overrides", nargs=argparse.REMAINDER, help="--key value ...")
    train.set_defaults(func=run_train)

    ranker = subparsers.add_parser(
        "train-ranker",
        help="train the speaker ranker over a fine-tuned tagger",
        description="Train the speaker ranker (mention head + pair scorer) on the gold entity "
        "links of CONFIG's train_files, over MODEL's frozen encoder; OUT gets MODEL plus the "
        "ranker. Epochs are chosen on CONFIG's held-out fold.",
    )
    ranker.add_argument(
        "config", help="JSON file of TrainConfig settings (files, folds; '-': the defaults)"
    )
    ranker.add_argument("--model", required=True, help="fine-tuned tagger directory")
    ranker.add_argument("--out", required=True, help="output model directory (may be MODEL)")
    ranker.add_argument("--epochs", type=int, default=30)
    ranker.add_argument("--seed", type=int, default=0)
    ranker.add_argument("--members", type=int, default=5, help="pair scorers in the ensemble")
    ranker.add_argument(
        "--train-files", nargs="+", help="annotated JSONL to learn from instead of CONFIG's"
    )
    ranker.add_argument("--cache", help="safetensors file that keeps the encoder states")
    ranker.add_argument(
        "--mentions",
        choices=("head", "lexical", "both"),
        default="both",
        help="where candidate mentions come from",
    )
    ranker.set_defaults(func=run_train_ranker)

    joint = subparsers.add_parser(
        "train-joint",
        help="fine-tune the encoder for tagging and attribution together",
        description="Go on from a model with a ranker: 'prepare' writes the training tensors "
        "(on the machine that has the corpora), 'run' trains the encoder and all heads on "
        "them (on any machine, an accelerator helps) and keeps the epoch with the best "
        "held-out end-to-end F1.",
    )
    steps = joint.add_subparsers(dest="joint_command", required=True)
    prep = steps.add_parser("prepare", help="write DATA.safetensors and DATA.heldout.jsonl")
    prep.add_argument("config", help="JSON file of TrainConfig settings (files, folds)")
    prep.add_argument("--model", required=True, help="model directory with a ranker")
    prep.add_argument("--out", required=True, help="DATA.safetensors to write")
    prep.add_argument("--cache", help="safetensors file that keeps the encoder states")
    prep.add_argument(
        "--train-files", nargs="+", help="annotated JSONL to learn from instead of CONFIG's"
    )
    prep.set_defaults(func=run_joint_prepare)
    train_joint = steps.add_parser("run", help="train on DATA; OUT gets the best epoch")
    train_joint.add_argument("data", help="DATA.safetensors written by prepare")
    train_joint.add_argument("--model", required=True, help="the model prepare used")
    train_joint.add_argument("--out", required=True, help="output model directory")
    train_joint.add_argument("--heldout", help="held-out JSONL (default: prepare's)")
    train_joint.add_argument("--epochs", type=int, default=6)
    train_joint.add_argument("--device", help="torch device (default: cuda when there is one)")
    train_joint.add_argument("--lr", type=float, default=3e-5, help="encoder learning rate")
    train_joint.add_argument("--head-lr", type=float, default=3e-4)
    train_joint.add_argument("--rank-weight", type=float, default=1.0)
    train_joint.add_argument("--seed", type=int, default=0)
    train_joint.add_argument("--stop-after", type=int, help="stop after this many epochs")
    train_joint.add_argument("--max-minutes", type=float, help="stop after the epoch past this")
    train_joint.set_defaults(func=run_joint)

    data = subparsers.add_parser("data", help="training data")
    verbs = data.add_subparsers(dest="data_command", required=True)
    build = verbs.add_parser(
        "build",
        help="build the article dataset (gold + augmentation + silver), seeded",
        description="Write the training articles as an Arrow DatasetDict (train, heldout).",
    )
    build.add_argument("out", help="output directory")
    build.add_argument(
        "overrides",
        nargs=argparse.REMAINDER,
        help="[--config CONFIG.json] [--measure-filter] (rules + silver filter scored on "
        "the gold articles) [--key value ...] (TrainConfig fields)",
    )
    build.set_defaults(func=run_data_build)


def run_train_ranker(args: argparse.Namespace) -> int:
    import json

    from qawl.training.ranker import train_ranker

    figures = train_ranker(
        args.config,
        args.model,
        args.out,
        args.epochs,
        args.seed,
        args.cache,
        args.mentions,
        args.members,
        args.train_files,
    )
    log.info("ranker saved in %s: %s", args.out, json.dumps(figures, ensure_ascii=False))
    return 0


def run_joint_prepare(args: argparse.Namespace) -> int:
    from qawl.training.joint import prepare

    info = prepare(args.config, args.model, args.out, args.cache, args.train_files)
    log.info("joint training data in %s: %s", args.out, info)
    return 0


def run_joint(args: argparse.Namespace) -> int:
    from qawl.training.joint import run

    summary = run(
        args.data, args.model, args.out, args.heldout, epochs=args.epochs,
        device=args.device, lr=args.lr, head_lr=args.head_lr, rank_weight=args.rank_weight,
        seed=args.seed, max_minutes=args.max_minutes, stop_after=args.stop_after,
    )  # fmt: skip
    log.info("best epoch in %s: %s", args.out, summary["best"])
    return 0


def _overrides(args: argparse.Namespace) -> list[str]:
    rest = list(args.overrides or [])
    if rest and rest[0] == "--":
        rest = rest[1:]
    return rest


def _pop_flag(args: list[str], flag: str) -> bool:
    if flag in args:
        args.remove(flag)
        return True
    return False


def _pop_value(args: list[str], key: str) -> str | None:
    if key in args:
        i = args.index(key)
        if i + 1 >= len(args):
            raise SystemExit(f"{key} needs a value")
        value = args[i + 1]
        del args[i : i + 2]
        return value
    return None


def run_train(args: argparse.Namespace) -> int:
    from qawl.training.config import TrainConfig
    from qawl.training.train import train

    config = None if args.config == "-" else args.config
    cfg = TrainConfig.load(config, _overrides(args))
    train(cfg)
    return 0


def run_data_build(args: argparse.Namespace) -> int:
    from qawl.training.config import TrainConfig
    from qawl.training.data import articles_from_config, filter_precision, load_gold, save_articles

    rest = _overrides(args)
    measure = _pop_flag(rest, "--measure-filter") or _pop_flag(rest, "--measure_filter")
    config = _pop_value(rest, "--config")
    cfg = TrainConfig.load(config, rest)
    data = articles_from_config(cfg)
    info: dict = {"config": cfg.to_json(), "rows": {k: len(v) for k, v in data.items()}}
    if measure:
        gold = load_gold(cfg.train_files, cfg.corpora_dir)
        info["silver_filter_on_gold"] = filter_precision(gold)
        log.info("silver filter on gold: %s", info["silver_filter_on_gold"])
    save_articles(data, Path(args.out), info)
    log.info("wrote %s: %s", args.out, info["rows"])
    return 0
