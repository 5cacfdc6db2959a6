"""Offset-keeping Arabic text utilities: quotation marks, segmentation, folding.

Nothing here changes the text it is given: every function returns offsets into
the original string. Folding is applied to copies (tokens, names) for matching
only, so it may change their length.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# Opening mark -> the closing marks it accepts. `"` opens and closes itself;
# „ (German style) closes with “ or ”.
MARK_PAIRS: dict[str, str] = {
    "«": "»",
    "“": "”",
    "‹": "›",
    "„": "“”",
    '"': '"',
}
OPEN_MARKS = frozenset(MARK_PAIRS)
CLOSE_MARKS = frozenset('»”›“"')
QUOTE_CHARS = frozenset('«»“”‹›„"')

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel
_FOLD_TABLE = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ئ": "ي", "ؤ": "و"}
)
_SENTENCE_END = re.compile(r"[.!?؟…]+(?=[\s\"»”’')\]]|$)")


def fold(token: str) -> str:
    """Fold Arabic spelling variants for matching (hamza forms, ta marbuta,
    alef maqsura, diacritics, tatweel). Applied to copies only: the result may
    be shorter than the input, so never use its offsets."""
    return _DIACRITICS.sub("", unicodedata.normalize("NFKC", token)).translate(_FOLD_TABLE).lower()


@dataclass(frozen=True)
class MarkPair:
    """A quoted passage: ``text[open]`` is the opening mark, the content is
    ``text[open + 1:close]``; ``closed`` is False when the closing mark never
    came and the passage was ended at its sentence end (``close`` is then the
    end of that sentence)."""

    open: int
    close: int
    closed: bool = True

    @property
    def content_start(self) -> int:
        return self.open + 1

    @property
    def content_end(self) -> int:
        return self.close


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty line; line endings stay outside."""
    out = []
    for match in re.finditer(r"[^\r\n]+", text):
        if match.group().strip():
            out.append((match.start(), match.end()))
    return out


def _straight_role(text: str, i: int) -> str:
    """Whether a `"` at i looks like an opening or a closing mark, from its
    neighbours: openers touch the next word, closers touch the previous one."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    left_open = (
        before.isspace()
        or before in "(:[،,؛—-"
        or before in "بلوك"
        and (i < 2 or text[i - 2].isspace())
    )
    right_closed = after.isspace() or after in ".,،؛;:!?؟)]…-—"
    if left_open and not after.isspace():
        return "open"
    if right_closed and not before.isspace():
        return "close"
    return "either"


def _sentence_end_after(text: str, pos: int, limit: int) -> int:
    match = _SENTENCE_END.search(text, pos, limit)
    return match.start() if match else limit


def pair_marks(text: str) -> list[MarkPair]:
    """Pair quotation marks paragraph by paragraph (quotes reopen at each
    paragraph). An opener without its closer ends at its sentence end (guideline
    convention 10); a closer without an opener is ignored as stray."""
    pairs: list[MarkPair] = []
    for start, end in paragraphs(text):
        pairs.extend(_pair_in_paragraph(text, start, end))
    pairs.sort(key=lambda p: p.open)
    return pairs


def _pair_in_paragraph(text: str, start: int, end: int) -> list[MarkPair]:
    pairs: list[MarkPair] = []
    stack: list[int] = []  # offsets of open marks
    for i in range(start, end):
        char = text[i]
        if char not in QUOTE_CHARS:
            continue
        if char == '"':
            role = _straight_role(text, i)
            opened = next((j for j in reversed(stack) if text[j] == '"'), None)
            if opened is not None and role != "open":
                _close(stack, opened, i, pairs)
            elif role != "close":
                stack.append(i)
            continue
        # A curly closer first: “ closes „ and also opens in English style.
        opener = next((j for j in reversed(stack) if char in MARK_PAIRS[text[j]]), None)
        if opener is not None and text[opener] != '"':
            _close(stack, opener, i, pairs)
        elif char in OPEN_MARKS:
            stack.append(i)
    for j in stack:
        pairs.append(MarkPair(j, _sentence_end_after(text, j + 1, end), closed=False))
    return [p for p in pairs if p.close > p.open + 1]


def _close(stack: list[int], opener: int, closer: int, pairs: list[MarkPair]) -> None:
    # Marks opened inside the closed pair and never closed are stray: drop them.
    while stack and stack[-1] != opener:
        stack.pop()
    stack.pop()
    pairs.append(MarkPair(opener, closer))


def sentences(text: str, pairs: list[MarkPair] | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of sentences: split at final punctuation followed by a
    space and at line breaks, never inside a closed quotation; the final
    punctuation stays inside the sentence."""
    if pairs is None:
        pairs = pair_marks(text)
    closed = sorted((p.open, p.close) for p in pairs if p.closed)
    opens = [o for o, _ in closed]
    out = []
    for pstart, pend in paragraphs(text):
        cursor = pstart
        for match in _SENTENCE_END.finditer(text, pstart, pend):
            cut = match.end()
            # Closed pairs do not nest, so only the last one opened before can hold it.
            index = bisect.bisect_left(opens, match.start()) - 1
            if index >= 0 and match.start() < closed[index][1]:
                continue
            if text[cursor:cut].strip():
                out.append(_trim(text, cursor, cut))
            cursor = cut
        if text[cursor:pend].strip():
            out.append(_trim(text, cursor, pend))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Brackets, quotation marks and `،` are tokens of their own, even written
# onto a word: `NAME(الحزب)`, `NAME،"لا يوجد"`.
# A one-letter preposition written onto an opening mark (`بـ"`, `لـ«`) is so its own token.
_TOKEN = re.compile(r"[^\s()«»“”‹›„\"،]+|[()«»“”‹›„\"،]")
# Punctuation peeled off a whitespace token so that `كيري،` reads as `كيري`.
_EDGE_PUNCT = "«»“”‹›„\"'‘’()[]{}.,،؛;:!?؟…-–—*"


@dataclass(frozen=True)
class Token:
    """A word with its offsets; ``norm`` is its folded form for lexicon lookups."""

    start: int
    end: int
    text: str
    norm: str


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words of ``text[start:end]`` with edge punctuation peeled off, as Tokens.
    Punctuation-only chunks become their own tokens (``:``, ``«``)."""
    out: list[Token] = []
    end = len(text) if end is None else end
    for match in _TOKEN.finditer(text, start, end):
        s, e = match.span()
        ws, we = s, e
        while ws < we and text[ws] in _EDGE_PUNCT:
            ws += 1
        while we > ws and text[we - 1] in _EDGE_PUNCT:
            we -= 1
        for i in range(s, ws):
            out.append(Token(i, i + 1, text[i], text[i]))
        if we > ws:
            word = text[ws:we]
            out.append(Token(ws, we, word, fold(word)))
        for i in range(max(we, ws), e):
            out.append(Token(i, i + 1, text[i], text[i]))
    return out


def strip_span(text: str, start: int, end: int, chars: str = "") -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace and ``chars`` at both ends."""
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return start, end
