"""TrainConfig: every setting of a training run, from a JSON file and ``--key value``.

    config = TrainConfig.load("train.json", ["--max_steps", "800", "--lr", "3e-5"])

Overrides are converted to the field's type: ``true/false/1/0`` for booleans,
``none``/``null`` for optional fields, comma-separated or JSON lists for lists.
The whole config is written next to the model (``train_config.json``).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class TrainConfig:
    # model
    base_model: str = "runs/base"  # built by `qawl base build runs/base`; or any encoder
    init_from: str | None = None  # fine-tune an existing qawl model directory instead
    name: str = "qawl-tagger"
    max_length: int = 256
    stride: int = 128  # overlap between windows at inference (stored in the model)
    train_stride: int = 64  # overlap between training windows
    freeze_embeddings: bool = True
    freeze_layers: int = 4
    dropout: float = 0.1
    # data
    dataset: str | None = None  # a `qawl data build` directory; else built from the files
    train_files: list[str] = field(default_factory=lambda: ["../shared/train/train.gold.jsonl"])
    corpora_dir: str = "../shared/corpora"  # texts of stand-off annotation files
    silver_files: list[str] = field(default_factory=list)
    silver_articles: int = 0
    exclude_files: list[str] = field(default_factory=list)  # ids never trained on (dev)
    heldout_folds: int = 10
    heldout_fold: int = 0
    augment_copies: int = 2
    report_files: list[str] = field(default_factory=list)  # scored at the end, never for choice
    # optimisation
    seed: int = 13
    batch_size: int = 8
    grad_accum: int = 1
    lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06  # share of max_steps
    max_steps: int = 600
    max_minutes: float | None = None  # stop early (cleanly) after this wall time
    clip: float = 1.0
    # bookkeeping
    output_dir: str = "runs/qawl-tagger"
    eval_every: int = 150
    save_every: int = 100
    keep_checkpoints: int = 2
    select_metric: str = "soft_f1"
    tune_bias: bool = True  # tune the decoder's content_o_bias on the held-out fold
    resume: bool = False
    fp16_export: bool = True
    num_threads: int = 2
    log_every: int = 10

    @classmethod
    def load(
        cls, path: str | Path | None = None, overrides: list[str] | None = None
    ) -> TrainConfig:
        """Defaults, then the JSON file's keys, then ``--key value`` overrides."""
        values: dict[str, Any] = {}
        if path is not None:
            values.update(json.loads(Path(path).read_text(encoding="utf-8")))
        values.update(parse_overrides(overrides or []))
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(unknown)}")
        hints = typing.get_type_hints(cls)
        return cls(**{k: convert(v, hints[k], k) for k, v in values.items()})

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")


def parse_overrides(args: list[str]) -> dict[str, str]:
    """``["--lr", "3e-5", "--resume"]`` -> ``{"lr": "3e-5", "resume": "true"}``;
    ``--key=value`` works too; dashes in keys become underscores."""
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise ValueError(f"expected --key value, got {arg!r}")
        key = arg[2:]
        if "=" in key:
            key, value = key.split("=", 1)
            i += 1
        elif i + 1 < len(args) and not args[i + 1].startswith("--"):
            value = args[i + 1]
            i += 2
        else:
            value = "true"
            i += 1
        out[key.replace("-", "_")] = value
    return out


def convert(value: Any, hint: Any, key: str) -> Any:
    """``value`` (a string from the command line, or JSON) as type ``hint``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null", "")):
            return None
        inner = [a for a in args if a is not type(None)]
        return convert(value, inner[0], key)
    if origin is list:
        if isinstance(value, str):
            text = value.strip()
            items = json.loads(text) if text.startswith("[") else [v for v in text.split(",") if v]
        else:
            items = list(value)
        return [convert(v, args[0], key) for v in items]
    if hint is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "yes"):
            return True
        if str(value).lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"{key}: expected true or false, got {value!r}")
    try:
        return hint(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key}: cannot read {value!r} as {hint.__name__}") from None
