"""QuoteExtractor: the fine-tuned tagger as a text -> Document function.

    extractor = QuoteExtractor.from_pretrained()          # qawl/default_model/
    doc = extractor(text, doc_id="a1")
    docs = list(extractor.pipe(texts, batch_size=8))

Long articles are cut into overlapping windows (``qawl.model.windows``); the
windows of several articles are run through the encoder together; each
article is then decoded as one sequence (``qawl.model.decode``) and its
quotes attributed (``qawl.attribution.attribute``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import torch

import qawl
from qawl.model.decode import decode, merge
from qawl.model.ranker import RANKER_WEIGHTS, load_ranker
from qawl.model.tagger import QuoteTagger, load_tokenizer
from qawl.model.windows import (
    TokenizedDoc,
    Window,
    body_length,
    collate,
    owners,
    spans,
    special_tokens,
    tokenize,
    window_ids,
)
from qawl.schema import Document, Entity, Quote

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "default_model"
# auto: the model's speaker ranker when it has one, else the rules' attribution.
ATTRIBUTIONS = ("auto", "ranker", "rules", "last-source")


def default_threads() -> int:
    """All cores, up to 8 (small matrices gain little beyond)."""
    return max(1, min(8, (os.cpu_count() or 1)))


class QuoteExtractor:
    """Quotes, cues, speakers and entities of Arabic news articles, with the tagger."""

    def __init__(
        self,
        model: QuoteTagger,
        tokenizer,
        device: str = "cpu",
        window_batch_size: int = 16,
        ranker=None,
        attribution: str = "auto",
    ):
        self.model = model.to(device).eval()
        self.tokenizer = tokenizer
        self.device = device
        self.window_batch_size = window_batch_size
        if attribution not in ATTRIBUTIONS:
            raise ValueError(f"attribution must be one of {ATTRIBUTIONS}, not {attribution!r}")
        self.ranker = ranker
        self.attribution = attribution
        self._specials = special_tokens(tokenizer)
        self._prefix = len(self._specials[0])

    @classmethod
    def from_pretrained(
        cls,
        path: str | os.PathLike | None = None,
        device: str = "cpu",
        num_threads: int | None = None,
        attribution: str = "auto",
    ) -> QuoteExtractor:
        """Load a model directory (None: the package's ``qawl/default_model/``)."""
        directory = Path(path) if path is not None else DEFAULT_MODEL_DIR
        if not (directory / "config.json").is_file():
            if path is None:
                raise FileNotFoundError(
                    f"no default model at {directory}: this qawl install ships without one. "
                    "Train one (`qawl train`) and pass its directory, or use the rules "
                    "extractor ('rules')."
                )
            raise FileNotFoundError(f"{directory} is not a qawl model directory (no config.json)")
        if device == "cpu":
            torch.set_num_threads(num_threads or default_threads())
        model = QuoteTagger.from_pretrained(directory)
        ranker = load_ranker(directory)
        if attribution == "ranker" and ranker is None:
            raise ValueError(f"{directory} has no speaker ranker ({RANKER_WEIGHTS})")
        return cls(
            model, load_tokenizer(directory), device=device, ranker=ranker, attribution=attribution
        )

    @property
    def name(self) -> str:
        return f"qawl-tagger {self.model.name} {qawl.__version__}"

    def __call__(self, text: str, doc_id: str = "doc") -> Document:
        return next(self.pipe([text], ids=[doc_id]))

    def pipe(
        self,
        texts: Iterable[str | tuple[str, str]],
        batch_size: int = 8,
        ids: Iterable[str] | None = None,
    ) -> Iterator[Document]:
        """Documents for texts (or ``(id, text)`` pairs, as RuleExtractor.pipe
        takes) in order, ``batch_size`` articles at a time (their windows go
        through the encoder together)."""
        id_iter = iter(ids) if ids is not None else None
        chunk: list[tuple[str, str]] = []
        for number, item in enumerate(texts):
            if isinstance(item, tuple):
                doc_id, text = item
            else:
                doc_id = next(id_iter) if id_iter is not None else str(number)
                text = item
            chunk.append((str(doc_id), text))
            if len(chunk) >= batch_size:
                yield from self._run(chunk)
                chunk = []
        if chunk:
            yield from self._run(chunk)

    def tag(self, texts: list[str]) -> list[list[Quote]]:
        """Unattributed quotes of each text (entity None)."""
        return [quotes for quotes, _, _ in self._tag(texts, states=False)]

    def _tag(
        self, texts: list[str], states: bool
    ) -> list[tuple[list[Quote], torch.Tensor | None, list[tuple[int, int]]]]:
        """Each text's quotes, with its encoder states (when asked) and subword offsets."""
        docs = [tokenize(self.tokenizer, t) for t in texts]
        content, cs, hidden = self._emissions(docs, states)
        return [
            (
                decode(
                    d.text,
                    d.offsets,
                    c,
                    s,
                    self.model.content_crf,
                    self.model.cs_crf,
                    self.model.content_o_bias,
                ),
                h,
                d.offsets,
            )
            for d, c, s, h in zip(docs, content, cs, hidden, strict=True)
        ]

    def attribute(
        self, text: str, quotes: list[Quote], states: torch.Tensor | None, offsets
    ) -> tuple[list[Quote], list[Entity]]:
        """Entities for tagged quotes, by the ranker when the model has one (and
        ``attribution`` allows), else by the rules' attribution."""
        from qawl.attribution import attribute, attribute_last_source
        from qawl.model.ranker import attribute_with_ranker

        if self.attribution == "last-source":
            return attribute_last_source(text, quotes)
        if (
            self.ranker is not None
            and self.attribution in ("auto", "ranker")
            and states is not None
        ):
            return attribute_with_ranker(text, quotes, states, offsets, self.ranker)
        return attribute(text, quotes)

    def _run(self, chunk: list[tuple[str, str]]) -> Iterator[Document]:
        from qawl.eval.calibration import apply_calibration

        want_states = self.ranker is not None and self.attribution in ("auto", "ranker")
        tagged = self._tag([t for _, t in chunk], states=want_states)
        for (doc_id, text), (quotes, states, offsets) in zip(chunk, tagged, strict=True):
            quotes, entities = self.attribute(text, quotes, states, offsets)
            apply_calibration(quotes, getattr(self.model, "calibration", None))
            yield Document(
                id=doc_id,
                text=text,
                entities=entities,
                quotes=quotes,
                qawl_version=qawl.__version__,
                extractor=self.name,
            )

    @torch.inference_mode()
    def _emissions(
        self, docs: list[TokenizedDoc], states: bool = False
    ) -> tuple[list[torch.Tensor], list[torch.Tensor], list[torch.Tensor | None]]:
        """Merged (n_tokens, tags) emissions of each document, for both heads, and
        its merged (n_tokens, hidden) encoder states when ``states`` (else None)."""
        max_length, stride = self.model.max_length, self.model.stride
        body = body_length(max_length, self._specials)
        doc_ranges = [spans(len(d), body, stride) for d in docs]
        windows = [Window(i, s, e) for i, r in enumerate(doc_ranges) for s, e in r]
        # Longest first so that padding is small within a batch.
        order = sorted(range(len(windows)), key=lambda w: -(windows[w].end - windows[w].start))
        content_out: list[torch.Tensor | None] = [None] * len(windows)
        cs_out: list[torch.Tensor | None] = [None] * len(windows)
        hidden_out: list[torch.Tensor | None] = [None] * len(windows)
        pad_id = self.tokenizer.pad_token_id or 0
        for b in range(0, len(order), self.window_batch_size):
            idx = order[b : b + self.window_batch_size]
            seqs = [
                window_ids(docs[windows[w].doc], windows[w].start, windows[w].end, self._specials)
                for w in idx
            ]
            batch = {k: v.to(self.device) for k, v in collate(seqs, pad_id).items()}
            out = self.model(**batch)
            for j, w in enumerate(idx):
                n = len(seqs[j])
                content_out[w] = out.content_emissions[j, :n].float().cpu()
                cs_out[w] = out.cs_emissions[j, :n].float().cpu()
                if states:
                    hidden_out[w] = out.hidden[j, :n].float().cpu()
        contents, css, hiddens = [], [], []
        k = 0
        for d, ranges in zip(docs, doc_ranges, strict=True):
            own = owners(len(d), ranges)
            content_w = content_out[k : k + len(ranges)]
            cs_w = cs_out[k : k + len(ranges)]
            k += len(ranges)
            contents.append(merge(len(d), ranges, own, content_w, self._prefix))  # type: ignore[arg-type]
            css.append(merge(len(d), ranges, own, cs_w, self._prefix))  # type: ignore[arg-type]
            hidden_w = hidden_out[k - len(ranges) : k]
            hiddens.append(merge(len(d), ranges, own, hidden_w, self._prefix) if states else None)  # type: ignore[arg-type]
        return contents, css, hiddens


def load_extractor(spec: str | None = None, device: str = "cpu", attribution: str = "auto"):
    """``"rules"`` -> the RuleExtractor; a directory or None -> a QuoteExtractor
    (``attribution`` chooses how its quotes get their speakers)."""
    if spec == "rules":
        from qawl.rules import RuleExtractor

        return RuleExtractor()
    return QuoteExtractor.from_pretrained(spec, device=device, attribution=attribution)
