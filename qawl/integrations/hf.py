"""A transformers pipeline task: ``pipeline("quote-attribution", model=...)``.

    import qawl.integrations.hf  # registers the task
    from transformers import pipeline
    extract = pipeline("quote-attribution", model="qawl/default_model")
    record = extract("وقال الوزير ...")   # the same JSON record as `qawl extract`

The model directory is any qawl tagger directory (its config's model type is
``qawl-tagger``); the pipeline runs qawl's whole extractor (windows, decoding,
attribution) and returns plain JSON with character offsets.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import AutoConfig, Pipeline, PretrainedConfig, PreTrainedModel
from transformers.pipelines import PIPELINE_REGISTRY

from qawl.extractor import QuoteExtractor
from qawl.model.tagger import MODEL_TYPE

TASK = "quote-attribution"


class QawlConfig(PretrainedConfig):
    """Lets ``AutoConfig`` read a qawl model directory."""

    model_type = MODEL_TYPE


class QawlForQuoteAttribution(PreTrainedModel):
    """A thin transformers face on a loaded QuoteExtractor."""

    config_class = QawlConfig

    def __init__(self, config: QawlConfig, extractor: QuoteExtractor | None = None):
        super().__init__(config)
        # transformers moves a model between devices by its parameters; the
        # extractor's own tagger is not registered here, so keep one placeholder.
        self._placeholder = torch.nn.Parameter(torch.zeros(1), requires_grad=False)
        self.extractor = extractor
        self.post_init()

    @classmethod
    def from_pretrained(cls, path: str, *args: Any, **kwargs: Any) -> QawlForQuoteAttribution:
        return cls(QawlConfig.from_pretrained(path), QuoteExtractor.from_pretrained(path))


class QuoteAttributionPipeline(Pipeline):
    """preprocess (text) -> forward (qawl's extractor) -> postprocess (JSON record)."""

    def _sanitize_parameters(self, **kwargs: Any):
        return {}, {}, {}

    def preprocess(self, text: str) -> dict[str, str]:
        if not isinstance(text, str):
            raise ValueError(f"{TASK} takes Arabic text, got {type(text).__name__}")
        return {"text": text}

    def _forward(self, inputs: dict[str, str]) -> dict[str, Any]:
        return {"document": self.model.extractor(inputs["text"], "text")}

    def postprocess(self, outputs: dict[str, Any]) -> dict[str, Any]:
        return outputs["document"].to_json()


def register() -> None:
    """Make ``pipeline("quote-attribution", model=DIR)`` available (idempotent)."""
    try:
        AutoConfig.register(MODEL_TYPE, QawlConfig)
    except ValueError:
        pass  # already registered
    PIPELINE_REGISTRY.register_pipeline(
        TASK, pipeline_class=QuoteAttributionPipeline, pt_model=QawlForQuoteAttribution
    )


register()
