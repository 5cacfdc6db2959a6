"""MODEL_CARD.md of a trained tagger: data, command, figures, limits, licences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import qawl
from qawl.training.data import ORIGINS

_FIGURES = (
    "soft_f1", "exact_f1", "e2e_f1", "soft_p", "soft_r",
    "recall_direct", "recall_indirect", "recall_mixed",
    "kind_acc", "cue_acc", "speaker_span_acc", "attribution_acc",
)  # fmt: skip


def _table(rows: dict[str, dict[str, Any]]) -> str:
    if not rows:
        return "_none_\n"
    head = "| set | " + " | ".join(_FIGURES) + " |\n|---|" + "---|" * len(_FIGURES) + "\n"
    lines = []
    for name, m in rows.items():
        cells = [f"{m[k]:.3f}" if isinstance(m.get(k), float) else "–" for k in _FIGURES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return f"{total / 1e6:.1f} MB"


def render_card(cfg, state, data, reports, command: str, final: Path) -> str:
    origins = {name: data["train"]["origin"].count(i) for i, name in enumerate(ORIGINS)}
    best = next((h for h in state["history"] if h["step"] == state["best_step"]), None)
    rows = {f"held-out fold {cfg.heldout_fold}/{cfg.heldout_folds} (selection)": best or {}}
    rows.update({f"{Path(p).name} (report only)": m for p, m in reports.items()})
    settings = json.dumps(cfg.to_json(), ensure_ascii=False, indent=2)
    return f"""# {cfg.name} (qawl {qawl.__version__})

A token tagger for quotes, cues and speakers in Arabic news: an encoder with a
content head (BIO with kind: direct / indirect / mixed) and a cue/speaker head
(BIO: CUE, SPK), each decoded by a linear-chain CRF with BIO constraints;
quotes are assembled from the spans, their kind read from quotation marks,
and attributed by `qawl.attribution`.

## Base model

`{cfg.base_model}` (multilingual-e5-small, MIT; vocabulary pruned to Arabic news
pieces), {"fine-tuned from " + cfg.init_from if cfg.init_from else "fine-tuned"}
with embeddings {"frozen" if cfg.freeze_embeddings else "trained"} and the first
{cfg.freeze_layers} layers frozen. Windows of {cfg.max_length} tokens (overlap
{cfg.train_stride} in training, {cfg.stride} at inference). Weights stored as
{"fp16" if cfg.fp16_export else "fp32"} safetensors, loaded as fp32; directory
size {_size(final)}.

## Data

- gold: {", ".join(cfg.train_files)} (annotation guidelines v1.2), less the
  held-out fold {cfg.heldout_fold} of {cfg.heldout_folds} (split by article id, md5);
- articles used: {origins} (augmented = mark-style swaps « » / “ ” / " ",
  marks dropped after a complementiser (direct -> indirect), speaker names
  substituted, paragraphs joined or split; offsets recomputed exactly);
- silver: {cfg.silver_articles} rule-annotated corpus articles requested from
  {", ".join(cfg.silver_files) or "none"}.

## Training

Command: `{command}`

Steps run: {state["step"]} of {cfg.max_steps}; best held-out `{cfg.select_metric}`
{state["best"]} at step {state["best_step"]}. AdamW, lr {cfg.lr} (heads and CRF
{cfg.head_lr}), linear warmup {cfg.warmup:.0%} and decay, batch {cfg.batch_size}
x {cfg.grad_accum}, seed {cfg.seed}, CPU.

<details><summary>all settings</summary>

```json
{settings}
```
</details>

## Figures

Scored with `qawl.eval.evaluate` (the guidelines' Scoring). The checkpoint was
chosen on the held-out fold only; report files were never used for choices.

{_table(rows)}
## Limits

- trained on about 300 annotated articles (2018 pan-Arab outlets and Jawhara
  FM, 2015-2017): other registers, dialects and mark styles are less covered;
- nested reports inside another quote are not tagged (one BIO layer);
- attribution of implicit speakers is rule-based (`qawl.attribution`);
- small dev sets: one or two points are within noise.

## Licences

Code: Apache-2.0 (qawl). Base encoder: multilingual-e5-small, MIT. Training
text: ANT corpus (Apache-2.0; Chouigui et al. 2017, 2021); annotations follow
the qawl guidelines.
"""
