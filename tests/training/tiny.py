"""Test helpers: synthetic annotated Arabic articles, a tiny tokenizer trained
on them and a tiny random BERT, saved as a base model directory. No downloads."""

from __future__ import annotations

import random
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from qawl.schema import Document, Entity, Quote, Span

SPEAKERS = [
    "وزير الخارجية الأميركي جون كيري",
    "لافروف",
    "وزارة الدفاع الروسية",
    "الرئيس فلاديمير بوتين",
    "المتحدث باسم الحكومة",
]
WORDS = (
    "السلام الحرب المفاوضات سوريا موسكو واشنطن الاتفاق الحل السياسي يجب أن يستمر "
    "الوضع صعب جدا الحكومة الشعب المنطقة الأمن الاستقرار الجديد القديم اليوم غدا"
).split()
FILLER = [
    "وعقد الاجتماع في العاصمة بحضور عدد من المسؤولين.",
    "وتأتي هذه التصريحات بعد أسابيع من التوتر.",
    "وشهدت المدينة احتجاجات واسعة خلال الأيام الماضية.",
]


class _Builder:
    def __init__(self) -> None:
        self.text = ""
        self.quotes: list[tuple[tuple[int, int], str, tuple[int, int], tuple[int, int] | None]] = []

    def add(self, piece: str) -> tuple[int, int]:
        start = len(self.text)
        self.text += piece
        return start, len(self.text)


def make_document(rng: random.Random, n_sentences: int, doc_id: str) -> Document:
    """An article of filler and quote sentences with exact gold spans."""
    b = _Builder()
    entities: dict[str, str] = {}
    raw = []
    for i in range(n_sentences):
        if i:
            b.add("\n" if rng.random() < 0.3 else " ")
        choice = rng.random()
        if choice < 0.25:
            b.add(rng.choice(FILLER))
            continue
        speaker = rng.choice(SPEAKERS)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        if choice < 0.55:
            cue = b.add("وقال")
            b.add(" ")
            spk = b.add(speaker)
            b.add(": «")
            content = b.add(words)
            b.add("».")
            kind = "direct"
        elif choice < 0.85:
            cue = b.add("وأكد")
            b.add(" ")
            spk = b.add(speaker)
            b.add(" أن ")
            content = b.add(words)
            b.add(".")
            kind = "indirect"
        else:
            cue = b.add("وأعلن")
            b.add(" ")
            spk = b.add(speaker)
            b.add(" أن ")
            start = len(b.text)
            b.add("«" + words + "» ")
            end = b.add(rng.choice(WORDS))[1]
            content = (start, end)
            b.add(".")
            kind = "mixed"
        raw.append((content, kind, cue, spk, speaker))
    quotes = []
    for content, kind, cue, spk, speaker in raw:
        eid = entities.setdefault(speaker, f"E{len(entities) + 1}")
        quotes.append(
            Quote(
                content=Span.of(b.text, *content),
                kind=kind,
                cue=Span.of(b.text, *cue),
                speaker=Span.of(b.text, *spk),
                entity=eid,
            )
        )
    ents = [Entity(id=e, name=name) for name, e in entities.items()]
    return Document(id=doc_id, text=b.text, entities=ents, quotes=quotes)


def make_documents(n: int, seed: int = 0, sentences: tuple[int, int] = (3, 8)) -> list[Document]:
    rng = random.Random(seed)
    return [make_document(rng, rng.randint(*sentences), f"t{i}") for i in range(n)]


def make_tokenizer(texts: list[str]) -> PreTrainedTokenizerFast:
    """A small BPE tokenizer with XLM-R-like metaspace pieces and offsets."""
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Metaspace(), pre_tokenizers.Punctuation()]
    )
    tok.decoder = decoders.Metaspace()
    alphabet = sorted(set("".join(texts)) | set('«»“”".،:؛!؟?▁ '))
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=alphabet,
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        model_max_length=512,
    )


def make_base(directory: Path, texts: list[str]) -> Path:
    """Save a tiny random BERT and the tiny tokenizer as a base model directory."""
    tokenizer = make_tokenizer(texts)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(str(directory))
    tokenizer.save_pretrained(str(directory))
    return directory


def make_tagger_and_gold(root: Path, docs: list[Document]) -> tuple[Path, Path]:
    """A tiny random tagger (``root/tagger``) over a base made for ``docs``, and
    the documents as a gold JSONL file (``root/gold.jsonl``)."""
    import json

    import torch

    from qawl.model.tagger import QuoteTagger, load_tokenizer

    base = make_base(root / "base", [d.text for d in docs])
    torch.manual_seed(0)
    tagger = QuoteTagger.from_base(base, max_length=32, stride=8)
    tagger.save_pretrained(root / "tagger", tokenizer=load_tokenizer(base))
    gold = root / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps(d.to_json(), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8"
    )
    return root / "tagger", gold
