"""qawl train-ranker end to end on a tiny random tagger and synthetic articles (no downloads)."""

from __future__ import annotations

import json

import pytest
import torch

from qawl.extractor import QuoteExtractor
from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.training.ranker import train_ranker
from tests.training.tiny import make_documents, make_tagger_and_gold


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranker")
    docs = make_documents(20, seed=11)
    _, gold = make_tagger_and_gold(root, docs)
    config = root / "config.json"
    config.write_text(
        json.dumps({"train_files": [str(gold)], "heldout_folds": 4, "heldout_fold": 0}),
        encoding="utf-8",
    )
    return root, config


def test_train_ranker_saves_a_model_the_extractor_uses(setup):
    root, config = setup
    out = root / "with-ranker"
    figures = train_ranker(str(config), str(root / "tagger"), str(out), epochs=2, members=2)
    assert figures["trained_on_articles"] + figures["heldout_articles"] == 20
    assert len(figures["best_epochs"]) == 2 and all(1 <= e <= 2 for e in figures["best_epochs"])
    saved = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert saved["ranker"]["training"]["epochs"] == 2
    assert (out / "ranker.safetensors").is_file()
    assert "## Speaker ranker" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")

    extractor = QuoteExtractor.from_pretrained(out)
    assert extractor.ranker is not None and len(extractor.ranker.scorers) == 2
    text = (
        "وقال وزير الخارجية الأميركي جون كيري إن الاتفاق قريب. وأضاف أن الحل السياسي يجب أن يستمر."
    )
    doc = extractor(text)
    for quote in doc.quotes:
        assert doc.entity(quote.entity) is not None
        for span in (quote.content, quote.cue, quote.speaker, quote.resolved_to):
            if span is not None:
                assert text[span.start : span.end] == span.text
    rules_doc = QuoteExtractor.from_pretrained(out, attribution="rules")(text)
    assert [q.content for q in rules_doc.quotes] == [q.content for q in doc.quotes]


def test_training_the_scorer_lowers_its_loss(setup):
    from qawl.model.ranker import SpeakerRanker
    from qawl.schema import load_documents
    from qawl.training.ranker import encode, example_loss, mentions_of, quote_examples

    root, _ = setup
    docs = load_documents(str(root / "gold.jsonl"))
    items = encode(str(root / "tagger"), docs, cache=None)
    torch.manual_seed(0)
    ranker = SpeakerRanker(hidden=items[0].states.size(-1), proj=8, inner=8, dropout=0.0)
    examples = [ex for it in items for ex in quote_examples(it, mentions_of(ranker, it))]
    assert examples

    def mean_loss() -> float:
        with torch.no_grad():
            return float(sum(example_loss(ranker, ex) for ex in examples)) / len(examples)

    before = mean_loss()
    optimiser = torch.optim.Adam(ranker.parameters(), lr=1e-2)
    for _ in range(15):
        optimiser.zero_grad()
        loss = sum(example_loss(ranker, ex) for ex in examples) / len(examples)
        loss.backward()
        optimiser.step()
    assert mean_loss() < before * 0.8


def test_a_model_without_ranker_refuses_attribution_ranker(setup):
    root, _ = setup
    with pytest.raises(ValueError, match="no speaker ranker"):
        QuoteExtractor.from_pretrained(root / "tagger", attribution="ranker")
    with pytest.raises(ValueError, match="attribution must be one of"):
        QuoteExtractor.from_pretrained(root / "tagger", attribution="magic")


def test_cli_verb_trains_from_the_given_files(setup):
    import argparse

    from qawl.training.commands import register

    root, config = setup
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    out = root / "cli-ranker"
    args = parser.parse_args(
        ["train-ranker", "-", "--model", str(root / "tagger"), "--out", str(out),
         "--train-files", str(root / "gold.jsonl"), "--epochs", "1", "--members", "1"]
    )  # fmt: skip
    assert args.func(args) == 0
    training = json.loads((out / "config.json").read_text(encoding="utf-8"))["ranker"]["training"]
    assert training["trained_on_articles"] + training["heldout_articles"] == 20


def test_cached_states_are_only_reused_for_the_same_weights(setup, tmp_path):
    from qawl.schema import load_documents
    from qawl.training.ranker import encode

    root, _ = setup
    docs = load_documents(str(root / "gold.jsonl"))[:3]
    cache = tmp_path / "states.safetensors"
    first = encode(str(root / "tagger"), docs, cache=cache)
    assert cache.is_file()
    again = encode(str(root / "tagger"), docs, cache=cache)
    assert all(torch.equal(a.states, b.states) for a, b in zip(first, again, strict=True))

    other = QuoteTagger.from_base(root / "base", max_length=32, stride=8)
    with torch.no_grad():  # other encoder weights, same tokenizer: the cache must not be read
        for parameter in other.parameters():
            parameter.mul_(0.5)
    other.save_pretrained(tmp_path / "other", tokenizer=load_tokenizer(root / "base"))
    fresh = encode(str(tmp_path / "other"), docs, cache=cache)
    assert not torch.equal(fresh[0].states, first[0].states)
