"""Reading articles to extract from, and writing results.

Inputs are `.txt` files (one article, id = file name without extension),
`.jsonl` files of ``{"id", "text", ...}`` lines, or stdin (JSONL when every
non-empty line is a JSON object, otherwise one plain-text article). Bad input
never ends in a traceback: each problem is an :class:`InputError` naming the
file and line, or, with ``skip_invalid``, a logged warning and a skipped line.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from qawl.schema import Document

log = logging.getLogger(__name__)

# Characters that are neither text nor layout: stripped of meaning but kept in
# place (offsets index the text as given), so they are only reported.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


class InputError(ValueError):
    """Input that cannot be read as articles; the message names where and why."""


@dataclass
class Article:
    """One article to extract from: its id, text and the other input fields."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadReport:
    """What reading skipped (with ``skip_invalid``) so that nothing is lost silently."""

    skipped: list[str] = field(default_factory=list)


def decode(data: bytes, where: str, encoding: str = "utf-8") -> str:
    """Bytes to text; a UTF-8 byte-order mark is not part of the text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{where}: not valid {encoding} at byte {err.start} "
            f"(use --encoding, e.g. cp1256 for older Arabic files)"
        ) from None
    except LookupError:
        raise InputError(f"{where}: unknown encoding {encoding!r}") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_record(line: str, where: str) -> Article:
    """One JSONL line as an Article, or an InputError naming the line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: invalid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: field 'text' is missing or not a string")
    doc_id = record.get("id")
    if doc_id is None or isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise InputError(f"{where}: field 'id' is missing or not a string")
    meta = {k: v for k, v in record.items() if k not in ("id", "text")}
    return Article(str(doc_id), text, meta)


def _jsonl_articles(
    lines: Iterable[str | InputError], source: str, skip_invalid: bool, report: ReadReport
) -> Iterator[Article]:
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if isinstance(line, str) and not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            if isinstance(line, InputError):
                raise line
            article = parse_record(line, where)
            if article.id in seen:
                raise InputError(f"{where}: duplicate id {article.id!r}")
        except InputError as err:
            if not skip_invalid:
                raise
            log.warning("skipped %s", err)
            report.skipped.append(str(err))
            continue
        seen.add(article.id)
        _warn_controls(article, where)
        yield article


def _warn_controls(article: Article, where: str) -> None:
    if any(ch in _CONTROL for ch in article.text):
        log.warning("%s: text holds control characters; offsets still index it as given", where)


def _looks_like_jsonl(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.lstrip().startswith("{") for line in lines)


def read_articles(
    paths: list[str],
    stdin: IO[bytes] | None = None,
    encoding: str = "utf-8",
    skip_invalid: bool = False,
    report: ReadReport | None = None,
) -> Iterator[Article]:
    """Articles from each path in turn (``-`` or no path: stdin)."""
    report = report if report is not None else ReadReport()
    for path in paths or ["-"]:
        if path == "-":
            if stdin is None:
                raise InputError("<stdin>: no input given")
            text = decode(stdin.read(), "<stdin>", encoding)
            if _looks_like_jsonl(text):
                yield from _jsonl_articles(text.splitlines(), "<stdin>", skip_invalid, report)
            else:
                yield Article("stdin", text)
            continue
        yield from _read_path(path, encoding, skip_invalid, report)


def _read_path(
    path: str, encoding: str, skip_invalid: bool, report: ReadReport
) -> Iterator[Article]:
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    if path.endswith((".jsonl", ".json", ".jsonl.gz")):
        yield from _jsonl_articles(_file_lines(path, encoding), path, skip_invalid, report)
        return
    with open(path, "rb") as handle:
        text = decode(handle.read(), path, encoding)
    stem = os.path.splitext(os.path.basename(path))[0]
    article = Article(stem, text)
    _warn_controls(article, path)
    yield article


def _file_lines(path: str, encoding: str) -> Iterator[str | InputError]:
    """Decoded lines of a (possibly gzipped) file, decoded one by one so that a
    bad line is reported with its number and a large file is streamed; a line
    that cannot be decoded comes as its InputError."""
    import gzip

    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield decode(raw, f"{path}:{number}", encoding)
            except InputError as err:
                yield err


def format_text(doc: Document) -> str:
    """A readable "speaker: quote" view of one document."""
    lines = [f"# {doc.id}"]
    for name, quote in doc.who_said_what():
        lines.append(f"{name}: {quote}")
    if len(lines) == 1:
        lines.append("(no quotes)")
    return "\n".join(lines) + "\n"
