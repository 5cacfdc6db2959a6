"""Tokenise a document once, with offsets, and cut it into overlapping windows.

A window holds ``max_length - 2`` body tokens between the tokenizer's own
``[CLS]``/``<s>`` and ``[SEP]``/``</s>`` (``body_length``); consecutive windows overlap by
``stride`` tokens (the Hugging Face meaning of *stride*). Every token lies in at
least one window; its prediction is taken from the window where it is most
central (``owners``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase


@dataclass
class TokenizedDoc:
    """A text's subword ids and their ``(start, end)`` character offsets."""

    text: str
    ids: list[int]
    offsets: list[tuple[int, int]]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Window:
    """Body tokens ``[start, end)`` of document ``doc`` (an index into a batch)."""

    doc: int
    start: int
    end: int


def tokenize(tokenizer: PreTrainedTokenizerBase, text: str) -> TokenizedDoc:
    """Tokenise without special tokens or truncation, keeping offsets."""
    enc = tokenizer(
        text,
        add_special_tokens=False,
        return_offsets_mapping=True,
        return_attention_mask=False,
        verbose=False,
    )
    offsets = [(int(s), int(e)) for s, e in enc["offset_mapping"]]
    return TokenizedDoc(text, list(enc["input_ids"]), offsets)


def spans(n_tokens: int, body: int, stride: int) -> list[tuple[int, int]]:
    """Body ranges ``[start, end)`` covering ``range(n_tokens)``: windows of
    ``body`` tokens (``max_length`` less the special tokens), each overlapping
    the previous by ``stride``; the last one is aligned to the end of the text."""
    if body < 1:
        raise ValueError(f"a window body of {body} tokens leaves no room for text")
    if n_tokens <= body:
        return [(0, n_tokens)]
    step = max(1, body - stride)
    out = []
    start = 0
    while start + body < n_tokens:
        out.append((start, start + body))
        start += step
    out.append((n_tokens - body, n_tokens))
    return out


def body_length(max_length: int, specials: tuple[list[int], list[int]]) -> int:
    return max_length - len(specials[0]) - len(specials[1])


def owners(n_tokens: int, ranges: Sequence[tuple[int, int]]) -> list[int]:
    """For each token, the index of the window in which it is most central
    (the largest distance to that window's nearer edge; ties to the earlier)."""
    best = [-1] * n_tokens
    best_margin = [-1] * n_tokens
    for w, (start, end) in enumerate(ranges):
        for t in range(start, end):
            margin = min(t - start, end - 1 - t)
            if margin > best_margin[t]:
                best[t], best_margin[t] = w, margin
    return best


def special_tokens(tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[int]]:
    """The ids the tokenizer puts before and after a single sequence
    (``[CLS]``/``[SEP]``, ``<s>``/``</s>``), found by encoding a probe."""
    probe = "a"
    bare = tokenizer(probe, add_special_tokens=False)["input_ids"]
    full = tokenizer(probe, add_special_tokens=True)["input_ids"]
    for i in range(len(full) - len(bare) + 1):
        if full[i : i + len(bare)] == bare:
            return list(full[:i]), list(full[i + len(bare) :])
    raise ValueError("cannot find the special tokens of this tokenizer")


def window_ids(
    doc: TokenizedDoc, start: int, end: int, specials: tuple[list[int], list[int]]
) -> list[int]:
    """Input ids of one window, with the tokenizer's special tokens around it."""
    prefix, suffix = specials
    return prefix + doc.ids[start:end] + suffix


def collate(
    sequences: Sequence[Sequence[int]], pad_id: int, **labels: Sequence[Sequence[int]]
) -> dict[str, torch.Tensor]:
    """Right-pad id sequences; each keyword's label sequences are padded with 0."""
    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for i, seq in enumerate(sequences):
        ids[i, : len(seq)] = torch.tensor(list(seq), dtype=torch.long)
        mask[i, : len(seq)] = 1
    batch = {"input_ids": ids, "attention_mask": mask}
    for key, label_sequences in labels.items():
        tensor = torch.zeros((len(sequences), width), dtype=torch.long)
        for i, seq in enumerate(label_sequences):
            tensor[i, : len(seq)] = torch.tensor(list(seq), dtype=torch.long)
        batch[key] = tensor
    return batch
