"""The tagger, its CRF, windows and decoding, on a tiny random BERT (no downloads)."""

from __future__ import annotations

import itertools

import pytest
import torch

from qawl.extractor import QuoteExtractor
from qawl.model.crf import CRF
from qawl.model.decode import decode, read_kind, snap_words
from qawl.model.labels import CONTENT_LABELS, CS_LABELS, content_labels, cue_speaker_labels
from qawl.model.tagger import QuoteTagger, load_tokenizer, read_config
from qawl.model.windows import owners, spans, tokenize
from qawl.schema import Document
from qawl.text import pair_marks
from tests.training.tiny import make_base, make_documents


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return make_documents(12, seed=3)


@pytest.fixture(scope="module")
def base(tmp_path_factory, docs):
    return make_base(tmp_path_factory.mktemp("base"), [d.text for d in docs])


@pytest.fixture(scope="module")
def extractor(base) -> QuoteExtractor:
    torch.manual_seed(0)
    model = QuoteTagger.from_base(base, max_length=24, stride=6)
    return QuoteExtractor(model, load_tokenizer(base), window_batch_size=5)


def _check_spans(doc: Document) -> None:
    for q in doc.quotes:
        for span in (q.content, q.cue, q.speaker, q.resolved_to):
            if span is not None:
                assert doc.text[span.start : span.end] == span.text
                assert span.text == span.text.strip()


# ---------------------------------------------------------------- CRF


def test_viterbi_respects_constraints():
    torch.manual_seed(0)
    crf = CRF(CONTENT_LABELS)
    with torch.no_grad():
        crf.transitions.normal_(0, 3)
        crf.start.normal_(0, 3)
    emissions = torch.randn(6, 20, len(CONTENT_LABELS)) * 5
    mask = torch.ones(6, 20, dtype=torch.bool)
    mask[3:, 15:] = False
    for b, path in enumerate(crf.viterbi(emissions, mask)):
        assert len(path) == int(mask[b].sum())
        prev = "O"
        for tag in path:
            name = CONTENT_LABELS[tag]
            if name.startswith("I-"):
                assert prev[2:] == name[2:], (prev, name)
            prev = name


def test_viterbi_is_the_best_path_and_nll_normalises():
    torch.manual_seed(1)
    crf = CRF(CS_LABELS)
    with torch.no_grad():
        crf.transitions.normal_()
        crf.end.normal_()
    emissions = torch.randn(1, 4, len(CS_LABELS))
    mask = torch.ones(1, 4, dtype=torch.bool)
    scores = {}
    for path in itertools.product(range(len(CS_LABELS)), repeat=4):  # 625 paths
        nll = crf.nll(emissions, torch.tensor([path]), mask)
        scores[path] = -nll.item()
    total = torch.logsumexp(torch.tensor(list(scores.values())), 0)
    assert abs(float(total)) < 1e-4  # probabilities sum to one
    best = max(scores, key=scores.get)
    assert tuple(crf.viterbi(emissions, mask)[0]) == best
    marg = crf.marginals(emissions, mask)[0]
    assert torch.allclose(marg.sum(-1), torch.ones(4), atol=1e-5)


# ------------------------------------------------------------- windows


@pytest.mark.parametrize("n", [0, 1, 22, 23, 60, 101])
def test_windows_cover_every_token(n):
    ranges = spans(n, 22, 6)
    covered = set()
    for s, e in ranges:
        assert 0 <= s < e <= max(n, 1) or n == 0
        assert e - s <= 22
        covered.update(range(s, e))
    assert covered == set(range(n))
    own = owners(n, ranges)
    assert all(ranges[w][0] <= t < ranges[w][1] for t, w in enumerate(own))


def test_long_document_spans_match_text(extractor, docs):
    long_text = "\n".join(d.text for d in docs)
    n_tokens = len(tokenize(extractor.tokenizer, long_text))
    assert n_tokens > 4 * extractor.model.max_length
    doc = extractor(long_text, doc_id="long")
    assert doc.id == "long" and doc.text == long_text
    assert doc.extractor.startswith("qawl-tagger")
    _check_spans(doc)
    content, cs, _ = extractor._emissions([tokenize(extractor.tokenizer, long_text)])
    assert content[0].shape == (n_tokens, len(CONTENT_LABELS))
    assert cs[0].shape == (n_tokens, len(CS_LABELS))


def test_oracle_emissions_decode_to_gold(docs, extractor):
    """Gold labels as emissions come back as the gold quotes, exactly."""
    model = extractor.model
    for doc in docs:
        tok = tokenize(extractor.tokenizer, doc.text)
        c = torch.tensor(content_labels(doc.text, tok.offsets, doc.quotes))
        s = torch.tensor(cue_speaker_labels(doc.text, tok.offsets, doc.quotes))
        ce = torch.nn.functional.one_hot(c, len(CONTENT_LABELS)).float() * 50
        se = torch.nn.functional.one_hot(s, len(CS_LABELS)).float() * 50
        quotes = decode(doc.text, tok.offsets, ce, se, model.content_crf, model.cs_crf)
        got = [(q.content, q.kind, q.cue, q.speaker) for q in quotes]
        want = [(q.content, q.kind, q.cue, q.speaker) for q in doc.quotes]
        assert got == want


def test_kind_from_marks():
    text = "وقال الوزير: «السلام قريب». وأعلن أن «الحل» السياسي ممكن. وأكد أن الوضع صعب."
    pairs = pair_marks(text)
    s = text.index("السلام")
    assert read_kind(text, s - 1, text.index("».") + 1, "indirect", pairs) == (
        "direct", s, text.index("»."),
    )  # fmt: skip
    s, e = text.index("«الحل»"), text.index(" ممكن") + len(" ممكن")
    kind, _, _ = read_kind(text, s, e, "mixed", pairs)
    assert kind == "mixed"
    s = text.index("الوضع")
    assert read_kind(text, s, len(text), "indirect", pairs) == ("indirect", s, len(text) - 1)


# ---------------------------------------------------------- save / load


def test_save_load_round_trip(tmp_path, extractor, docs):
    texts = [d.text for d in docs[:4]]
    model, tokenizer = extractor.model, extractor.tokenizer
    with torch.no_grad():  # make the heads say something
        model.content_head.bias.copy_(torch.linspace(-1, 1, len(CONTENT_LABELS)))
    before = [d.to_json() for d in extractor.pipe(texts)]
    model.save_pretrained(tmp_path / "m", tokenizer)
    config = read_config(tmp_path / "m")
    assert config["content_id2label"]["1"] == "B-direct" and config["max_length"] == 24
    again = QuoteExtractor.from_pretrained(tmp_path / "m", num_threads=1)
    after = [d.to_json() for d in again.pipe(texts, batch_size=3)]
    assert after == before
    for name in (tmp_path / "m").iterdir():
        assert name.suffix not in (".bin", ".pt", ".pkl")


def test_fp16_export_loads_as_fp32(tmp_path, extractor):
    extractor.model.save_pretrained(tmp_path / "h", extractor.tokenizer, fp16=True)
    fp32_size = sum(p.numel() * 4 for p in extractor.model.state_dict().values())
    assert (tmp_path / "h" / "model.safetensors").stat().st_size < 0.6 * fp32_size + 10_000
    loaded = QuoteTagger.from_pretrained(tmp_path / "h")
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    saved = loaded.state_dict()
    for key, value in extractor.model.state_dict().items():
        assert torch.allclose(value.float(), saved[key], atol=1e-2), key


def test_missing_default_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a qawl model"):
        QuoteExtractor.from_pretrained(tmp_path)


def test_freeze(extractor):
    model = QuoteTagger.from_base(extractor.model.base_model)
    model.freeze(embeddings=True, layers=1)
    assert not any(p.requires_grad for p in model.encoder.embeddings.parameters())
    assert not any(p.requires_grad for p in model.encoder.encoder.layer[0].parameters())
    assert all(p.requires_grad for p in model.encoder.encoder.layer[1].parameters())


def test_spans_grow_to_whole_words_across_diacritics():
    text = "وقال مدير المستشفى لطفي حشّاد إن الوضع مستقر."
    start = text.index("اد إن")  # a piece boundary after the shadda
    s, e = snap_words(text, start, start + 2)
    assert text[s:e] == "حشّاد"
