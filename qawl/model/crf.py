"""A small linear-chain CRF with allowed-transition constraints.

Scores a tag sequence ``y`` for emissions ``E`` (batch, length, tags) as
``start[y0] + sum_t E[t, y_t] + sum_t T[y_{t-1}, y_t] + end[y_last]``.
Forbidden transitions (``I-X`` after ``O`` or after another kind, ``I-X`` at
the start) get a fixed very low score, so training never puts mass on them
and Viterbi never returns them.

Masks are left-aligned: ``mask[b, :n_b]`` is True and the rest False, and the
first position of every sequence is real.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

FORBIDDEN = -10000.0


def bio_constraints(labels: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """``(allowed[i, j], allowed_start[j])`` for BIO labels: ``I-X`` may only
    follow ``B-X`` or ``I-X`` and may not start a sequence."""
    n = len(labels)
    allowed = torch.ones(n, n, dtype=torch.bool)
    allowed_start = torch.ones(n, dtype=torch.bool)
    for j, label in enumerate(labels):
        if not label.startswith("I-"):
            continue
        kind = label[2:]
        allowed_start[j] = False
        for i, prev in enumerate(labels):
            allowed[i, j] = prev in (f"B-{kind}", f"I-{kind}")
    return allowed, allowed_start


class CRF(nn.Module):
    """Linear-chain CRF: negative log-likelihood, Viterbi and marginals."""

    def __init__(self, labels: Sequence[str]):
        super().__init__()
        self.labels = list(labels)
        n = len(self.labels)
        self.transitions = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        allowed, allowed_start = bio_constraints(self.labels)
        # Derived from the labels, so not saved with the weights.
        self.register_buffer("allowed", allowed, persistent=False)
        self.register_buffer("allowed_start", allowed_start, persistent=False)

    @property
    def num_tags(self) -> int:
        return len(self.labels)

    def _scores(self) -> tuple[torch.Tensor, torch.Tensor]:
        trans = self.transitions.masked_fill(~self.allowed, FORBIDDEN)
        start = self.start.masked_fill(~self.allowed_start, FORBIDDEN)
        return trans, start

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean over the batch of ``-log p(tags | emissions)``."""
        emissions = emissions.float()
        mask = mask.bool()
        gold = self._path_score(emissions, tags, mask)
        log_z = self._log_partition(emissions, mask)
        return (log_z - gold).mean()

    def _path_score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor):
        trans, start = self._scores()
        tags = tags.masked_fill(~mask, 0)
        maskf = mask.float()
        emit = emissions.gather(2, tags.unsqueeze(-1)).squeeze(-1)  # (B, L)
        score = start[tags[:, 0]] + (emit * maskf).sum(1)
        step = trans[tags[:, :-1], tags[:, 1:]]  # (B, L-1)
        score = score + (step * maskf[:, 1:]).sum(1)
        last = mask.long().sum(1) - 1
        last_tags = tags.gather(1, last.unsqueeze(1)).squeeze(1)
        return score + self.end[last_tags]

    def _log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        alpha = self._forward_alphas(emissions, mask)[-1]
        return torch.logsumexp(alpha + self.end, dim=1)

    def _forward_alphas(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[torch.Tensor]:
        """alpha[t][b, j]: log-sum of the scores of all prefixes ending in tag j
        at t (carried unchanged past the end of a sequence)."""
        trans, start = self._scores()
        alpha = start + emissions[:, 0]
        alphas = [alpha]
        for t in range(1, emissions.size(1)):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans, dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t : t + 1], nxt, alpha)
            alphas.append(alpha)
        return alphas

    def marginals(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``p(y_t = j | emissions)`` for every position, (B, L, tags); padding rows are 0."""
        emissions = emissions.float()
        mask = mask.bool()
        trans, _ = self._scores()
        alphas = self._forward_alphas(emissions, mask)
        log_z = torch.logsumexp(alphas[-1] + self.end, dim=1)
        length = emissions.size(1)
        lengths = mask.long().sum(1)
        beta = self.end.expand(emissions.size(0), -1).clone()
        betas = [beta] * length
        for t in range(length - 2, -1, -1):
            nxt = torch.logsumexp(trans + (emissions[:, t + 1] + beta).unsqueeze(1), dim=2)
            # Positions at or past the last real one keep the end scores.
            is_last_or_pad = (t >= lengths - 1).unsqueeze(1)
            beta = torch.where(is_last_or_pad, self.end.expand_as(beta), nxt)
            betas[t] = beta
        log_p = torch.stack(alphas, 1) + torch.stack(betas, 1) - log_z[:, None, None]
        return log_p.exp() * mask.unsqueeze(-1).float()

    @torch.no_grad()
    def viterbi(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Best tag sequence of each row (length = its mask's count); never uses
        a forbidden transition."""
        emissions = emissions.float()
        mask = mask.bool()
        neg_inf = torch.finfo(emissions.dtype).min
        trans = self.transitions.masked_fill(~self.allowed, neg_inf)
        start = self.start.masked_fill(~self.allowed_start, neg_inf)
        score = start + emissions[:, 0]
        history = []
        for t in range(1, emissions.size(1)):
            total = score.unsqueeze(2) + trans  # (B, from, to)
            best, idx = total.max(dim=1)
            nxt = best + emissions[:, t]
            history.append(idx)
            score = torch.where(mask[:, t : t + 1], nxt, score)
        score = score + self.end
        lengths = mask.long().sum(1).tolist()
        paths = []
        for b, n in enumerate(lengths):
            tag = int(score[b].argmax())
            path = [tag]
            for t in range(n - 2, -1, -1):
                tag = int(history[t][b, tag])
                path.append(tag)
            paths.append(path[::-1])
        return paths
