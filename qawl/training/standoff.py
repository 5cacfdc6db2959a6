"""Stand-off annotations: article id + offsets in the project, text in the corpora.

The project never holds corpus text. Its own annotations (``annotations/*.jsonl``)
keep ``id``, ``corpus`` (the corpus file name), ``text_sha1`` and the guidelines'
``entities`` and ``quotes``; :func:`join_standoff` joins them to the article
text read from ``../shared/corpora`` when a dataset is built, and checks that
the text is the one that was annotated.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from qawl.schema import Document, RecordError


def read_standoff(paths: Iterable[str | Path]) -> list[dict]:
    """Stand-off records from JSONL files, each checked for its keys."""
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                record = json.loads(line)
                for key in ("id", "corpus", "entities", "quotes"):
                    if key not in record:
                        raise RecordError(f"{path}:{number}", f"field {key!r} is missing")
                record["_where"] = f"{path}:{number}"
                records.append(record)
    return records


def corpus_texts(corpora_dir: str | Path, wanted: dict[str, set[str]]) -> dict[str, str]:
    """Texts of the wanted ids, ``{corpus file: {ids}}``, streamed from the gzip files."""
    texts: dict[str, str] = {}
    for name, ids in wanted.items():
        path = Path(corpora_dir) / name
        if not path.is_file():
            raise FileNotFoundError(
                f"corpus file {path} is missing (stand-off annotations need it)"
            )
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record["id"] in ids:
                    texts[record["id"]] = record["text"]
    return texts


def join_standoff(paths: Iterable[str | Path], corpora_dir: str | Path) -> list[Document]:
    """Annotated Documents: each stand-off record joined to its corpus text."""
    records = read_standoff(paths)
    wanted: dict[str, set[str]] = {}
    for record in records:
        wanted.setdefault(record["corpus"], set()).add(record["id"])
    texts = corpus_texts(corpora_dir, wanted)
    documents = []
    for record in records:
        where = record.pop("_where")
        text = texts.get(record["id"])
        if text is None:
            raise RecordError(where, f"article {record['id']!r} is not in {record['corpus']}")
        digest = record.pop("text_sha1", None)
        if digest and hashlib.sha1(text.encode("utf-8")).hexdigest() != digest:
            raise RecordError(
                where, f"article {record['id']!r}: corpus text differs from the annotated one"
            )
        record.pop("corpus")
        documents.append(Document.from_json({**record, "text": text}, where))
    return documents


def to_standoff(doc: Document, corpus: str) -> dict:
    """The stand-off record of an annotated Document (no text)."""
    record = doc.to_json()
    record.pop("text")
    record["corpus"] = corpus
    record["text_sha1"] = hashlib.sha1(doc.text.encode("utf-8")).hexdigest()
    return record
