"""From the tagger's per-token scores to unattributed Quotes.

1. ``merge``: each token keeps the emissions of the window where it is most
   central; the document is then decoded as ONE sequence by each head's CRF
   (transitions do not depend on the position, so this is exact and has no
   seams), between a virtual ``O`` before and after the text.
2. ``bio_spans`` + ``char_span``: token BIO runs to character spans that index
   the original text exactly (``text[start:end] == span.text``), snapped to
   whole words, trimmed of whitespace and punctuation.
3. ``assemble``: kind read from the quotation marks together with the head's
   kind; each content span gets its cue (the nearest before it in its sentence,
   else after it in its sentence: ``بحسب``-style sources; failing both, a
   speech word of ``qawl.lexicon`` there) and the speaker mention next to
   that cue. Quotes with neither a cue nor quotation marks are
   dropped (the pilot's lesson: those are mostly noise).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from qawl.model.crf import CRF
from qawl.model.labels import token_char_ranges
from qawl.schema import Quote, Span
from qawl.text import QUOTE_CHARS, MarkPair, pair_marks, sentences, tokens

_MARKS = "".join(sorted(QUOTE_CHARS))
_PUNCT = ".,،؛;:!?؟…-–—()[]{}*'‘’"
_FINAL = ".,،؛;:!?؟…"
_WORD = re.compile(r"[\w\u064b-\u0652\u0670\u0640]")  # diacritics and tatweel are inside words
# Short fragments in marks inside an unmarked complement are usually names or
# terms (guideline convention 11): at most this many words, trust the head.
_TERM_WORDS = 3
_MAX_CUE_GAP = 400


@dataclass
class TagSpan:
    """A run of one BIO tag over tokens ``[first, last]`` and its characters."""

    tag: str
    first: int
    last: int
    start: int
    end: int
    score: float


# ------------------------------------------------------------------ merging


def merge(
    n_tokens: int,
    ranges: Sequence[tuple[int, int]],
    owners: Sequence[int],
    window_emissions: Sequence[torch.Tensor],
    prefix: int = 1,
) -> torch.Tensor:
    """Document emissions (n_tokens, tags): each token's row from its owner window.
    ``window_emissions[w]`` has the window's special tokens (``prefix`` before)."""
    tags = window_emissions[0].size(-1)
    out = torch.zeros(n_tokens, tags)
    for t in range(n_tokens):
        w = owners[t]
        out[t] = window_emissions[w][prefix + t - ranges[w][0]]
    return out


@torch.no_grad()
def crf_decode(crf: CRF, emissions: torch.Tensor) -> tuple[list[int], list[float]]:
    """Viterbi tags of a whole document and each chosen tag's marginal
    probability; a virtual ``O`` row stands before and after the text, as the
    special tokens did in training."""
    if emissions.size(0) == 0:
        return [], []
    device = crf.transitions.device  # the model's (emissions come back on the CPU)
    edge = torch.full((1, emissions.size(1)), -1e4, device=device)
    edge[0, 0] = 0.0
    padded = torch.cat([edge, emissions.float().to(device), edge]).unsqueeze(0)
    mask = torch.ones(padded.shape[:2], dtype=torch.bool, device=device)
    path = crf.viterbi(padded, mask)[0][1:-1]
    probs = crf.marginals(padded, mask)[0, 1:-1].cpu()
    scores = [float(probs[i, tag]) for i, tag in enumerate(path)]
    return path, scores


# ------------------------------------------------------------ BIO -> spans


def bio_spans(
    tags: Sequence[int], labels: Sequence[str], scores: Sequence[float]
) -> list[tuple[str, int, int, float]]:
    """``(tag, first, last, mean score)`` of each B/I run (an orphan I- starts a run)."""
    out: list[tuple[str, int, int, float]] = []
    current: list = []
    for i, tag_id in enumerate(tags):
        name = labels[tag_id]
        if name == "O" or name.startswith("B-") or (current and current[0] != name[2:]):
            if current:
                out.append(_close_run(current, scores))
            current = [name[2:], i, i] if name != "O" else []
        else:
            if not current:
                current = [name[2:], i, i]
            current[2] = i
    if current:
        out.append(_close_run(current, scores))
    return out


def _close_run(run: list, scores: Sequence[float]) -> tuple[str, int, int, float]:
    tag, first, last = run
    part = scores[first : last + 1]
    return tag, first, last, sum(part) / len(part)


def char_spans(
    text: str,
    offsets: Sequence[tuple[int, int]],
    runs: Sequence[tuple[str, int, int, float]],
) -> list[TagSpan]:
    """Token runs to character ranges (token whitespace left out)."""
    ranges = token_char_ranges(text, offsets)
    out = []
    for tag, first, last, score in runs:
        starts = [ranges[i][0] for i in range(first, last + 1) if ranges[i][1] > ranges[i][0]]
        ends = [ranges[i][1] for i in range(first, last + 1) if ranges[i][1] > ranges[i][0]]
        if starts:
            out.append(TagSpan(tag, first, last, min(starts), max(ends), score))
    return out


def snap_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole ``\\w`` words at both edges."""
    while 0 < start < len(text) and _is_word(text[start]) and _is_word(text[start - 1]):
        start -= 1
    while 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return start, end


def _is_word(char: str) -> bool:
    return _WORD.match(char) is not None


def strip(text: str, start: int, end: int, lead: str = "", trail: str = "") -> tuple[int, int]:
    """Shrink past whitespace and the given characters at each end."""
    while start < end and (text[start].isspace() or text[start] in lead):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in trail):
        end -= 1
    return start, end


def cue_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A cue is a whole whitespace token (clitics included), punctuation off."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return strip(text, start, end, _PUNCT + _MARKS, _PUNCT + _MARKS)


def speaker_span(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = snap_words(text, start, end)
    return strip(text, start, end, _PUNCT + _MARKS, _PUNCT + _MARKS)


# ----------------------------------------------------------------- kinds


def read_kind(
    text: str, start: int, end: int, head_kind: str, pairs: Sequence[MarkPair]
) -> tuple[str, int, int]:
    """Kind and final bounds of a content span from the marks and the head.

    - inside one mark pair -> direct (snapped to the pair's content when the
      span covers most of it), marks excluded;
    - holding marked fragments among unmarked words -> mixed, unless the head
      says indirect and every fragment is a short name or term;
    - no marks -> indirect, or direct when the head says so (unmarked speech
      after a colon, convention 6).
    """
    for pair in pairs:
        inner = strip(text, pair.content_start, pair.content_end)
        if pair.open <= start and end <= pair.close + 1 and inner[0] < inner[1]:
            s, e = max(start, inner[0]), min(end, inner[1])
            if e - s >= 0.5 * (inner[1] - inner[0]):
                s, e = inner
            s, e = strip(text, s, e, _MARKS, _MARKS)
            return "direct", s, e
    inside = [p for p in pairs if start <= p.open < end]
    if inside:
        outside = _words_outside(text, start, end, inside)
        if not outside:
            s, e = strip(text, start, end, _MARKS, _MARKS)
            return "direct", s, e
        short = all(len(text[p.open + 1 : p.close].split()) <= _TERM_WORDS for p in inside)
        kind = "indirect" if head_kind == "indirect" and short else "mixed"
        s, e = strip(text, start, end, ":", _FINAL)
        return kind, s, e
    s, e = strip(text, start, end, ":" + _MARKS, _FINAL + _MARKS)
    return ("direct" if head_kind == "direct" else "indirect"), s, e


def _words_outside(text: str, start: int, end: int, inside: Sequence[MarkPair]) -> bool:
    chars = list(text[start:end])
    for p in inside:
        for i in range(p.open, min(p.close + 1, end)):
            chars[i - start] = " "
    return any(_is_word(c) for c in chars)


# --------------------------------------------------------------- assembly


def _paragraph_end(text: str, start: int, end: int) -> int:
    """A predicted content span stops at its paragraph's end: windows of
    repetitive text can run one quote into the next paragraph's."""
    newline = text.find("\n", start, end)
    return end if newline == -1 else newline


class _Sentences:
    def __init__(self, text: str, pairs: Sequence[MarkPair]):
        self.bounds = sentences(text, list(pairs)) or [(0, len(text))]
        self.starts = [s for s, _ in self.bounds]

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


def assemble(
    text: str,
    contents: Sequence[TagSpan],
    cues: Sequence[TagSpan],
    speakers: Sequence[TagSpan],
) -> list[Quote]:
    """Join content, cue and speaker spans into unattributed quotes."""
    pairs = pair_marks(text)
    sents = _Sentences(text, pairs)
    cue_spans = sorted({cue_span(text, c.start, c.end) for c in cues if c.end > c.start})
    spk_spans = sorted({speaker_span(text, s.start, s.end) for s in speakers})
    spk_spans = [s for s in spk_spans if s[1] > s[0]]
    built: list[tuple[int, int, str, float]] = []
    for c in sorted(contents, key=lambda c: c.start):
        s, e = snap_words(text, c.start, _paragraph_end(text, c.start, c.end))
        kind, s, e = read_kind(text, s, e, c.tag, pairs)
        if e > s and any(_is_word(ch) for ch in text[s:e]):
            built.append((s, e, kind, c.score))
    quotes = []
    for i, (s, e, kind, score) in enumerate(built):
        prev_end = built[i - 1][1] if i else 0
        next_start = built[i + 1][0] if i + 1 < len(built) else len(text)
        cue = _find_cue(text, s, e, prev_end, next_start, cue_spans, sents)
        if cue is None and kind != "direct":
            continue
        speaker = None
        if cue is not None:
            speaker = _find_speaker(cue, (s, e), next_start, spk_spans, sents)
        quotes.append(
            Quote(
                content=Span.of(text, s, e),
                kind=kind,
                cue=Span.of(text, *cue) if cue else None,
                speaker=Span.of(text, *speaker) if speaker else None,
                score=score,
            )
        )
    return quotes


def _find_cue(
    text: str,
    start: int,
    end: int,
    prev_end: int,
    next_start: int,
    cues: Sequence[tuple[int, int]],
    sents: _Sentences,
) -> tuple[int, int] | None:
    here = sents.index(start)
    before = [
        c
        for c in cues
        if c[1] <= start
        and c[0] >= prev_end
        and start - c[1] <= _MAX_CUE_GAP
        and sents.index(c[0]) == here
    ]
    if before:
        return before[-1]
    last = sents.index(max(start, end - 1))
    after = [c for c in cues if c[0] >= end and c[1] <= next_start and sents.index(c[0]) == last]
    if after:
        return after[0]
    # A cue whose sentence ends with a colon just before the quote
    # (``وقال الوزير:`` then the quote on the next line).
    if here > 0:
        ps, pe = sents.bounds[here - 1]
        if text[ps:pe].rstrip().endswith(":"):
            earlier = [c for c in cues if ps <= c[0] and c[1] <= pe and c[0] >= prev_end]
            if earlier:
                return earlier[-1]
    return _lexicon_cue(text, start, end, prev_end, next_start, sents)


def _lexicon_cue(
    text: str, start: int, end: int, prev_end: int, next_start: int, sents: _Sentences
) -> tuple[int, int] | None:
    """Fallback when the cue head found none: the nearest lexicon speech word
    before the content in its sentence, else a source word (``بحسب``) after it."""
    try:
        from qawl.lexicon import lookup_cue
    except ImportError:  # pragma: no cover - the lexicon ships with qawl
        return None
    s_start, _ = sents.bounds[sents.index(start)]
    lo = max(s_start, prev_end)
    before = [t for t in tokens(text, lo, start) if lookup_cue(t.norm) is not None]
    if before:
        return before[-1].start, before[-1].end
    _, s_end = sents.bounds[sents.index(max(start, end - 1))]
    for tok in tokens(text, end, min(s_end, next_start)):
        cue = lookup_cue(tok.norm)
        if cue is not None and cue.pos == "source":
            return tok.start, tok.end
    return None


def _find_speaker(
    cue: tuple[int, int],
    content: tuple[int, int],
    next_start: int,
    speakers: Sequence[tuple[int, int]],
    sents: _Sentences,
) -> tuple[int, int] | None:
    """The speaker mention governed by the cue: the first one after it (before
    the content, or before the next quote when the source follows the content),
    else one just before the cue in its sentence."""
    sentence = sents.index(cue[0])
    limit = content[0] if cue[1] <= content[0] else next_start
    after = [
        s
        for s in speakers
        if s[0] >= cue[1]
        and s[1] <= limit
        and sents.index(s[0]) == sentence
        and not (s[0] < content[1] and content[0] < s[1])
    ]
    if after:
        return after[0]
    before = [
        s
        for s in speakers
        if s[1] <= cue[0]
        and cue[0] - s[1] <= 60
        and sents.index(s[0]) == sentence
        and not (s[0] < content[1] and content[0] < s[1])
    ]
    return before[-1] if before else None


# -------------------------------------------------------------- top level


def decode(
    text: str,
    offsets: Sequence[tuple[int, int]],
    content_emissions: torch.Tensor,
    cs_emissions: torch.Tensor,
    content_crf: CRF,
    cs_crf: CRF,
    content_o_bias: float = 0.0,
) -> list[Quote]:
    """Unattributed quotes of one document from its merged emissions.
    ``content_o_bias`` is taken off the content head's ``O`` score before
    decoding (> 0 finds more quotes; tuned on held-out articles)."""
    if content_o_bias:
        content_emissions = content_emissions.clone()
        content_emissions[:, 0] -= content_o_bias
    content_tags, content_scores = crf_decode(content_crf, content_emissions)
    cs_tags, cs_scores = crf_decode(cs_crf, cs_emissions)
    contents = char_spans(
        text, offsets, bio_spans(content_tags, content_crf.labels, content_scores)
    )
    others = char_spans(text, offsets, bio_spans(cs_tags, cs_crf.labels, cs_scores))
    cues = [s for s in others if s.tag == "CUE"]
    speakers = [s for s in others if s.tag == "SPK"]
    return assemble(text, contents, cues, speakers)
