"""The training set, as an Arrow dataset built reproducibly from a seed.

Two levels:

- **articles** (``build_articles``, saved by ``qawl data build OUT``): a
  ``DatasetDict`` with ``train`` (gold articles outside the held-out fold, their
  augmented copies, silver articles) and ``heldout`` (the held-out fold's gold
  articles, unchanged: model selection happens there, never on dev). Spans are
  character offsets, so the articles do not depend on any tokenizer.
- **windows** (``build_windows``): the articles tokenised by the model's
  tokenizer, cut into windows, with one label id per token for each head
  (``ClassLabel`` sequences).

Silver articles are the rules' output on corpus articles outside the gold
train and dev sets, kept only when every quote has a cue and every direct quote
sits exactly in a closed mark pair; ``filter_precision`` measures that filter
on the gold training articles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value
from tqdm import tqdm

from qawl.model.labels import (
    CONTENT_LABELS,
    CS_LABELS,
    content_labels,
    cue_speaker_labels,
    repair_bio,
)
from qawl.model.windows import body_length, spans, special_tokens, tokenize
from qawl.schema import KINDS, Document, Quote, Span, load_documents
from qawl.text import pair_marks
from qawl.training.augment import augment, check_offsets, speaker_pool

log = logging.getLogger(__name__)

ORIGINS = ["gold", "augmented", "silver"]

ARTICLE_FEATURES = Features(
    {
        "id": Value("string"),
        "source_id": Value("string"),
        "origin": ClassLabel(names=ORIGINS),
        "augment": Value("string"),
        "text": Value("string"),
        "quotes": List(
            {
                "content_start": Value("int32"),
                "content_end": Value("int32"),
                "kind": ClassLabel(names=list(KINDS)),
                "cue_start": Value("int32"),
                "cue_end": Value("int32"),
                "speaker_start": Value("int32"),
                "speaker_end": Value("int32"),
            }
        ),
    }
)

WINDOW_FEATURES = Features(
    {
        "source_id": Value("string"),
        "origin": ClassLabel(names=ORIGINS),
        "input_ids": List(Value("int32")),
        "content_labels": List(ClassLabel(names=CONTENT_LABELS)),
        "cs_labels": List(ClassLabel(names=CS_LABELS)),
    }
)


# ------------------------------------------------------------ records


def to_record(doc: Document, source_id: str, origin: str, how: str = "") -> dict[str, Any]:
    check_offsets(doc)
    quotes = []
    for q in doc.quotes:
        quotes.append(
            {
                "content_start": q.content.start,
                "content_end": q.content.end,
                "kind": KINDS.index(q.kind),
                "cue_start": q.cue.start if q.cue else -1,
                "cue_end": q.cue.end if q.cue else -1,
                "speaker_start": q.speaker.start if q.speaker else -1,
                "speaker_end": q.speaker.end if q.speaker else -1,
            }
        )
    return {
        "id": doc.id,
        "source_id": source_id,
        "origin": ORIGINS.index(origin),
        "augment": how,
        "text": doc.text,
        "quotes": quotes,
    }


def to_document(record: dict[str, Any]) -> Document:
    """An article record back to an (unattributed) Document."""
    text = record["text"]
    quotes = []
    for q in record["quotes"]:
        kind = q["kind"] if isinstance(q["kind"], str) else KINDS[q["kind"]]
        quotes.append(
            Quote(
                content=Span.of(text, q["content_start"], q["content_end"]),
                kind=kind,
                cue=Span.of(text, q["cue_start"], q["cue_end"]) if q["cue_start"] >= 0 else None,
                speaker=(
                    Span.of(text, q["speaker_start"], q["speaker_end"])
                    if q["speaker_start"] >= 0
                    else None
                ),
            )
        )
    return Document(id=record["id"], text=text, quotes=quotes)


# ------------------------------------------------------------ gold


def is_standoff(path: str | Path) -> bool:
    """A stand-off annotation file (``corpus`` + offsets, no ``text``)?"""
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                return "text" not in record and "corpus" in record
    return False


def load_gold(paths: Sequence[str], corpora_dir: str | Path) -> list[Document]:
    """Annotated articles from gold JSONL and stand-off files (joined to their
    corpus text); an id seen twice is kept once (the first)."""
    from qawl.training.standoff import join_standoff

    docs: list[Document] = []
    for path in paths:
        if is_standoff(path):
            docs.extend(join_standoff([path], corpora_dir))
        else:
            docs.extend(load_documents(path))
    seen: set[str] = set()
    unique = []
    for doc in docs:
        if doc.id in seen:
            log.warning("article %s is annotated twice: the first is kept", doc.id)
            continue
        seen.add(doc.id)
        unique.append(doc)
    return unique


# ------------------------------------------------------------ folds


def fold_of(doc_id: str, folds: int) -> int:
    """A stable fold number from the article id (md5, not Python's hash)."""
    return int(hashlib.md5(doc_id.encode("utf-8")).hexdigest(), 16) % folds


def split_heldout(
    docs: Sequence[Document], folds: int, fold: int
) -> tuple[list[Document], list[Document]]:
    train = [d for d in docs if fold_of(d.id, folds) != fold]
    held = [d for d in docs if fold_of(d.id, folds) == fold]
    return train, held


# ------------------------------------------------------------ silver


def corpus_articles(paths: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Records of gzip (or plain) JSONL corpora."""
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def keep_silver(doc: Document) -> bool:
    """The precision filter: at least one quote; every quote has a cue; every
    direct quote is exactly the content of a closed mark pair."""
    if not doc.quotes:
        return False
    closed = {(p.content_start, p.content_end) for p in pair_marks(doc.text) if p.closed}
    for q in doc.quotes:
        if q.cue is None:
            return False
        if q.kind == "direct" and (q.content.start, q.content.end) not in closed:
            return False
    return True


def silver_documents(paths: Sequence[str], n: int, exclude: set[str], seed: int) -> list[Document]:
    """Up to ``n`` filtered rule-annotated articles drawn at random (seeded)
    from the corpora, leaving out the ``exclude`` ids (gold train and dev)."""
    from qawl.rules import RuleExtractor

    pool = [r for r in corpus_articles(paths) if str(r["id"]) not in exclude and r.get("text")]
    random.Random(seed).shuffle(pool)
    rules = RuleExtractor()
    out: list[Document] = []
    with tqdm(total=n, desc="silver", unit="art") as bar:
        for record in pool:
            if len(out) >= n:
                break
            doc = rules(record["text"], str(record["id"]))
            if keep_silver(doc):
                out.append(doc)
                bar.update(1)
    log.info("silver: %d articles kept", len(out))
    return out


def filter_precision(gold_docs: Sequence[Document]) -> dict[str, Any]:
    """The rules + filter on gold articles: how many articles pass and the
    scores of the rules on those (soft precision is the figure that matters)."""
    from qawl.eval import evaluate
    from qawl.rules import RuleExtractor

    rules = RuleExtractor()
    pred = [rules(d.text, d.id) for d in gold_docs]
    kept = [(g, p) for g, p in zip(gold_docs, pred, strict=True) if keep_silver(p)]
    if not kept:
        return {"articles_kept": 0}
    scores = evaluate([g for g, _ in kept], [p for _, p in kept], bootstrap=0)
    return {
        "articles_kept": len(kept),
        "articles": len(gold_docs),
        "soft_p": scores["soft_p"],
        "soft_r": scores["soft_r"],
        "exact_p": scores["exact_p"],
        "kind_acc": scores["kind_acc"],
        "cue_acc": scores["cue_acc"],
        "speaker_span_acc": scores["speaker_span_acc"],
    }


# ------------------------------------------------------------ articles


def build_articles(
    train_files: Sequence[str],
    heldout_folds: int = 10,
    heldout_fold: int = 0,
    augment_copies: int = 2,
    silver_files: Sequence[str] = (),
    silver_articles: int = 0,
    exclude_files: Sequence[str] = (),
    seed: int = 13,
    corpora_dir: str | Path = "../shared/corpora",
) -> DatasetDict:
    """Gold (+ augmented, + silver) training articles and the held-out fold.
    Articles of ``exclude_files`` (dev) are never used, as gold or silver."""
    excluded = {d.id for path in exclude_files for d in load_documents(path)}
    gold = [d for d in load_gold(train_files, corpora_dir) if d.id not in excluded]
    train, held = split_heldout(gold, heldout_folds, heldout_fold)
    log.info("gold: %d train articles, %d held out", len(train), len(held))
    rng = random.Random(seed)
    pool = speaker_pool(train)
    records = []
    for doc in tqdm(train, desc="augment", unit="art"):
        records.append(to_record(doc, doc.id, "gold"))
        for how, variant in augment(doc, rng, pool, augment_copies):
            variant.id = f"{doc.id}~{how}"
            records.append(to_record(variant, doc.id, "augmented", how))
    if silver_articles and silver_files:
        exclude = excluded | {d.id for d in gold}
        for doc in silver_documents(silver_files, silver_articles, exclude, seed):
            records.append(to_record(doc, doc.id, "silver"))
    random.Random(seed).shuffle(records)
    held_records = [to_record(d, d.id, "gold") for d in held]
    return DatasetDict(
        train=Dataset.from_list(records, features=ARTICLE_FEATURES),
        heldout=Dataset.from_list(held_records, features=ARTICLE_FEATURES),
    )


# ------------------------------------------------------------ windows


def article_windows(
    record: dict[str, Any], tokenizer, max_length: int, stride: int
) -> list[dict[str, Any]]:
    """One article's training windows with token labels for both heads."""
    doc = to_document(record)
    tok = tokenize(tokenizer, doc.text)
    content = content_labels(doc.text, tok.offsets, doc.quotes)
    cs = cue_speaker_labels(doc.text, tok.offsets, doc.quotes)
    prefix, suffix = special_tokens(tokenizer)
    out = []
    for start, end in spans(len(tok), body_length(max_length, (prefix, suffix)), stride):
        pad = [0] * len(prefix), [0] * len(suffix)
        out.append(
            {
                "source_id": record["source_id"],
                "origin": record["origin"],
                "input_ids": prefix + tok.ids[start:end] + suffix,
                "content_labels": pad[0] + repair_bio(content[start:end], CONTENT_LABELS) + pad[1],
                "cs_labels": pad[0] + repair_bio(cs[start:end], CS_LABELS) + pad[1],
            }
        )
    return out


def build_windows(articles: Dataset, tokenizer, max_length: int, stride: int) -> Dataset:
    """Tokenised training windows of an article dataset."""

    def gen() -> Iterator[dict[str, Any]]:
        for record in articles:
            yield from article_windows(record, tokenizer, max_length, stride)

    rows = list(tqdm(gen(), desc="windows", unit="win"))
    return Dataset.from_list(rows, features=WINDOW_FEATURES)


def save_articles(data: DatasetDict, out: str | Path, info: dict[str, Any]) -> None:
    data.save_to_disk(str(out))
    Path(out, "qawl_data.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n")


def articles_from_config(cfg) -> DatasetDict:
    """:func:`build_articles` with a TrainConfig's settings."""
    return build_articles(
        cfg.train_files,
        heldout_folds=cfg.heldout_folds,
        heldout_fold=cfg.heldout_fold,
        augment_copies=cfg.augment_copies,
        silver_files=cfg.silver_files,
        silver_articles=cfg.silver_articles,
        exclude_files=cfg.exclude_files,
        seed=cfg.seed,
        corpora_dir=cfg.corpora_dir,
    )
