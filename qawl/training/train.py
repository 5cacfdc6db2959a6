"""The training loop: readable, seeded, resumable.

    qawl train CONFIG.json [--key value ...]

One run writes, under ``output_dir``::

    train.log, train_config.json
    data/                  the article dataset it trained on (unless given one)
    checkpoints/step-N/    model.safetensors, optimizer.safetensors, state.json
    best/                  the best model on the held-out fold (fp32)
    model/                 the final model (fp16 when fp16_export), MODEL_CARD.md
    metrics.json           held-out history, best, and the report files' figures

Checkpoints hold no pickle: weights, AdamW moments and the RNG state are
safetensors, the rest JSON. The best checkpoint is chosen on the held-out fold
of the training articles (``select_metric``), never on the report files.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from datasets import DatasetDict, load_from_disk
from safetensors.torch import load_file, save_file
from tqdm import tqdm

import qawl
import qawl.attribution  # noqa: F401  (imported now: later edits cannot break a long run)
from qawl.eval import evaluate
from qawl.extractor import QuoteExtractor
from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.model.windows import collate
from qawl.schema import Document, load_documents
from qawl.training.card import render_card
from qawl.training.config import TrainConfig
from qawl.training.data import (
    ORIGINS,
    articles_from_config,
    build_windows,
    load_gold,
    save_articles,
)

log = logging.getLogger(__name__)


# ------------------------------------------------------------------ setup


def setup_logging(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


def build_model(cfg: TrainConfig) -> tuple[QuoteTagger, Any]:
    if cfg.init_from:
        model = QuoteTagger.from_pretrained(cfg.init_from)
        tokenizer = load_tokenizer(cfg.init_from)
    else:
        model = QuoteTagger.from_base(cfg.base_model, dropout=cfg.dropout)
        tokenizer = load_tokenizer(cfg.base_model)
    model.max_length, model.stride, model.name = cfg.max_length, cfg.stride, cfg.name
    model.freeze(embeddings=cfg.freeze_embeddings, layers=cfg.freeze_layers)
    model.train()
    return model, tokenizer


def load_data(cfg: TrainConfig, out: Path) -> DatasetDict:
    if cfg.dataset:
        return load_from_disk(cfg.dataset)
    data = articles_from_config(cfg)
    save_articles(data, out / "data", {"config": cfg.to_json()})
    return data


def heldout_gold(cfg: TrainConfig, data: DatasetDict) -> list[Document]:
    """The held-out articles as full gold Documents (entities included)."""
    ids = set(data["heldout"]["id"])
    return [d for d in load_gold(cfg.train_files, cfg.corpora_dir) if d.id in ids]


def make_optimizer(model: QuoteTagger, cfg: TrainConfig) -> torch.optim.AdamW:
    """Encoder weights at ``lr`` (no decay on biases and norms), heads and CRFs at ``head_lr``."""
    decay, no_decay, heads = [], [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        if not name.startswith("encoder."):
            heads.append(p)
        elif p.ndim < 2:
            no_decay.append(p)
        else:
            decay.append(p)
    groups = [
        {"params": decay, "lr": cfg.lr, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "lr": cfg.lr, "weight_decay": 0.0},
        {"params": heads, "lr": cfg.head_lr, "weight_decay": 0.0},
    ]
    for group in groups:
        group["base_lr"] = group["lr"]
    return torch.optim.AdamW(groups)


def progress(step: int, elapsed: float, cfg: TrainConfig) -> float:
    """How far the run is, 0..1: by steps, or by wall time when ``max_minutes``
    is set and time runs out first (the schedule then still ends at 0)."""
    done = step / cfg.max_steps
    if cfg.max_minutes:
        done = max(done, elapsed / (cfg.max_minutes * 60))
    return min(1.0, done)


def lr_factor(done: float, cfg: TrainConfig) -> float:
    """Linear warmup to 1 over the first ``warmup`` share, then linear decay to 0."""
    if done < cfg.warmup:
        return max(done / cfg.warmup, 0.01)
    return max(0.0, (1.0 - done) / (1.0 - cfg.warmup))


def set_lr(optimizer: torch.optim.Optimizer, factor: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = group["base_lr"] * factor


def batches(n_rows: int, batch_size: int, seed: int, skip: int = 0) -> Iterator[list[int]]:
    """Endless shuffled mini-batches of row indices, the same for the same seed;
    ``skip`` drops the first batches (resuming)."""
    epoch, produced = 0, 0
    while True:
        gen = torch.Generator().manual_seed(seed * 1000 + epoch)
        order = torch.randperm(n_rows, generator=gen).tolist()
        for i in range(0, n_rows - batch_size + 1, batch_size):
            if produced >= skip:
                yield order[i : i + batch_size]
            produced += 1
        epoch += 1


# ------------------------------------------------------------ checkpoints


def save_checkpoint(
    path: Path, model: QuoteTagger, optimizer: torch.optim.Optimizer, state: dict[str, Any]
) -> None:
    path.mkdir(parents=True, exist_ok=True)
    save_file(model.state_tensors(), str(path / "model.safetensors"))
    tensors, meta = optimizer_tensors(optimizer)
    tensors["rng.torch"] = torch.get_rng_state()
    save_file(tensors, str(path / "optimizer.safetensors"), metadata=meta)
    (path / "state.json").write_text(json.dumps(state, indent=2) + "\n")


def optimizer_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """AdamW state as flat tensors; param groups (hyper-parameters) as JSON metadata."""
    sd = optimizer.state_dict()
    tensors = {}
    for idx, state in sd["state"].items():
        for key, value in state.items():
            value = value if torch.is_tensor(value) else torch.tensor(value)
            tensors[f"state.{idx}.{key}"] = value.detach().cpu().contiguous().clone()
    return tensors, {"param_groups": json.dumps(sd["param_groups"])}


def load_checkpoint(path: Path, model: QuoteTagger, optimizer: torch.optim.Optimizer) -> dict:
    model.load_tensors(load_file(str(path / "model.safetensors")))
    from safetensors import safe_open

    with safe_open(str(path / "optimizer.safetensors"), "pt") as handle:
        groups = json.loads(handle.metadata()["param_groups"])
    tensors = load_file(str(path / "optimizer.safetensors"))
    torch.set_rng_state(tensors.pop("rng.torch"))
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        _, idx, name = key.split(".", 2)
        state.setdefault(int(idx), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": groups})
    return json.loads((path / "state.json").read_text())


def latest_checkpoint(out: Path) -> Path | None:
    found = sorted(
        (p for p in (out / "checkpoints").glob("step-*") if (p / "state.json").is_file()),
        key=lambda p: int(p.name.split("-")[1]),
    )
    return found[-1] if found else None


def prune_checkpoints(out: Path, keep: int) -> None:
    found = sorted((out / "checkpoints").glob("step-*"), key=lambda p: int(p.name.split("-")[1]))
    for old in found[:-keep] if keep > 0 else []:
        shutil.rmtree(old)


# ------------------------------------------------------------ evaluation


def predict(model: QuoteTagger, tokenizer, docs: list[Document]) -> list[Document]:
    extractor = QuoteExtractor(model, tokenizer)
    preds = list(extractor.pipe([(d.id, d.text) for d in docs], batch_size=8))
    model.train()
    return preds


def score(model: QuoteTagger, tokenizer, docs: list[Document]) -> dict[str, Any]:
    return evaluate(docs, predict(model, tokenizer, docs), bootstrap=0)


def _brief(metrics: dict[str, Any]) -> str:
    keys = ("soft_f1", "exact_f1", "e2e_f1", "kind_acc", "cue_acc", "attribution_acc")
    return " ".join(f"{k}={metrics[k]:.3f}" for k in keys if metrics.get(k) is not None)


# ------------------------------------------------------------------ train


def train(cfg: TrainConfig, command: str | None = None) -> Path:
    """Run the training described by ``cfg``; returns the final model directory."""
    out = Path(cfg.output_dir)
    setup_logging(out)
    torch.set_num_threads(cfg.num_threads)
    seed_everything(cfg.seed)
    cfg.save(out / "train_config.json")
    command = command or " ".join(["qawl", *sys.argv[1:]])  # not the path of this machine
    log.info("qawl %s training: %s", qawl.__version__, command)

    model, tokenizer = build_model(cfg)
    data = load_data(cfg, out)
    windows = build_windows(data["train"], tokenizer, cfg.max_length, cfg.train_stride)
    held = heldout_gold(cfg, data)
    origins = {name: data["train"]["origin"].count(i) for i, name in enumerate(ORIGINS)}
    log.info("data: %s articles, %d windows, %d held-out", origins, len(windows), len(held))
    optimizer = make_optimizer(model, cfg)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.info(
        "parameters: %d trainable of %d", trainable, sum(p.numel() for p in model.parameters())
    )

    state: dict[str, Any] = {
        "step": 0, "elapsed": 0.0, "best": None, "best_step": None, "history": []
    }  # fmt: skip
    checkpoint = latest_checkpoint(out) if cfg.resume else None
    if checkpoint is not None:
        state = load_checkpoint(checkpoint, model, optimizer)
        log.info("resumed from %s (step %d)", checkpoint, state["step"])

    pad_id = tokenizer.pad_token_id or 0
    stream = batches(len(windows), cfg.batch_size, cfg.seed, skip=state["step"] * cfg.grad_accum)
    started = time.time() - state["elapsed"]  # wall time carries over a resume
    bar = tqdm(total=cfg.max_steps, initial=state["step"], desc="train", mininterval=30)
    running = None
    while True:
        done = progress(state["step"], time.time() - started, cfg)
        if done >= 1.0:
            break
        set_lr(optimizer, lr_factor(done, cfg))
        loss = train_step(model, optimizer, windows, stream, pad_id, cfg)
        state["step"] += 1
        state["elapsed"] = time.time() - started
        step = state["step"]
        running = loss if running is None else 0.9 * running + 0.1 * loss
        bar.update(1)
        if step % cfg.log_every == 0:
            log.info(
                "step %d loss %.3f (avg %.3f) lr %.2e %.2f s/step, %.1f min",
                step, loss, running, optimizer.param_groups[0]["lr"],
                state["elapsed"] / step, state["elapsed"] / 60,
            )  # fmt: skip
        last = progress(step, state["elapsed"], cfg) >= 1.0
        if held and (step % cfg.eval_every == 0 or last):
            try:
                evaluate_and_keep(model, tokenizer, held, state, cfg, out)
            except Exception:  # a failed evaluation must not lose the run
                log.exception("held-out evaluation failed at step %d", step)
                model.train()
        if step % cfg.save_every == 0 or last:
            state["elapsed"] = time.time() - started
            save_checkpoint(out / "checkpoints" / f"step-{step}", model, optimizer, state)
            prune_checkpoints(out, cfg.keep_checkpoints)
    bar.close()
    return finish(cfg, model, tokenizer, state, data, held, out, command)


def train_step(model, optimizer, windows, stream, pad_id, cfg) -> float:
    """One optimiser step over ``grad_accum`` mini-batches; returns the mean loss."""
    total = 0.0
    for _ in range(cfg.grad_accum):
        rows = windows[next(stream)]
        batch = collate(
            rows["input_ids"],
            pad_id,
            content_labels=rows["content_labels"],
            cs_labels=rows["cs_labels"],
        )
        loss = model(**batch).loss / cfg.grad_accum
        loss.backward()
        total += loss.item()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], cfg.clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return total


def evaluate_and_keep(model, tokenizer, held, state, cfg, out: Path) -> None:
    began = time.time()
    metrics = score(model, tokenizer, held)
    value = metrics.get(cfg.select_metric) or 0.0
    state["history"].append({"step": state["step"], **_numbers(metrics)})
    log.info("held-out step %d: %s (%.0f s)", state["step"], _brief(metrics), time.time() - began)
    if state["best"] is None or value > state["best"]:
        state["best"], state["best_step"] = value, state["step"]
        model.save_pretrained(out / "best", tokenizer, extra_config={"step": state["step"]})
        log.info("new best %s %.4f at step %d", cfg.select_metric, value, state["step"])


def _numbers(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metrics.items() if isinstance(v, int | float) or v is None}


def finish(cfg, model, tokenizer, state, data, held, out: Path, command: str) -> Path:
    """Export the best model (fp16 if asked) with its decoding bias tuned on the
    held-out fold, score the report files, write the card."""
    if (out / "best" / "config.json").is_file():
        model = QuoteTagger.from_pretrained(out / "best")
    if cfg.tune_bias and held:
        from qawl.training.tune import tune_content_bias

        bias, state["bias_table"] = tune_content_bias(
            QuoteExtractor(model, tokenizer), held, cfg.select_metric
        )
        model.content_o_bias = bias
        log.info("content_o_bias %.1f (tuned on the held-out fold)", bias)
    final = out / "model"
    model.save_pretrained(final, tokenizer, fp16=cfg.fp16_export)
    exported = QuoteTagger.from_pretrained(final)
    reports = {}
    for path in cfg.report_files:
        try:
            reports[path] = _numbers(score(exported, tokenizer, load_documents(path)))
            log.info("report %s: %s", path, _brief(reports[path]))
        except Exception:
            log.exception("could not score report file %s", path)
    metrics = {
        "content_o_bias": model.content_o_bias,
        "bias_table": state.get("bias_table"),
        "best_step": state["best_step"],
        "best": state["best"],
        "select_metric": cfg.select_metric,
        "history": state["history"],
        "reports": reports,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (final / "MODEL_CARD.md").write_text(model_card(cfg, state, data, reports, command, final))
    log.info("model written to %s", final)
    return final


def model_card(cfg, state, data, reports, command: str, final: Path) -> str:
    return render_card(cfg, state, data, reports, command, final)


def main(cfg: TrainConfig) -> int:
    train(cfg)
    return 0


if __name__ == "__main__":  # pragma: no cover
    logging.basicConfig(level=logging.INFO)
    sys.exit(main(TrainConfig.load(sys.argv[1] if len(sys.argv) > 1 else None, sys.argv[2:])))
