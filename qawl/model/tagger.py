"""QuoteTagger: a pretrained encoder with two CRF-topped token heads.

- content head: quote content BIO with its kind (``qawl.model.labels.CONTENT_LABELS``);
- cue/speaker head: ``CUE`` and ``SPK`` spans (``CS_LABELS``).

A saved tagger is a directory::

    config.json        qawl version, base model, label maps, window sizes, encoder config
    model.safetensors  all weights (fp16 or fp32; always loaded back as fp32)
    tokenizer files    whatever ``tokenizer.save_pretrained`` writes

Nothing is ever read with pickle.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import (
    AutoConfig,
    AutoModel,
    AutoTokenizer,
    PreTrainedTokenizerBase,
    PreTrainedTokenizerFast,
)

import qawl
from qawl.model.crf import CRF
from qawl.model.labels import CONTENT_LABELS, CS_LABELS

log = logging.getLogger(__name__)

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
MODEL_TYPE = "qawl-tagger"


@dataclass
class TaggerOutput:
    content_emissions: torch.Tensor
    cs_emissions: torch.Tensor
    loss: torch.Tensor | None = None
    content_loss: torch.Tensor | None = None
    cs_loss: torch.Tensor | None = None
    hidden: torch.Tensor | None = None  # encoder states, for the speaker ranker


class QuoteTagger(nn.Module):
    """Encoder + content head + cue/speaker head, each with a linear-chain CRF."""

    def __init__(
        self,
        encoder: nn.Module,
        base_model: str = "unknown",
        max_length: int = 256,
        stride: int = 128,
        dropout: float = 0.1,
        name: str = "qawl-tagger",
        content_o_bias: float = 0.0,
    ):
        super().__init__()
        self.encoder = encoder
        self.base_model = base_model
        self.max_length = max_length
        self.stride = stride
        self.name = name
        # Decoding setting, not a weight: see qawl.model.decode.decode.
        self.content_o_bias = content_o_bias
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.content_head = nn.Linear(hidden, len(CONTENT_LABELS))
        self.cs_head = nn.Linear(hidden, len(CS_LABELS))
        self.content_crf = CRF(CONTENT_LABELS)
        self.cs_crf = CRF(CS_LABELS)

    # ------------------------------------------------------------------ build

    @classmethod
    def from_base(
        cls,
        base: str | os.PathLike,
        max_length: int = 256,
        stride: int = 128,
        **kwargs: Any,
    ) -> QuoteTagger:
        """A fresh tagger over a pretrained encoder (a local directory, or any
        path ``AutoModel.from_pretrained`` accepts; nothing is downloaded unless
        the caller's environment allows it)."""
        encoder = _load_encoder(str(base))
        return cls(encoder, base_model=str(base), max_length=max_length, stride=stride, **kwargs)

    def freeze(self, embeddings: bool = True, layers: int = 0) -> None:
        """Stop gradients into the word embeddings and the first ``layers`` layers."""
        if embeddings and hasattr(self.encoder, "embeddings"):
            for p in self.encoder.embeddings.parameters():
                p.requires_grad = False
        blocks = _encoder_layers(self.encoder)
        if layers and blocks is None:
            log.warning("cannot freeze layers: encoder has no .encoder.layer list")
            return
        for block in (blocks or [])[:layers]:
            for p in block.parameters():
                p.requires_grad = False

    # ---------------------------------------------------------------- forward

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        content_labels: torch.Tensor | None = None,
        cs_labels: torch.Tensor | None = None,
    ) -> TaggerOutput:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        states = hidden
        hidden = self.dropout(hidden)
        out = TaggerOutput(self.content_head(hidden), self.cs_head(hidden), hidden=states)
        if content_labels is not None and cs_labels is not None:
            mask = attention_mask.bool()
            out.content_loss = self.content_crf.nll(out.content_emissions, content_labels, mask)
            out.cs_loss = self.cs_crf.nll(out.cs_emissions, cs_labels, mask)
            out.loss = out.content_loss + out.cs_loss
        return out

    # ------------------------------------------------------------- save/load

    def config_dict(self) -> dict[str, Any]:
        return {
            "model_type": MODEL_TYPE,
            "name": self.name,
            "qawl_version": qawl.__version__,
            "base_model": self.base_model,
            "max_length": self.max_length,
            "stride": self.stride,
            "content_o_bias": self.content_o_bias,
            "calibration": getattr(self, "calibration", None),
            "content_id2label": dict(enumerate(CONTENT_LABELS)),
            "cs_id2label": dict(enumerate(CS_LABELS)),
            # `_name_or_path` is where the base was read from: a path of the training machine.
            "encoder": {
                k: v for k, v in self.encoder.config.to_dict().items() if k != "_name_or_path"
            },
        }

    def save_pretrained(
        self,
        directory: str | os.PathLike,
        tokenizer: PreTrainedTokenizerBase | None = None,
        fp16: bool = False,
        extra_config: dict[str, Any] | None = None,
    ) -> None:
        """Write config.json, model.safetensors (fp16 when asked) and the tokenizer."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        config = self.config_dict()
        config["dtype"] = "float16" if fp16 else "float32"
        config.update(extra_config or {})
        (path / CONFIG_NAME).write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n")
        save_file(self.state_tensors(fp16), str(path / WEIGHTS_NAME), metadata={"format": "pt"})
        if tokenizer is not None:
            tokenizer.save_pretrained(str(path))

    def state_tensors(self, fp16: bool = False) -> dict[str, torch.Tensor]:
        """Contiguous CPU copies of the weights, for safetensors."""
        out = {}
        for key, value in self.state_dict().items():
            value = value.detach().cpu()
            if fp16 and value.is_floating_point():
                value = value.half()
            out[key] = value.contiguous().clone()
        return out

    def load_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        own = self.state_dict()
        cast = {k: v.to(own[k].dtype) if k in own else v for k, v in tensors.items()}
        missing, unexpected = self.load_state_dict(cast, strict=False)
        # Buffers such as position ids may legitimately be absent.
        missing = [k for k in missing if not k.endswith("position_ids")]
        if missing or unexpected:
            raise ValueError(f"weights do not fit: missing {missing}, unexpected {unexpected}")

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike) -> QuoteTagger:
        """Load a saved tagger (weights always as fp32)."""
        path = Path(directory)
        config = read_config(path)
        enc_config = dict(config["encoder"])
        model_type = enc_config.pop("model_type")
        encoder_config = AutoConfig.for_model(model_type, **enc_config)
        encoder = _encoder_from_config(encoder_config)
        model = cls(
            encoder,
            base_model=config.get("base_model", "unknown"),
            max_length=int(config["max_length"]),
            stride=int(config["stride"]),
            name=config.get("name", "qawl-tagger"),
            content_o_bias=float(config.get("content_o_bias", 0.0)),
        )
        model.load_tensors(load_file(str(path / WEIGHTS_NAME)))
        # Weights of qawl.eval.calibration's score calibrator, fitted on held-out articles.
        model.calibration = config.get("calibration")
        model.eval()
        return model


def read_config(directory: str | os.PathLike) -> dict[str, Any]:
    """The tagger's config.json, checked for type and label maps."""
    path = Path(directory) / CONFIG_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no {CONFIG_NAME} in {directory}: not a qawl model directory")
    config = json.loads(path.read_text(encoding="utf-8"))
    if config.get("model_type") != MODEL_TYPE:
        raise ValueError(
            f"{path} is not a qawl tagger config (model_type {config.get('model_type')!r})"
        )
    for key, labels in (("content_id2label", CONTENT_LABELS), ("cs_id2label", CS_LABELS)):
        saved = [config[key][str(i)] for i in range(len(config[key]))]
        if saved != labels:
            raise ValueError(f"{path}: {key} {saved} differs from this qawl's {labels}")
    return config


def load_tokenizer(directory: str | os.PathLike) -> PreTrainedTokenizerBase:
    """The fast tokenizer saved with a model or base (offsets need a fast one).
    A ``tokenizer.json`` is read directly, so the qawl config.json next to it
    is not mistaken for a transformers model config."""
    if (Path(directory) / "tokenizer.json").is_file():
        return PreTrainedTokenizerFast.from_pretrained(str(directory))
    tokenizer = AutoTokenizer.from_pretrained(str(directory), use_fast=True)
    if not tokenizer.is_fast:
        raise ValueError(f"{directory}: a fast tokenizer is needed for character offsets")
    return tokenizer


def _load_encoder(base: str) -> nn.Module:
    try:
        return AutoModel.from_pretrained(base, add_pooling_layer=False)
    except TypeError:
        return AutoModel.from_pretrained(base)


def _encoder_from_config(config: Any) -> nn.Module:
    try:
        return AutoModel.from_config(config, add_pooling_layer=False)
    except TypeError:
        return AutoModel.from_config(config)


def _encoder_layers(encoder: nn.Module) -> list[nn.Module] | None:
    inner = getattr(encoder, "encoder", None)
    layers = getattr(inner, "layer", None)
    return list(layers) if layers is not None else None
