"""SpeakerRanker: who said each quote, learned from gold entity links.

Two small parts on top of the tagger's encoder states (one row per subword):

- a **mention head** (BIO) that finds the spans of an article that can name a
  source: people, bodies, documents, unnamed sources (trained on every place
  where a gold entity's name is written);
- a **pair scorer** that ranks, for each quote, its candidate antecedents: its
  own speaker mention, every earlier mention and earlier quote's speaker, and
  the nearest mentions after it. A candidate is scored from its span
  representation, the quote's (cue or content) representation and the
  features in :mod:`qawl.model.candidates` (distance, paragraph breaks, cue
  type, gender and number agreement, apposition, name overlap).

Agreement that Arabic makes certain is not left to the weights: a feminine cue
(`قالت`) never takes a male candidate and a participle after a named subject
(`وأردف المندوب قائلاً`) takes that subject (:func:`qawl.model.candidates.allowed`).

Saved inside the tagger's directory as ``ranker.safetensors`` plus a ``ranker``
block in its ``config.json``.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from qawl.attribution import clean_speakers, entity_name, group
from qawl.model.candidates import (
    FEATURES,
    Candidate,
    allowed,
    anchor,
    candidates,
    could_name,
    features,
    lexical_mentions,
)
from qawl.model.decode import snap_words, strip
from qawl.schema import Entity, Quote, Span

RANKER_WEIGHTS = "ranker.safetensors"
MENTION_LABELS = ["O", "B-MEN", "I-MEN"]
# Where candidate mentions come from: the learned head, the lexicon's name
# runs and body phrases (qawl.model.candidates.lexical_mentions), or both.
MENTION_SOURCES = ("head", "lexical", "both")
_EDGE = " \t\n.,،؛;:!?؟«»“”\"'‹›„()[]-–—…"


class PairScorer(nn.Module):
    """Score of (candidate, quote) pairs: projected span and quote states, their
    product and the candidate's features, through a one-layer MLP."""

    def __init__(self, hidden: int, proj: int, inner: int, dropout: float):
        super().__init__()
        self.span_proj = nn.Linear(hidden, proj)
        self.anchor_proj = nn.Linear(hidden, proj)
        self.mlp = nn.Sequential(
            nn.Linear(3 * proj + len(FEATURES), inner),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(inner, 1),
        )

    def forward(
        self, cand_states: torch.Tensor, anchor_state: torch.Tensor, features: torch.Tensor
    ) -> torch.Tensor:
        cand = self.span_proj(cand_states)
        anchor = self.anchor_proj(anchor_state).expand_as(cand)
        return self.mlp(torch.cat([cand, anchor, cand * anchor, features], dim=-1)).squeeze(-1)


class SpeakerRanker(nn.Module):
    """Mention head + an ensemble of pair scorers over frozen encoder states
    (``members`` scorers trained from different seeds; their scores are averaged,
    which steadies a choice learned from a few thousand quotes)."""

    def __init__(
        self,
        hidden: int,
        proj: int = 64,
        inner: int = 64,
        dropout: float = 0.2,
        mention_source: str = "both",
        members: int = 1,
    ):
        super().__init__()
        if mention_source not in MENTION_SOURCES:
            raise ValueError(f"mention_source must be one of {MENTION_SOURCES}")
        self.hidden, self.proj, self.inner = hidden, proj, inner
        self.mention_source = mention_source
        self.mention_head = nn.Linear(hidden, len(MENTION_LABELS))
        self.scorers = nn.ModuleList(
            PairScorer(hidden, proj, inner, dropout) for _ in range(members)
        )

    def mention_logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.mention_head(states)

    def mentions(
        self, text: str, offsets: Sequence[tuple[int, int]], states: torch.Tensor
    ) -> list[Span]:
        """Candidate mentions of an article, from :attr:`mention_source`."""
        found: set[Span] = set()
        if self.mention_source in ("head", "both"):
            with torch.no_grad():
                spans = decode_mentions(text, offsets, self.mention_logits(states))
            found.update(m for m in spans if could_name(m.text))
        if self.mention_source in ("lexical", "both"):
            found.update(lexical_mentions(text))
        return sorted(found)

    def score(
        self, cand_states: torch.Tensor, anchor_state: torch.Tensor, features: torch.Tensor
    ) -> torch.Tensor:
        """Scores (k,) of k candidates from their span states (k, h), the quote's
        state (h,) and their features (k, F): the mean of the members' scores."""
        scores = [scorer(cand_states, anchor_state, features) for scorer in self.scorers]
        return torch.stack(scores).mean(0)

    # ------------------------------------------------------------- save/load

    def config_dict(self) -> dict[str, Any]:
        return {
            "hidden": self.hidden,
            "proj": self.proj,
            "inner": self.inner,
            "mention_source": self.mention_source,
            "members": len(self.scorers),
            "features": list(FEATURES),
            "mention_id2label": dict(enumerate(MENTION_LABELS)),
        }

    def save(self, directory: str | Path) -> dict[str, Any]:
        """Write ranker.safetensors; returns the config block for config.json."""
        tensors = {k: v.detach().cpu().contiguous().clone() for k, v in self.state_dict().items()}
        save_file(tensors, str(Path(directory) / RANKER_WEIGHTS), metadata={"format": "pt"})
        return self.config_dict()

    @classmethod
    def load(cls, directory: str | Path, config: dict[str, Any]) -> SpeakerRanker:
        if list(config.get("features", [])) != list(FEATURES):
            raise ValueError(
                f"{directory}: the ranker was trained with features {config.get('features')}, "
                f"this qawl computes {list(FEATURES)}"
            )
        model = cls(
            int(config["hidden"]),
            int(config["proj"]),
            int(config["inner"]),
            mention_source=config.get("mention_source", "head"),
            members=int(config.get("members", 1)),
        )
        model.load_state_dict(load_file(str(Path(directory) / RANKER_WEIGHTS)))
        return model.eval()


# ------------------------------------------------------------------ spans


class TokenIndex:
    """Maps character spans to the subword rows of a document's states."""

    def __init__(self, offsets: Sequence[tuple[int, int]]):
        self.starts = [s for s, _ in offsets]
        self.ends = [e for _, e in offsets]

    def rows(self, start: int, end: int) -> list[int]:
        lo = bisect.bisect_right(self.ends, start)
        hi = bisect.bisect_left(self.starts, end)
        return [i for i in range(lo, hi) if self.ends[i] > self.starts[i]]


def span_state(states: torch.Tensor, index: TokenIndex, span: Span | None) -> torch.Tensor:
    """Mean state of the subwords a span covers (zeros when none)."""
    rows = index.rows(span.start, span.end) if span is not None else []
    if not rows:
        return torch.zeros(states.size(-1))
    return states[rows].mean(0)


def mention_tags(text: str, offsets: Sequence[tuple[int, int]], names: Sequence[Span]) -> list[int]:
    """BIO targets of the mention head: the subwords of each span in ``names``."""
    tags = [0] * len(offsets)
    index = TokenIndex(offsets)
    for span in sorted(names, key=lambda s: (s.start, -s.end)):
        rows = index.rows(span.start, span.end)
        if not rows or any(tags[r] for r in rows):
            continue  # overlapping occurrences: the first (longest) wins
        tags[rows[0]] = 1
        for r in rows[1:]:
            tags[r] = 2
    return tags


def decode_mentions(
    text: str, offsets: Sequence[tuple[int, int]], logits: torch.Tensor
) -> list[Span]:
    """Mention spans from the head's per-subword argmax (an I after O starts a span),
    grown to whole words and trimmed of punctuation and marks."""
    labels = logits.argmax(-1).tolist()
    runs: list[list[int]] = []  # [start, end, last row] of each span
    for row, label in enumerate(labels):
        start, end = offsets[row]
        if end <= start or label == 0:
            continue
        if label == 1 or not runs or runs[-1][2] != row - 1:
            runs.append([start, end, row])
        else:
            runs[-1][1:] = [end, row]
    out = []
    for start, end, _ in runs:
        start, end = snap_words(text, start, end)
        start, end = strip(text, start, end, _EDGE, _EDGE)
        if end > start:
            out.append(Span.of(text, start, end))
    return sorted(set(out))


def choose(
    ranker: SpeakerRanker,
    states: torch.Tensor,
    index: TokenIndex,
    anchor: Span,
    candidates: Sequence[Candidate],
    features: torch.Tensor,
    allowed: Sequence[bool],
) -> tuple[int, float]:
    """Index of the best allowed candidate, and its probability among the allowed ones."""
    cand_states = torch.stack([span_state(states, index, c.span) for c in candidates])
    with torch.no_grad():
        scores = ranker.score(cand_states, span_state(states, index, anchor), features)
    if any(allowed):
        scores = scores.masked_fill(~torch.tensor(list(allowed)), float("-inf"))
    probs = torch.softmax(scores, 0)
    best = int(scores.argmax())
    return best, float(probs[best])


def attribute_with_ranker(
    text: str,
    quotes: list[Quote],
    states: torch.Tensor,
    offsets: Sequence[tuple[int, int]],
    ranker: SpeakerRanker,
) -> tuple[list[Quote], list[Entity]]:
    """Quotes with their entity (each picks its best candidate mention), and the entities."""
    clean_speakers(text, quotes)
    index = TokenIndex(offsets)
    mentions = ranker.mentions(text, offsets, states)
    order = sorted(range(len(quotes)), key=lambda i: anchor(quotes[i]).start)
    ordered = [quotes[i] for i in order]
    chosen: list[Span | None] = [None] * len(quotes)
    names: list[str | None] = []  # the name each earlier quote got, for the features
    for position, quote in enumerate(ordered):
        cands = candidates(text, ordered, position, mentions)
        if not cands:
            names.append(None)
            continue
        feats = features(text, ordered, position, cands, names)
        ok = allowed(text, quote, cands, ordered[:position])
        pick, quote.speaker_score = choose(ranker, states, index, anchor(quote), cands, feats, ok)
        best = cands[pick].span
        chosen[order[position]] = best
        names.append(entity_name([best], text))
    return group(text, quotes, chosen)


def load_ranker(directory: str | Path) -> SpeakerRanker | None:
    """The ranker saved in a model directory, or None when it has none."""
    path = Path(directory)
    config = json.loads((path / "config.json").read_text(encoding="utf-8")).get("ranker")
    if config is None or not (path / RANKER_WEIGHTS).is_file():
        return None
    return SpeakerRanker.load(path, config)
