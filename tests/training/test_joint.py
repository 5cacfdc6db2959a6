"""qawl train-joint on a tiny random tagger with a ranker and synthetic articles."""

from __future__ import annotations

import json

import pytest
import torch

from qawl.extractor import QuoteExtractor
from qawl.model.ranker import load_ranker
from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.model.windows import special_tokens, tokenize
from qawl.training.joint import JointModel, load_data, prepare, run
from qawl.training.ranker import train_ranker
from tests.training.tiny import make_documents, make_tagger_and_gold


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("joint")
    docs = make_documents(16, seed=5)
    _, gold = make_tagger_and_gold(root, docs)
    config = root / "config.json"
    config.write_text(
        json.dumps(
            {
                "train_files": [str(gold)],
                "exclude_files": [],
                "heldout_folds": 4,
                "heldout_fold": 0,
                "augment_copies": 1,
            }
        ),
        encoding="utf-8",
    )
    train_ranker(str(config), str(root / "tagger"), str(root / "model"), epochs=1, members=2)
    data = root / "data.safetensors"
    info = prepare(str(config), str(root / "model"), str(data))
    return root, data, info, docs


def _joint(model_dir) -> tuple[JointModel, int]:
    tokenizer = load_tokenizer(model_dir)
    model = JointModel(
        QuoteTagger.from_pretrained(model_dir), load_ranker(model_dir), special_tokens(tokenizer)
    )
    return model, tokenizer.pad_token_id


def test_prepare_keeps_every_article_and_its_held_out_fold(setup):
    root, data, info, docs = setup
    tagged, articles = load_data(str(data))
    assert info["ranker_articles"] + info["heldout_articles"] == len(docs) == len(articles)
    assert sum(a.held for a in articles) == info["heldout_articles"] > 0
    # gold articles plus one augmented copy each (when the augmenter finds a change)
    assert info["ranker_articles"] <= len(tagged) <= 2 * info["ranker_articles"]
    assert sum(len(a.quotes) for a in articles) == info["quotes"] > 0
    for ids, content, cs in tagged:
        assert len(ids) == len(content) == len(cs)
    for art in articles:
        assert len(art.tags) == len(art.ids)
        for q in art.quotes:
            assert q.right.any() and len(q.cands) == len(q.right) == len(q.features)
            assert all(0 <= r < len(art.ids) for i in [q.anchor, *q.cands] for r in art.spans[i])
    held = [json.loads(line)["id"] for line in open(root / "data.heldout.jsonl", encoding="utf-8")]
    assert len(held) == info["heldout_articles"]


def test_article_states_are_the_extractors_states(setup):
    root, data, _, docs = setup
    model, pad_id = _joint(root / "model")
    model.eval()
    _, articles = load_data(str(data))
    extractor = QuoteExtractor.from_pretrained(root / "model")
    long_one = max(articles, key=lambda a: len(a.ids))
    assert len(long_one.ids) > 32  # several windows: the merge is exercised
    text = next(d.text for d in docs if tokenize(extractor.tokenizer, d.text).ids == long_one.ids)
    _, _, (expected,) = extractor._emissions([tokenize(extractor.tokenizer, text)], states=True)
    with torch.no_grad():
        (states,) = model.article_states([long_one], pad_id)
    assert torch.allclose(states, expected, atol=1e-4)


def test_joint_steps_lower_the_ranking_loss(setup):
    root, data, _, _ = setup
    torch.manual_seed(0)
    model, pad_id = _joint(root / "model")
    _, articles = load_data(str(data))
    train = [a for a in articles if not a.held and a.quotes]

    def ranking_loss() -> float:
        model.eval()
        with torch.no_grad():
            states = model.article_states(train, pad_id)
            return sum(float(model.rank_loss(a, s)[0]) for a, s in zip(train, states, strict=True))

    before = ranking_loss()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(10):
        model.train()
        states = model.article_states(train, pad_id)
        loss = sum(model.rank_loss(a, s)[0] for a, s in zip(train, states, strict=True))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert ranking_loss() < 0.8 * before


def test_run_keeps_the_best_epoch_as_a_loadable_model(setup):
    root, data, _, _ = setup
    out = root / "joint"
    summary = run(
        str(data), str(root / "model"), str(out), epochs=3, stop_after=1, device="cpu", tag_batch=4
    )
    assert [h["epoch"] for h in summary["history"]] == [0, 1]
    assert summary["best"] in summary["history"]
    saved = json.loads((out / "joint_training.json").read_text(encoding="utf-8"))
    assert saved["best"] == summary["best"]
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["ranker"]["training"]["joint"] == summary["best"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## Joint fine-tuning" in card and "## Speaker ranker" in card
    extractor = QuoteExtractor.from_pretrained(out)
    text = "وقال المتحدث باسم الحكومة إن الوضع صعب جدا. وأضاف أن الحل السياسي يجب أن يستمر."
    doc = extractor(text)
    for quote in doc.quotes:
        assert text[quote.content.start : quote.content.end] == quote.content.text


def test_cli_verbs_prepare_and_run(setup, tmp_path):
    import argparse

    from qawl.training.commands import register

    root, _, info, _ = setup
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    data = tmp_path / "data.safetensors"
    args = parser.parse_args(
        ["train-joint", "prepare", "-", "--model", str(root / "model"), "--out", str(data),
         "--train-files", str(root / "gold.jsonl")]
    )  # fmt: skip
    assert args.func(args) == 0
    figures = json.loads(_metadata(data)["qawl_joint"])
    assert figures["ranker_articles"] + figures["heldout_articles"] == 16
    out = tmp_path / "out"
    args = parser.parse_args(
        ["train-joint", "run", str(data), "--model", str(root / "model"), "--out", str(out),
         "--epochs", "2", "--stop-after", "1", "--device", "cpu"]
    )  # fmt: skip
    assert args.func(args) == 0
    history = json.loads((out / "joint_training.json").read_text(encoding="utf-8"))["history"]
    assert [h["epoch"] for h in history] == [0, 1]


def _metadata(path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        return handle.metadata()
