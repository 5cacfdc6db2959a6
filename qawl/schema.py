"""Records of the task: Span, Quote, Entity, Document.

They read and write the JSONL format of the annotation guidelines exactly (a
prediction file is a gold file): spans are ``[start, end)`` code-point offsets
into the record's ``text``. Fields that users need beyond the gold format
(``score``, ``speaker_score``, ``resolved_to``, entity ``mentions``, ``type``, ``gender``,
``qawl_version``, ``extractor``) are optional on read and written when set.
Input fields other than ``text`` (``title``, ``source``, ``date``, ``url`` ...)
are carried through unchanged in ``Document.meta``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

KINDS = ("direct", "indirect", "mixed")
ENTITY_TYPES = ("person", "organisation", "group", "document", "unnamed")
GENDERS = ("male", "female", "unknown")

# Keys a Document writes itself; every other key of an input record is meta.
_OWN_KEYS = ("id", "text", "entities", "quotes", "qawl_version", "extractor")


class RecordError(ValueError):
    """A record that does not follow the format; the message names the record and field."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True, order=True)
class Span:
    """A stretch ``text[start:end]`` of a document."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def to_json(self) -> list[int]:
        return [self.start, self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass
class Quote:
    """One reported statement: content, kind, cue, speaker mention and entity id.

    ``entity`` is None only for a quote that has not yet been attributed (the
    output of a tagger before the attribution step).
    """

    content: Span
    kind: str
    cue: Span | None = None
    speaker: Span | None = None
    entity: str | None = None
    score: float | None = None
    # For an implicit speaker: the earlier mention the quote was resolved to.
    resolved_to: Span | None = None
    # The speaker ranker's probability for the mention it chose (None: no ranker).
    speaker_score: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "content": self.content.to_json(),
            "kind": self.kind,
            "cue": self.cue.to_json() if self.cue else None,
            "speaker": self.speaker.to_json() if self.speaker else None,
            "entity": self.entity,
        }
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        if self.resolved_to is not None:
            out["resolved_to"] = self.resolved_to.to_json()
        if self.speaker_score is not None:
            out["speaker_score"] = round(float(self.speaker_score), 4)
        return out


@dataclass
class Entity:
    """A document-level source: every mention of one person or body."""

    id: str
    name: str
    latin: str | None = None
    type: str | None = None
    gender: str | None = None
    mentions: list[Span] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.latin:
            out["latin"] = self.latin
        if self.type:
            out["type"] = self.type
        if self.gender:
            out["gender"] = self.gender
        if self.mentions:
            out["mentions"] = [m.to_json() for m in self.mentions]
        return out


@dataclass
class Document:
    """One article with its quotes and speaker entities."""

    id: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    qawl_version: str | None = None
    extractor: str | None = None

    def entity(self, entity_id: str | None) -> Entity | None:
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        return None

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start, end)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        out.update(self.meta)
        out["text"] = self.text
        out["entities"] = [e.to_json() for e in self.entities]
        out["quotes"] = [q.to_json() for q in self.quotes]
        if self.qawl_version:
            out["qawl_version"] = self.qawl_version
        if self.extractor:
            out["extractor"] = self.extractor
        return out

    def who_said_what(self) -> list[tuple[str, str]]:
        """``(speaker name, quote text)`` pairs in reading order."""
        names = {e.id: e.name for e in self.entities}
        return [(names.get(q.entity or "", "?"), q.content.text) for q in self.quotes]

    @classmethod
    def from_json(cls, record: Any, where: str = "record") -> Document:
        """Read and validate one record; errors name ``where`` and the field at fault."""
        if not isinstance(record, dict):
            raise RecordError(where, f"expected a JSON object, got {type(record).__name__}")
        doc_id = record.get("id")
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
            raise RecordError(where, "field 'id' is missing or not a string")
        where = f"{where} (id {doc_id!r})"
        text = record.get("text")
        if not isinstance(text, str):
            raise RecordError(where, "field 'text' is missing or not a string")
        entities = [
            _entity(e, text, f"{where} entities[{i}]")
            for i, e in enumerate(_list(record, "entities", where))
        ]
        ids = [e.id for e in entities]
        if len(set(ids)) != len(ids):
            raise RecordError(where, "entities: duplicate entity id")
        quotes = [
            _quote(q, text, set(ids), f"{where} quotes[{i}]")
            for i, q in enumerate(_list(record, "quotes", where))
        ]
        meta = {k: v for k, v in record.items() if k not in _OWN_KEYS}
        return cls(
            id=str(doc_id),
            text=text,
            entities=entities,
            quotes=quotes,
            meta=meta,
            qawl_version=record.get("qawl_version"),
            extractor=record.get("extractor"),
        )


def _list(record: dict, key: str, where: str) -> list:
    value = record.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(where, f"field {key!r} must be a list")
    return value


def _span(value: Any, text: str, where: str, optional: bool) -> Span | None:
    if value is None:
        if optional:
            return None
        raise RecordError(where, "span is required")
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise RecordError(where, f"span must be [start, end] integers, got {value!r}")
    start, end = value
    if not 0 <= start < end <= len(text):
        raise RecordError(where, f"span {value!r} is outside the text (length {len(text)})")
    return Span.of(text, start, end)


def _entity(value: Any, text: str, where: str) -> Entity:
    if not isinstance(value, dict):
        raise RecordError(where, "entity must be an object")
    if not isinstance(value.get("id"), str) or not value["id"]:
        raise RecordError(where, "field 'id' is missing or not a string")
    if not isinstance(value.get("name"), str):
        raise RecordError(where, "field 'name' is missing or not a string")
    for key in ("latin", "type", "gender"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise RecordError(where, f"field {key!r} must be a string")
    if value.get("type") is not None and value["type"] not in ENTITY_TYPES:
        raise RecordError(where, f"field 'type' must be one of {ENTITY_TYPES}")
    if value.get("gender") is not None and value["gender"] not in GENDERS:
        raise RecordError(where, f"field 'gender' must be one of {GENDERS}")
    mentions = [
        _span(m, text, f"{where} mentions[{i}]", optional=False)
        for i, m in enumerate(_list(value, "mentions", where))
    ]
    return Entity(
        id=value["id"],
        name=value["name"],
        latin=value.get("latin"),
        type=value.get("type"),
        gender=value.get("gender"),
        mentions=mentions,  # type: ignore[arg-type]
    )


def _quote(value: Any, text: str, entity_ids: set[str], where: str) -> Quote:
    if not isinstance(value, dict):
        raise RecordError(where, "quote must be an object")
    kind = value.get("kind")
    if kind not in KINDS:
        raise RecordError(where, f"field 'kind' must be one of {KINDS}, got {kind!r}")
    entity = value.get("entity")
    if entity is not None and entity not in entity_ids:
        raise RecordError(where, f"field 'entity' names unknown entity {entity!r}")
    score, speaker_score = value.get("score"), value.get("speaker_score")
    for key, number in (("score", score), ("speaker_score", speaker_score)):
        if number is not None and not isinstance(number, int | float):
            raise RecordError(where, f"field '{key}' must be a number")
    return Quote(
        content=_span(value.get("content"), text, f"{where} content", optional=False),  # type: ignore[arg-type]
        kind=kind,
        cue=_span(value.get("cue"), text, f"{where} cue", optional=True),
        speaker=_span(value.get("speaker"), text, f"{where} speaker", optional=True),
        entity=entity,
        score=score,
        resolved_to=_span(value.get("resolved_to"), text, f"{where} resolved_to", optional=True),
        speaker_score=speaker_score,
    )


def read_documents(lines: Iterable[str], source: str = "<input>") -> Iterator[Document]:
    """Parse annotated JSONL lines (gold or predictions); errors name source and line."""
    import json

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise RecordError(where, f"invalid JSON ({err.msg} at column {err.colno})") from None
        yield Document.from_json(record, where)


def load_documents(path: str) -> list[Document]:
    """Read a gold or prediction JSONL file (UTF-8, an optional BOM is skipped)."""
    with open(path, encoding="utf-8-sig") as handle:
        return list(read_documents(handle, source=path))
