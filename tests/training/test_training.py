"""Training data, augmentation, config and a few optimisation steps (tiny model)."""

from __future__ import annotations

import json
import random

import pytest
import torch
from datasets import Dataset

from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.model.windows import collate
from qawl.schema import Document, Quote, Span
from qawl.training.augment import (
    apply_edits,
    augment,
    check_offsets,
    drop_marks,
    reflow,
    speaker_pool,
    substitute_speakers,
    swap_marks,
)
from qawl.training.config import TrainConfig
from qawl.training.data import (
    ARTICLE_FEATURES,
    build_articles,
    build_windows,
    keep_silver,
    to_document,
    to_record,
)
from tests.training.tiny import make_base, make_documents


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return make_documents(16, seed=5)


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory, docs):
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
    return path


def _doc(text: str, quotes: list[tuple[str, str, str, str | None]]) -> Document:
    out = []
    for content, kind, cue, speaker in quotes:
        c = text.index(content)
        k = text.index(cue)
        s = text.index(speaker) if speaker else None
        out.append(
            Quote(
                content=Span.of(text, c, c + len(content)),
                kind=kind,
                cue=Span.of(text, k, k + len(cue)),
                speaker=Span.of(text, s, s + len(speaker)) if speaker else None,
            )
        )
    return Document(id="d", text=text, quotes=out)


# ------------------------------------------------------------ augmentation


def test_apply_edits_moves_spans_exactly():
    doc = _doc("وقال كيري إن «السلام قريب» اليوم.", [("السلام قريب", "direct", "وقال", "كيري")])
    out = apply_edits(doc, [(5, 9, "جون كيري"), (13, 14, "")])
    assert out is not None
    check_offsets(out)
    assert out.quotes[0].speaker.text == "جون كيري"
    assert out.quotes[0].content.text == "السلام قريب"
    # an edit across a span boundary gives up
    assert apply_edits(doc, [(8, 15, "x")]) is None


def test_swap_and_drop_marks():
    doc = _doc('وقال كيري إن "السلام قريب." وأضاف: "لا".', [
        ("السلام قريب.", "direct", "وقال", "كيري"),
        ("لا", "direct", "وأضاف", None),
    ])  # fmt: skip
    swapped = swap_marks(doc, ("«", "»"))
    assert swapped.text == "وقال كيري إن «السلام قريب.» وأضاف: «لا»."
    assert [q.content.text for q in swapped.quotes] == ["السلام قريب.", "لا"]
    dropped = drop_marks(swapped, random.Random(0), p=1.0)
    check_offsets(dropped)
    assert dropped.text == "وقال كيري إن السلام قريب. وأضاف: «لا»."
    assert (dropped.quotes[0].kind, dropped.quotes[0].content.text) == ("indirect", "السلام قريب")
    assert dropped.quotes[1].kind == "direct"  # after a colon: no complementiser, kept


def test_augmentations_keep_offsets(docs):
    rng = random.Random(0)
    pool = speaker_pool(docs)
    produced = 0
    for doc in docs:
        for step in (
            lambda d: substitute_speakers(d, rng, pool, p=1.0),
            lambda d: reflow(d, rng, p=0.5),
            lambda d: drop_marks(d, rng, p=1.0),
        ):
            out = step(doc)
            if out is not None:
                check_offsets(out)
                produced += 1
        for _, variant in augment(doc, rng, pool, copies=3):
            check_offsets(variant)
            assert len(variant.quotes) == len(doc.quotes)
            produced += 1
    assert produced > len(docs)


# ------------------------------------------------------------ data


def test_records_round_trip(docs):
    for doc in docs[:4]:
        back = to_document(to_record(doc, doc.id, "gold"))
        assert [(q.content, q.kind, q.cue, q.speaker) for q in back.quotes] == [
            (q.content, q.kind, q.cue, q.speaker) for q in doc.quotes
        ]


def test_build_is_reproducible_and_windows_labelled(gold_file, tmp_path, docs):
    a = build_articles([str(gold_file)], heldout_folds=4, heldout_fold=1, seed=3)
    b = build_articles([str(gold_file)], heldout_folds=4, heldout_fold=1, seed=3)
    assert a["train"].to_list() == b["train"].to_list()
    held = set(a["heldout"]["id"])
    assert held and not held & set(a["train"]["source_id"])
    assert a["train"].features["quotes"].feature["kind"].names == ["direct", "indirect", "mixed"]
    base = make_base(tmp_path / "base", [d.text for d in docs])
    windows = build_windows(a["train"], load_tokenizer(base), max_length=32, stride=8)
    row = windows[0]
    assert len(row["input_ids"]) == len(row["content_labels"]) == len(row["cs_labels"]) <= 32
    assert windows.features["content_labels"].feature.names[1] == "B-direct"
    for row in windows:  # no window starts inside a span without a B- tag
        names = windows.features["content_labels"].feature.names
        first = names[row["content_labels"][1]]
        assert not first.startswith("I-")


def test_silver_filter():
    good = _doc("وقال كيري: «السلام قريب».", [("السلام قريب", "direct", "وقال", "كيري")])
    assert keep_silver(good)
    part = _doc("وقال كيري: «السلام قريب».", [("السلام", "direct", "وقال", "كيري")])
    assert not keep_silver(part)
    assert not keep_silver(Document(id="e", text="لا شيء"))


# ------------------------------------------------------------ config


def test_config_overrides(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"lr": 1e-4, "train_files": ["a.jsonl"]}))
    cfg = TrainConfig.load(
        path,
        ["--max_steps", "12", "--resume", "--init_from", "none", "--silver_files=x.gz,y.gz"],
    )
    assert cfg.lr == 1e-4 and cfg.max_steps == 12 and cfg.resume is True
    assert cfg.init_from is None and cfg.silver_files == ["x.gz", "y.gz"]
    assert cfg.train_files == ["a.jsonl"]
    with pytest.raises(ValueError, match="unknown"):
        TrainConfig.load(None, ["--nope", "1"])
    with pytest.raises(ValueError, match="freeze_embeddings"):
        TrainConfig.load(None, ["--freeze_embeddings", "maybe"])


# ------------------------------------------------------------ optimisation


def test_a_few_steps_lower_the_loss(tmp_path, docs):
    torch.manual_seed(0)
    base = make_base(tmp_path / "base", [d.text for d in docs])
    tokenizer = load_tokenizer(base)
    records = [to_record(d, d.id, "gold") for d in docs[:6]]
    windows = build_windows(
        Dataset.from_list(records, features=ARTICLE_FEATURES), tokenizer, 48, 16
    )[:8]
    batch = collate(
        windows["input_ids"],
        tokenizer.pad_token_id,
        content_labels=windows["content_labels"],
        cs_labels=windows["cs_labels"],
    )
    model = QuoteTagger.from_base(base, max_length=48, stride=16)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(15):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.slow
def test_train_resume_and_export(tmp_path, docs, gold_file):
    from qawl.training.train import train

    base = make_base(tmp_path / "base", [d.text for d in docs])
    common = dict(
        base_model=str(base),
        train_files=[str(gold_file)],
        output_dir=str(tmp_path / "run"),
        max_length=48,
        stride=16,
        train_stride=16,
        heldout_folds=4,
        eval_every=5,
        save_every=5,
        freeze_layers=0,
        lr=1e-3,
    )
    train(TrainConfig(max_steps=6, **common), command="test")
    final = train(TrainConfig(max_steps=10, resume=True, **common), command="test")
    assert (final / "MODEL_CARD.md").is_file() and (final / "config.json").is_file()
    state = json.loads((tmp_path / "run" / "checkpoints" / "step-10" / "state.json").read_text())
    assert state["step"] == 10
    QuoteTagger.from_pretrained(final)


def test_cli_verbs(tmp_path, gold_file):
    import argparse

    from datasets import load_from_disk

    from qawl.training.commands import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["data", "build", str(tmp_path / "d"), "--train_files", str(gold_file), "--seed", "4"]
    )
    assert args.func(args) == 0
    data = load_from_disk(str(tmp_path / "d"))
    assert set(data) == {"train", "heldout"} and len(data["train"]) > 0
    info = json.loads((tmp_path / "d" / "qawl_data.json").read_text())
    assert info["config"]["seed"] == 4
    args = parser.parse_args(["train", "-", "--max_steps", "3"])
    assert args.config == "-" and args.overrides == ["--max_steps", "3"]


def test_standoff_gold_and_bias_tuning(tmp_path, docs, gold_file):
    import gzip

    from qawl.extractor import QuoteExtractor
    from qawl.training.data import load_gold
    from qawl.training.standoff import to_standoff
    from qawl.training.tune import tune_content_bias

    corpora = tmp_path / "corpora"
    corpora.mkdir()
    with gzip.open(corpora / "c.jsonl.gz", "wt", encoding="utf-8") as handle:
        for doc in docs[:3]:
            handle.write(json.dumps({"id": doc.id + "s", "text": doc.text}) + "\n")
    standoff = tmp_path / "s.jsonl"
    with open(standoff, "w", encoding="utf-8") as handle:
        for doc in docs[:3]:
            doc = Document(doc.id + "s", doc.text, doc.entities, doc.quotes)
            handle.write(json.dumps(to_standoff(doc, "c.jsonl.gz"), ensure_ascii=False) + "\n")
    gold = load_gold([str(gold_file), str(standoff), str(gold_file)], corpora)
    assert len(gold) == len(docs) + 3  # the repeated file adds nothing
    base = make_base(tmp_path / "base", [d.text for d in docs])
    extractor = QuoteExtractor(
        QuoteTagger.from_base(base, max_length=32, stride=8), load_tokenizer(base)
    )
    bias, table = tune_content_bias(extractor, gold[:4], candidates=(0.0, 2.0))
    assert bias in (0.0, 2.0) and len(table) == 2
