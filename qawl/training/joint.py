"""Fine-tune the shared encoder for tagging and attribution together.

The ranker (:mod:`qawl.training.ranker`) learns on the tagger's *frozen*
states, which were trained to find quotes, not to tell who said them. This
step goes on from a model directory that holds both, and trains its encoder,
tagger heads, mention head and pair scorers on the sum of their losses, so
that the states also serve attribution. The model keeps its shape, size and
speed.

It runs in two steps, so that the second can run on a machine that has an
accelerator but neither the corpora nor the ``datasets`` package:

    qawl train-joint prepare CONFIG.json --model MODEL --out DATA.safetensors [--cache FILE]
    qawl train-joint run DATA.safetensors --model MODEL --heldout HELD.jsonl --out OUT
        [--epochs N] [--device cuda]

1. ``prepare`` turns the config's annotated articles into flat tensors: the
   tagger's training articles (gold and augmented copies; subword ids and
   both heads' labels) and, for the ranker, each gold article's subword ids,
   name-occurrence tags and every gold quote's candidates (subword rows,
   features, which are right, which are allowed), with candidates found by
   MODEL's own ranker. The held-out fold's articles go in too, marked.
2. ``run`` trains for ``epochs`` passes over the ranker's articles, a tagger
   batch beside each ranker batch, and after each epoch scores the whole
   pipeline on HELD.jsonl (the held-out fold, written by ``prepare`` next to
   DATA); OUT receives the epoch with the best end-to-end F1.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn
from tqdm import tqdm

from qawl.model.labels import (
    CONTENT_LABELS,
    CS_LABELS,
    content_labels,
    cue_speaker_labels,
    repair_bio,
)
from qawl.model.ranker import SpeakerRanker, TokenIndex, load_ranker, mention_tags
from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.model.windows import body_length, collate, owners, spans, special_tokens, tokenize

log = logging.getLogger(__name__)

# ------------------------------------------------------------------ prepare


class _Packer:
    """Collects variable-length rows into one flat tensor plus their lengths."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.lengths: list[int] = []

    def add(self, row: list[Any]) -> None:
        self.values.extend(row)
        self.lengths.append(len(row))


def prepare(
    config_path: str,
    model_dir: str,
    out_file: str,
    cache: str | None = None,
    train_files: list[str] | None = None,
) -> dict:
    """Write DATA (safetensors) and HELD (JSONL of the held-out fold) for ``run``
    (``train_files``, when given, replace the config's)."""
    from qawl.schema import load_documents
    from qawl.training.config import TrainConfig
    from qawl.training.data import articles_from_config, load_gold, split_heldout, to_document
    from qawl.training.ranker import encode, mentions_of, name_occurrences, quote_choices

    cfg = TrainConfig.load(None if config_path == "-" else config_path)
    if train_files:
        cfg.train_files = list(train_files)
    tokenizer = load_tokenizer(model_dir)
    tensors: dict[str, torch.Tensor] = {}

    ids, content, cs = _Packer(), _Packer(), _Packer()
    for record in tqdm(articles_from_config(cfg)["train"], desc="tagger articles", unit="art"):
        doc = to_document(record)
        tok = tokenize(tokenizer, doc.text)
        ids.add(tok.ids)
        content.add(content_labels(doc.text, tok.offsets, doc.quotes))
        cs.add(cue_speaker_labels(doc.text, tok.offsets, doc.quotes))
    tensors |= _flat("tag_ids", ids, torch.int32) | _flat("tag_content", content, torch.uint8)
    tensors["tag_cs"] = torch.tensor(cs.values, dtype=torch.uint8)

    excluded = {d.id for path in cfg.exclude_files for d in load_documents(path)}
    gold = [d for d in load_gold(cfg.train_files, cfg.corpora_dir) if d.id not in excluded]
    train_docs, held_docs = split_heldout(gold, cfg.heldout_folds, cfg.heldout_fold)
    ranker = load_ranker(model_dir)
    if ranker is None:
        raise ValueError(f"{model_dir} has no ranker to find candidates with")
    encoded = encode(model_dir, train_docs + held_docs, Path(cache) if cache else None)
    art_ids, tags, span_rows = _Packer(), _Packer(), _Packer()
    quote_art, anchors, n_cands, cand_span, feats, right, ok = [], [], [], [], [], [], []
    for a, item in enumerate(tqdm(encoded, desc="ranker articles", unit="art")):
        art_ids.add(tokenize(tokenizer, item.doc.text).ids)
        tags.add(mention_tags(item.doc.text, item.offsets, name_occurrences(item.doc)))
        index = TokenIndex(item.offsets)
        for choice in quote_choices(item.doc, mentions_of(ranker, item)):
            quote_art.append(a)
            anchors.append(len(span_rows.lengths))
            span_rows.add(index.rows(choice.anchor.start, choice.anchor.end))
            n_cands.append(len(choice.cands))
            for span in choice.cands:
                cand_span.append(len(span_rows.lengths))
                span_rows.add(index.rows(span.start, span.end))
            feats.append(choice.features)
            right += choice.gold
            ok += choice.allowed
    tensors |= _flat("art_ids", art_ids, torch.int32) | _flat("span_rows", span_rows, torch.int32)
    tensors["art_tags"] = torch.tensor(tags.values, dtype=torch.uint8)
    tensors["art_held"] = torch.tensor([i >= len(train_docs) for i in range(len(encoded))])
    tensors["quote_article"] = torch.tensor(quote_art, dtype=torch.int32)
    tensors["quote_anchor"] = torch.tensor(anchors, dtype=torch.int32)
    tensors["quote_candidates"] = torch.tensor(n_cands, dtype=torch.int32)
    tensors["cand_span"] = torch.tensor(cand_span, dtype=torch.int32)
    tensors["cand_features"] = torch.cat(feats).half()
    tensors["cand_right"] = torch.tensor(right)
    tensors["cand_allowed"] = torch.tensor(ok)
    info = {
        "config": Path(config_path).name,
        "tagger_articles": len(ids.lengths),
        "ranker_articles": len(train_docs),
        "heldout_articles": len(held_docs),
        "quotes": len(quote_art),
    }
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, out_file, metadata={"qawl_joint": json.dumps(info)})
    heldout_path(out_file).write_text(
        "".join(json.dumps(d.to_json(), ensure_ascii=False) + "\n" for d in held_docs),
        encoding="utf-8",
    )
    return info


def heldout_path(data_file: str | Path) -> Path:
    path = Path(data_file)
    return path.with_name(path.stem + ".heldout.jsonl")


def _flat(name: str, packer: _Packer, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    return {
        name: torch.tensor(packer.values, dtype=dtype),
        name + "_len": torch.tensor(packer.lengths, dtype=torch.int32),
    }


# ---------------------------------------------------------------------- data


def _split(flat: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
    return list(torch.split(flat, lengths.tolist()))


@dataclass
class RankQuote:
    anchor: int  # index into the article's spans
    cands: list[int]
    features: torch.Tensor
    right: torch.Tensor
    allowed: torch.Tensor


@dataclass
class RankArticle:
    ids: list[int]
    tags: torch.Tensor
    held: bool
    spans: list[list[int]]  # subword rows of each span the quotes use
    quotes: list[RankQuote]


def load_data(path: str) -> tuple[list[tuple[list[int], list[int], list[int]]], list[RankArticle]]:
    """The tagger's articles (ids, content labels, cue/speaker labels) and the
    ranker's articles, from a ``prepare`` file."""
    with safe_open(path, framework="pt") as handle:
        t = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    tag_len = t["tag_ids_len"]
    tagged = list(
        zip(
            [x.tolist() for x in _split(t["tag_ids"], tag_len)],
            [x.tolist() for x in _split(t["tag_content"], t["tag_content_len"])],
            [x.tolist() for x in _split(t["tag_cs"], t["tag_content_len"])],
            strict=True,
        )
    )
    lengths = t["art_ids_len"]
    articles = [
        RankArticle(ids.tolist(), tags.long(), bool(held), [], [])
        for ids, tags, held in zip(
            _split(t["art_ids"], lengths),
            _split(t["art_tags"], lengths),
            t["art_held"],
            strict=True,
        )
    ]
    rows = [r.tolist() for r in _split(t["span_rows"], t["span_rows_len"])]
    cand_at = 0
    for q, a in enumerate(t["quote_article"].tolist()):
        art = articles[a]
        k = int(t["quote_candidates"][q])
        picked = t["cand_span"][cand_at : cand_at + k].tolist()
        local = len(art.spans)
        art.spans += [rows[int(t["quote_anchor"][q])]] + [rows[s] for s in picked]
        art.quotes.append(
            RankQuote(
                local,
                list(range(local + 1, local + 1 + k)),
                t["cand_features"][cand_at : cand_at + k].float(),
                t["cand_right"][cand_at : cand_at + k],
                t["cand_allowed"][cand_at : cand_at + k],
            )
        )
        cand_at += k
    return tagged, articles


# ---------------------------------------------------------------- the model


class JointModel(nn.Module):
    """The tagger and the ranker over one encoder."""

    def __init__(self, tagger: QuoteTagger, ranker: SpeakerRanker, specials):
        super().__init__()
        self.tagger, self.ranker = tagger, ranker
        self.specials = specials
        self.body = body_length(tagger.max_length, specials)

    def tag_loss(self, windows: list[tuple[list[int], list[int], list[int]]], pad_id: int):
        batch = collate(
            [w[0] for w in windows],
            pad_id,
            content_labels=[w[1] for w in windows],
            cs_labels=[w[2] for w in windows],
        )
        device = next(self.parameters()).device
        return self.tagger(**{k: v.to(device) for k, v in batch.items()}).loss

    def article_states(self, articles: list[RankArticle], pad_id: int) -> list[torch.Tensor]:
        """Each article's (n_tokens, hidden) states, every token from the window
        where it is most central (as the extractor merges them)."""
        prefix, suffix = self.specials
        seqs, where = [], []
        for art in articles:
            ranges = spans(len(art.ids), self.body, self.tagger.stride)
            own = owners(len(art.ids), ranges)
            base = len(seqs)
            seqs += [prefix + art.ids[s:e] + suffix for s, e in ranges]
            where.append([(base + w, len(prefix) + t - ranges[w][0]) for t, w in enumerate(own)])
        batch = collate(seqs, pad_id)
        device = next(self.parameters()).device
        hidden = self.tagger.encoder(
            input_ids=batch["input_ids"].to(device),
            attention_mask=batch["attention_mask"].to(device),
        ).last_hidden_state
        out = []
        for pairs in where:
            w = torch.tensor([p[0] for p in pairs], device=device)
            pos = torch.tensor([p[1] for p in pairs], device=device)
            out.append(hidden[w, pos].float())
        return out

    def rank_loss(self, art: RankArticle, states: torch.Tensor) -> tuple[torch.Tensor, int, int]:
        """Mention-head loss + the quotes' mean ranking loss; and (right, total)."""
        device = states.device
        weights = torch.tensor([1.0, 3.0, 3.0], device=device)  # as in train_mentions
        loss = nn.functional.cross_entropy(
            self.ranker.mention_logits(states), art.tags.to(device), weight=weights
        )
        if not art.quotes:
            return loss, 0, 0
        pooled = _pool(states, art.spans)
        hits, terms = 0, []
        for q in art.quotes:
            scores = self.ranker.score(
                pooled[q.cands], pooled[q.anchor], q.features.to(device)
            ).float()
            allowed, right = q.allowed.to(device), q.right.to(device)
            if allowed.any():
                scores = scores.masked_fill(~allowed, float("-inf"))
            hits += bool(right[int(scores.argmax())])
            good = scores.masked_fill(~right, float("-inf"))
            if torch.isinf(good).all():
                continue
            terms.append(torch.logsumexp(scores, 0) - torch.logsumexp(good, 0))
        if terms:
            loss = loss + torch.stack(terms).mean()
        return loss, hits, len(art.quotes)


def _pool(states: torch.Tensor, rows: list[list[int]]) -> torch.Tensor:
    """Mean state of each row list (zeros for an empty one), in one scatter."""
    flat = torch.tensor([r for rs in rows for r in rs], dtype=torch.long, device=states.device)
    owner = torch.tensor(
        [i for i, rs in enumerate(rows) for _ in rs], dtype=torch.long, device=states.device
    )
    sums = torch.zeros(len(rows), states.size(-1), device=states.device, dtype=states.dtype)
    sums = sums.index_add(0, owner, states[flat])
    counts = torch.tensor([max(1, len(rs)) for rs in rows], device=states.device)
    return sums / counts.unsqueeze(-1).to(states.dtype)


# ---------------------------------------------------------------------- run


def tagger_windows(
    tagged: list[tuple[list[int], list[int], list[int]]], body: int, stride: int, specials
) -> list[tuple[list[int], list[int], list[int]]]:
    """Training windows (ids with special tokens, labels padded with O)."""
    prefix, suffix = specials
    pad = [0] * len(prefix), [0] * len(suffix)
    out = []
    for ids, content, cs in tagged:
        for s, e in spans(len(ids), body, stride):
            out.append(
                (
                    prefix + ids[s:e] + suffix,
                    pad[0] + repair_bio(content[s:e], CONTENT_LABELS) + pad[1],
                    pad[0] + repair_bio(cs[s:e], CS_LABELS) + pad[1],
                )
            )
    return out


def run(
    data_file: str,
    model_dir: str,
    out_dir: str,
    heldout_file: str | None = None,
    epochs: int = 6,
    device: str | None = None,
    lr: float = 3e-5,
    head_lr: float = 3e-4,
    rank_weight: float = 1.0,
    articles_per_step: int = 8,
    tag_batch: int = 32,
    train_stride: int = 64,
    seed: int = 0,
    max_minutes: float | None = None,
    stop_after: int | None = None,
) -> dict:
    """Train; OUT gets the epoch with the best held-out end-to-end F1 (fp16).
    The loss of a step is the tagger's (CRF, per window) plus ``rank_weight``
    times the ranker's (per article). The learning rates follow one cycle over
    ``epochs``; ``stop_after`` ends the training after that many epochs (the
    schedule unchanged), ``max_minutes`` after the epoch that passes it."""
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    random.seed(seed)
    torch.manual_seed(seed)
    tagger = QuoteTagger.from_pretrained(model_dir)
    ranker = load_ranker(model_dir)
    if ranker is None:
        raise ValueError(f"{model_dir} has no ranker to go on from")
    tokenizer = load_tokenizer(model_dir)
    pad_id = tokenizer.pad_token_id or 0
    model = JointModel(tagger, ranker, special_tokens(tokenizer)).to(device)
    tagger.freeze(embeddings=True)
    tagged, articles = load_data(data_file)
    windows = tagger_windows(tagged, model.body, train_stride, model.specials)
    train_arts = [a for a in articles if not a.held]
    held_arts = [a for a in articles if a.held]
    log.info(
        "%d tagger windows, %d ranker articles (%d quotes), %d held out",
        len(windows), len(train_arts), sum(len(a.quotes) for a in train_arts), len(held_arts),
    )  # fmt: skip
    heads = [p for n, p in model.named_parameters() if not n.startswith("tagger.encoder.")]
    encoder = [p for p in tagger.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [{"params": encoder, "lr": lr}, {"params": heads, "lr": head_lr}], weight_decay=0.01
    )
    steps = epochs * ((len(train_arts) + articles_per_step - 1) // articles_per_step)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[lr, head_lr], total_steps=steps, pct_start=0.1, anneal_strategy="linear"
    )
    held_path = heldout_file or str(heldout_path(data_file))
    history = [{"epoch": 0, **_heldout(model, model_dir, held_path, held_arts, pad_id, device)}]
    log.info("before: %s", history[-1])
    best = history[-1]
    out = Path(out_dir)
    _save(model, model_dir, out, best)
    started = time.time()
    tag_order: list[int] = []
    for epoch in range(1, epochs + 1):
        model.train()
        random.shuffle(train_arts)
        hits = total = 0
        bar = tqdm(range(0, len(train_arts), articles_per_step), desc=f"epoch {epoch}")
        for b in bar:
            if len(tag_order) < tag_batch:
                tag_order += random.sample(range(len(windows)), len(windows))
            picked, tag_order = tag_order[:tag_batch], tag_order[tag_batch:]
            with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16):
                loss = model.tag_loss([windows[i] for i in picked], pad_id)
                group = train_arts[b : b + articles_per_step]
                states = model.article_states(group, pad_id)
            for art, st in zip(group, states, strict=True):
                rank, h, n = model.rank_loss(art, st)
                loss = loss + rank_weight * rank / len(group)
                hits, total = hits + h, total + n
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            bar.set_postfix(loss=f"{loss.item():.3f}")
        figures = _heldout(model, model_dir, held_path, held_arts, pad_id, device)
        history.append(
            {"epoch": epoch, "train_candidate_accuracy": round(hits / max(1, total), 4), **figures}
        )
        log.info("epoch %d (%.0f s): %s", epoch, time.time() - started, history[-1])
        if _better(history[-1], best):
            best = history[-1]
            _save(model, model_dir, out, best)
        if epoch == stop_after or (
            max_minutes is not None and time.time() - started > 60 * max_minutes
        ):
            log.info("stopping after epoch %d (%.1f minutes)", epoch, (time.time() - started) / 60)
            break
    summary = {
        "best": best,
        "history": history,
        "settings": {"epochs": epochs, "lr": lr, "head_lr": head_lr, "rank_weight": rank_weight},
    }
    (out / "joint_training.json").write_text(json.dumps(summary, indent=2) + "\n")
    write_card_section(out / "MODEL_CARD.md", summary)
    return summary


CARD_HEADING = "## Joint fine-tuning"
_COLUMNS = ("candidate_accuracy", "e2e_f1", "attribution_acc", "soft_f1", "exact_f1")


def write_card_section(card: Path, summary: dict) -> None:
    """The card's account of this step: settings, and the held-out figures of each epoch."""
    from qawl.training.ranker import put_card_section

    settings = summary["settings"]
    command = (
        f"qawl train-joint run DATA --model MODEL --out OUT --epochs {settings['epochs']} "
        f"--lr {settings['lr']} --head-lr {settings['head_lr']} "
        f"--rank-weight {settings['rank_weight']}"
    )
    rows = "\n".join(
        f"| {h['epoch']} | " + " | ".join(f"{h[c]:.4f}" for c in _COLUMNS) + " |"
        for h in summary["history"]
    )
    section = f"""{CARD_HEADING}

The encoder, the tagger's heads, the mention head and the pair scorers were
then trained together on the tagger's loss plus {settings["rank_weight"]} times the ranker's
(`{command}`, after `qawl train-joint prepare`), so that the states that
find quotes also serve attribution. Each epoch was scored on the held-out
fold (epoch 0: the model it started from); the one kept is epoch {summary["best"]["epoch"]}.

| epoch | {" | ".join(_COLUMNS)} |
|---|{"---|" * len(_COLUMNS)}
{rows}
"""
    put_card_section(card, CARD_HEADING, section)


def _better(new: dict, old: dict) -> bool:
    return (new["e2e_f1"], new["attribution_acc"]) > (old["e2e_f1"], old["attribution_acc"])


@torch.no_grad()
def _heldout(
    model: JointModel, model_dir: str, held_path: str, arts: list[RankArticle], pad_id: int, device
) -> dict:
    """Candidate accuracy on gold quotes, and the whole pipeline's figures."""
    from qawl.eval import evaluate
    from qawl.extractor import QuoteExtractor
    from qawl.schema import load_documents

    model.eval()
    hits = total = 0
    for art in arts:
        (states,) = model.article_states([art], pad_id)
        _, h, n = model.rank_loss(art, states)
        hits, total = hits + h, total + n
    gold = load_documents(held_path)
    with tempfile.TemporaryDirectory() as tmp:  # the fp16 files that would ship, as shipped
        _save(model, model_dir, Path(tmp), {})
        extractor = QuoteExtractor.from_pretrained(tmp, device=device)
        pred = list(extractor.pipe([(d.id, d.text) for d in gold]))
    metrics = evaluate(gold, pred, bootstrap=0)
    return {
        "candidate_accuracy": round(hits / max(1, total), 4),
        **{k: round(metrics[k], 4) for k in ("e2e_f1", "attribution_acc", "soft_f1", "exact_f1")},
    }


def _save(model: JointModel, model_dir: str, out: Path, figures: dict) -> None:
    """MODEL_DIR's files with these weights (the tagger in fp16, as shipped)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "MODEL_CARD.md"):
        if (Path(model_dir) / name).is_file():
            shutil.copy(Path(model_dir) / name, out / name)
    save_file(
        model.tagger.state_tensors(fp16=True),
        str(out / "model.safetensors"),
        metadata={"format": "pt"},
    )
    block = model.ranker.save(out)
    config_file = out / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    block["training"] = {**config["ranker"].get("training", {}), "joint": figures}
    config["ranker"] = block
    config_file.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
