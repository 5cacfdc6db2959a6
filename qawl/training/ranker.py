"""Train the speaker ranker (:mod:`qawl.model.ranker`) on gold entity links.

    qawl train-ranker CONFIG.json --model MODEL_DIR --out OUT_DIR [--epochs N] [--cache FILE]

1. The tagger in MODEL_DIR encodes every annotated article of the config's
   ``train_files`` once (its states stay frozen; the dev files in
   ``exclude_files`` are dropped). With ``--cache FILE`` the states are kept
   in a safetensors file, so that a second run skips this step.
2. The mention head learns where the article writes a gold entity's name.
3. The pair scorer learns, for each gold quote, which of its candidates
   names the gold speaker entity (a candidate is right when the name it
   gives, ``entity_name([mention])``, designates the gold entity by the
   guidelines' rules). Epochs are chosen on the config's held-out fold.
4. OUT_DIR receives a copy of MODEL_DIR with ``ranker.safetensors`` and a
   ``ranker`` block (settings and held-out figures) in its ``config.json``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm import tqdm

from qawl.attribution import entity_name
from qawl.eval.names import names_entity
from qawl.model.candidates import allowed, anchor, candidates, features
from qawl.model.ranker import (
    SpeakerRanker,
    TokenIndex,
    decode_mentions,
    mention_tags,
    span_state,
)
from qawl.schema import Document, Span

log = logging.getLogger(__name__)


@dataclass
class Encoded:
    """An annotated article with its frozen encoder states and subword offsets."""

    doc: Document
    states: torch.Tensor
    offsets: list[tuple[int, int]]


@dataclass
class QuoteExample:
    """One gold quote's candidates, as tensors for the scorer."""

    cand_states: torch.Tensor
    anchor_state: torch.Tensor
    features: torch.Tensor
    gold: torch.Tensor  # bool (k,): the candidate names the gold entity
    allowed: torch.Tensor  # bool (k,)


# ------------------------------------------------------------------ data


def encode(model_dir: str, docs: list[Document], cache: Path | None) -> list[Encoded]:
    """Each article's tagger states (read from ``cache`` when it holds them all)."""
    from qawl.extractor import QuoteExtractor
    from qawl.model.windows import tokenize

    extractor = QuoteExtractor.from_pretrained(model_dir)
    fingerprint = _weights_fingerprint(model_dir)
    stored = _cached_states(cache, fingerprint)
    out, fresh = [], {}
    for doc in tqdm(docs, desc="encoding articles", unit="article"):
        tokenized = tokenize(extractor.tokenizer, doc.text)
        states = stored.get(doc.id)
        if states is None or states.size(0) != len(tokenized):
            _, _, hidden = extractor._emissions([tokenized], states=True)
            states = hidden[0].half()
            fresh[doc.id] = states
        out.append(Encoded(doc, states.float(), tokenized.offsets))
    if cache is not None and fresh:
        save_file({**stored, **fresh}, str(cache), metadata={"model": fingerprint})
    return out


def _weights_fingerprint(model_dir: str) -> str:
    """A digest of the tagger's weights: cached states are only valid for them."""
    digest = hashlib.sha1()
    with open(Path(model_dir) / "model.safetensors", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached_states(cache: Path | None, fingerprint: str) -> dict[str, torch.Tensor]:
    """The states stored in ``cache`` when they were computed by these weights."""
    if cache is None or not cache.is_file():
        return {}
    with safe_open(str(cache), framework="pt") as handle:
        if (handle.metadata() or {}).get("model") != fingerprint:
            log.info("%s was computed by other weights: encoding again", cache)
            return {}
    return load_file(str(cache))


def name_occurrences(doc: Document) -> list[Span]:
    """Every place the article writes one of its gold entities' names."""
    spans = []
    for entity in doc.entities:
        if not entity.name.strip():
            continue
        pattern = r"(?<!\w)" + re.escape(entity.name.strip()) + r"(?!\w)"
        spans += [Span.of(doc.text, m.start(), m.end()) for m in re.finditer(pattern, doc.text)]
    return spans


@dataclass
class QuoteChoice:
    """One gold quote's candidates as spans: what the scorer chooses among."""

    anchor: Span
    cands: list[Span]
    features: torch.Tensor
    gold: list[bool]  # the candidate names the gold entity
    allowed: list[bool]


def quote_choices(doc: Document, mentions: list[Span]) -> list[QuoteChoice]:
    """An article's gold quotes with their candidates (those with a right candidate)."""
    quotes = sorted(doc.quotes, key=lambda q: anchor(q).start)
    named: dict[tuple[int, int], str] = {}
    gold_names = [doc.entity(q.entity).name if doc.entity(q.entity) else None for q in quotes]
    out = []
    for position, quote in enumerate(quotes):
        cands = candidates(doc.text, quotes, position, mentions)
        if not cands:
            continue
        for c in cands:
            if (c.span.start, c.span.end) not in named:
                named[c.span.start, c.span.end] = entity_name([c.span], doc.text)
        gold = [
            names_entity(named[c.span.start, c.span.end], quote.entity, doc.entities) for c in cands
        ]
        if not any(gold):
            continue
        out.append(
            QuoteChoice(
                anchor(quote),
                [c.span for c in cands],
                features(doc.text, quotes, position, cands, gold_names[:position]),
                gold,
                allowed(doc.text, quote, cands, quotes[:position]),
            )
        )
    return out


def quote_examples(item: Encoded, mentions: list[Span]) -> list[QuoteExample]:
    """Scorer examples of an article's gold quotes (those with a right candidate)."""
    index = TokenIndex(item.offsets)
    return [
        QuoteExample(
            torch.stack([span_state(item.states, index, span) for span in choice.cands]),
            span_state(item.states, index, choice.anchor),
            choice.features,
            torch.tensor(choice.gold),
            torch.tensor(choice.allowed),
        )
        for choice in quote_choices(item.doc, mentions)
    ]


# ----------------------------------------------------------------- training


def train_mentions(
    ranker: SpeakerRanker, items: list[Encoded], epochs: int = 300, lr: float = 3e-3
) -> None:
    """Full-batch training of the mention head on the articles' name occurrences."""
    states = torch.cat([it.states for it in items])
    tags = torch.tensor(
        [t for it in items for t in mention_tags(it.doc.text, it.offsets, name_occurrences(it.doc))]
    )
    weights = torch.tensor([1.0, 3.0, 3.0])  # names are rare; recall matters more
    optimiser = torch.optim.Adam(ranker.mention_head.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    for _ in tqdm(range(epochs), desc="mention head", unit="epoch"):
        optimiser.zero_grad()
        loss = loss_fn(ranker.mention_head(states), tags)
        loss.backward()
        optimiser.step()


def mentions_of(ranker: SpeakerRanker, item: Encoded) -> list[Span]:
    return ranker.mentions(item.doc.text, item.offsets, item.states)


def mention_recall(ranker: SpeakerRanker, items: list[Encoded]) -> float:
    """Share of gold name occurrences that the head finds exactly."""
    found = total = 0
    for item in items:
        with torch.no_grad():
            logits = ranker.mention_logits(item.states)
        predicted = {(m.start, m.end) for m in decode_mentions(item.doc.text, item.offsets, logits)}
        gold = {(s.start, s.end) for s in name_occurrences(item.doc)}
        found += len(gold & predicted)
        total += len(gold)
    return found / max(1, total)


def example_loss(ranker: SpeakerRanker, ex: QuoteExample) -> torch.Tensor:
    """-log of the probability mass on the right, allowed candidates."""
    scores = ranker.score(ex.cand_states, ex.anchor_state, ex.features)
    scores = scores.masked_fill(~ex.allowed, float("-inf")) if ex.allowed.any() else scores
    right = scores.masked_fill(~ex.gold, float("-inf"))
    if torch.isinf(right).all():  # the constraints rule out every right candidate
        return scores[torch.isfinite(scores)].sum() * 0.0
    return torch.logsumexp(scores, 0) - torch.logsumexp(right, 0)


def accuracy(ranker: SpeakerRanker, examples: list[QuoteExample]) -> float:
    """Share of examples whose best allowed candidate is a right one."""
    ranker.eval()
    hits = 0
    with torch.no_grad():
        for ex in examples:
            scores = ranker.score(ex.cand_states, ex.anchor_state, ex.features)
            if ex.allowed.any():
                scores = scores.masked_fill(~ex.allowed, float("-inf"))
            hits += bool(ex.gold[int(scores.argmax())])
    return hits / max(1, len(examples))


def train_scorer(
    ranker: SpeakerRanker,
    train: list[QuoteExample],
    heldout: list[QuoteExample],
    epochs: int,
    lr: float = 1e-3,
    batch: int = 32,
    seed: int = 0,
) -> list[tuple[int, float]]:
    """Train each member scorer (its own seed); keep each at its epoch best on
    ``heldout``. Returns (best epoch, held-out accuracy) per member."""
    best_of = []
    for member, scorer in enumerate(ranker.scorers):
        torch.manual_seed(seed + member)
        solo = SpeakerRanker(ranker.hidden, ranker.proj, ranker.inner, members=1)
        solo.scorers[0] = scorer
        best_of.append(_train_one(solo, train, heldout, epochs, lr, batch, seed + member))
        log.info("scorer %d: best epoch %d, held-out accuracy %.4f", member, *best_of[-1])
    return best_of


def _train_one(
    ranker: SpeakerRanker,
    train: list[QuoteExample],
    heldout: list[QuoteExample],
    epochs: int,
    lr: float,
    batch: int,
    seed: int,
) -> tuple[int, float]:
    scorer = ranker.scorers[0]
    optimiser = torch.optim.AdamW(scorer.parameters(), lr=lr, weight_decay=1e-3)
    rng = random.Random(seed)
    best = (-1, -1.0)
    best_state = copy.deepcopy(scorer.state_dict())
    for epoch in range(1, epochs + 1):
        ranker.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), batch):
            optimiser.zero_grad()
            loss = sum(example_loss(ranker, train[i]) for i in order[b : b + batch]) / batch
            loss.backward()
            optimiser.step()
            total += float(loss.detach())
        held = accuracy(ranker, heldout)
        log.debug("epoch %d: loss %.4f, held-out candidate accuracy %.4f", epoch, total, held)
        if held > best[1]:
            best = (epoch, held)
            best_state = copy.deepcopy(scorer.state_dict())
    scorer.load_state_dict(best_state)
    return best


# --------------------------------------------------------------------- main


def train_ranker(
    config_path: str,
    model_dir: str,
    out_dir: str,
    epochs: int = 30,
    seed: int = 0,
    cache: str | None = None,
    mention_source: str = "both",
    members: int = 5,
    train_files: list[str] | None = None,
) -> dict:
    """Train a ranker over MODEL_DIR's tagger and save both in OUT_DIR; returns its figures."""
    from qawl.schema import load_documents
    from qawl.training.config import TrainConfig
    from qawl.training.data import load_gold, split_heldout

    torch.manual_seed(seed)
    cfg = TrainConfig.load(None if config_path == "-" else config_path)
    if train_files:
        cfg.train_files = list(train_files)
    excluded = {d.id for path in cfg.exclude_files for d in load_documents(path)}
    gold = [d for d in load_gold(cfg.train_files, cfg.corpora_dir) if d.id not in excluded]
    train_docs, held_docs = split_heldout(gold, cfg.heldout_folds, cfg.heldout_fold)
    out = Path(out_dir)
    if out.resolve() != Path(model_dir).resolve():
        shutil.copytree(model_dir, out, dirs_exist_ok=True)
    encoded = encode(model_dir, train_docs + held_docs, Path(cache) if cache else None)
    train_items, held_items = encoded[: len(train_docs)], encoded[len(train_docs) :]
    # The heads are small: one thread beats two that wait on each other (and
    # leaves the other core to the rest of the machine).
    torch.set_num_threads(1)

    ranker = SpeakerRanker(
        hidden=encoded[0].states.size(-1), mention_source=mention_source, members=members
    )
    train_mentions(ranker, train_items)
    recall = mention_recall(ranker, held_items)
    log.info("mention head: held-out recall of gold names %.4f", recall)

    def examples(items: list[Encoded]) -> list[QuoteExample]:
        return [ex for it in items for ex in quote_examples(it, mentions_of(ranker, it))]

    train_ex, held_ex = examples(train_items), examples(held_items)
    n_held_quotes = sum(len(it.doc.quotes) for it in held_items)
    best_of = train_scorer(ranker, train_ex, held_ex, epochs, seed=seed)
    held_acc = accuracy(ranker, held_ex)
    figures = {
        "trained_on_articles": len(train_items),
        "trained_on_quotes": len(train_ex),
        "heldout_articles": len(held_items),
        "heldout_quotes_with_a_right_candidate": f"{len(held_ex)}/{n_held_quotes}",
        "mention_source": mention_source,
        "heldout_mention_head_recall": round(recall, 4),
        "heldout_candidate_accuracy": round(held_acc, 4),
        "members": members,
        "best_epochs": [epoch for epoch, _ in best_of],
        "member_heldout_accuracy": [round(acc, 4) for _, acc in best_of],
        "epochs": epochs,
        "seed": seed,
    }
    block = ranker.save(out)
    block["training"] = figures
    config_file = out / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["ranker"] = block
    config_file.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
    write_card_section(out / "MODEL_CARD.md", figures, config_path)
    return figures


CARD_HEADING = "## Speaker ranker"


def write_card_section(card: Path, figures: dict, config_path: str) -> None:
    """Put (or replace) the ranker's section in the model card."""
    rows = "\n".join(f"| {key} | {value} |" for key, value in figures.items())
    section = f"""{CARD_HEADING}

Attribution is learned (`qawl.model.ranker`): a mention head and a pair scorer
over the tagger's frozen encoder states choose, for each quote, the mention
that names its speaker among its own speaker, the earlier mentions and
speakers, and the nearest mentions after it; agreement that Arabic makes
certain is a hard constraint (gender of the cue, a participle after a named
subject, a named speaker). Trained on the gold entity links of the same
articles as the tagger, epochs chosen on the held-out fold. The figures below
are on gold quotes: `heldout_candidate_accuracy` is the share of held-out
quotes with a right candidate whose best candidate is right (optimistic: the
same fold chose the epochs); the mention head alone finds few names, so the
lexicon's name runs (`mention_source` both) supply most candidates.

Command: `qawl train-ranker {config_path} --model MODEL --out OUT --epochs {figures["epochs"]}`

| figure | value |
|---|---|
{rows}
"""
    put_card_section(card, CARD_HEADING, section)


def put_card_section(card: Path, heading: str, section: str) -> None:
    """Put ``section`` (which starts with ``heading``) in the card, replacing
    the section of that heading if there is one."""
    text = card.read_text(encoding="utf-8") if card.is_file() else ""
    if heading in text:
        head, _, rest = text.partition(heading)
        after = rest.find("\n## ")
        text = head + section + (rest[after:] if after >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    card.write_text(text, encoding="utf-8")
