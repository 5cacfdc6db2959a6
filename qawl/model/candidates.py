"""Candidate antecedents of a quote's speaker, and the features the ranker reads.

For each quote: its own speaker mention; the mentions and earlier quotes'
speakers before it (the nearest :data:`MAX_BEFORE`); the nearest
:data:`MAX_AFTER` mentions after it in the same paragraph (`«...»، حسب
المصدر`); and, after a participle cue, the subject of the verb before it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import torch

from qawl.attribution import (
    _NAME_LINKS,
    _ORG_HEADS,
    _PARTICLES,
    _PREPOSITIONS,
    _governs_genitive,
    _is_family_word,
    _is_org,
    _is_proper,
    _mention_gender,
    _names_anyone,
    _names_whom_he_speaks_for,
    _person_name,
    _speaks_for,
    _verb_subject_before,
    cue_info,
    mention_key,
)
from qawl.lexicon import is_common_noun, lookup_cue, word_list
from qawl.schema import Quote, Span
from qawl.text import fold

MAX_BEFORE = 30
MAX_AFTER = 2

FEATURES = (
    "own_speaker", "earlier_speaker", "subject", "before", "after", "log_distance",
    "paragraphs_0", "paragraphs_1", "paragraphs_2plus",
    "nearest_0", "nearest_1", "nearest_2", "nearest_3_5", "nearest_6plus",
    "name_in_own_speaker", "agrees_own_speaker", "agrees_previous_speaker",
    "agrees_earlier_speaker", "apposition", "salience", "gender_clash", "plural_cue_person",
    "cue_verb", "cue_participle", "cue_noun", "cue_source", "cue_none",
    "has_speaker", "is_org", "has_proper_name", "words", "in_other_content",
    "kind_direct", "kind_indirect", "kind_mixed",
    "own_has_proper_name", "head_apposition", "agrees_previous_choice",
    "agrees_earlier_choice", "agrees_any_speaker", "head_in_candidate",
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    span: Span
    origin: str  # own | mention | speaker | subject


def quote_region(quote: Quote) -> tuple[int, int]:
    parts = [s for s in (quote.content, quote.cue, quote.speaker) if s is not None]
    return min(s.start for s in parts), max(s.end for s in parts)


def anchor(quote: Quote) -> Span:
    """The span whose state stands for the quote: its cue, else its content."""
    return quote.cue or quote.content


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def candidates(
    text: str, quotes: Sequence[Quote], position: int, mentions: Sequence[Span]
) -> list[Candidate]:
    """Candidates of ``quotes[position]`` (``quotes`` in text order)."""
    quote = quotes[position]
    start, end = quote_region(quote)
    out: list[Candidate] = []
    if quote.speaker is not None:
        out.append(Candidate(quote.speaker, "own"))
        out.extend(  # the name inside a titled mention (`جون كيري` in `الوزير جون كيري`)
            Candidate(m, "mention")
            for m in mentions
            if quote.speaker.start <= m.start and m.end <= quote.speaker.end
            and m != quote.speaker and names_someone(m.text)
            # `متحدث باسم رئيسة الوزراء NAME`: the name is whom he speaks for
            and not _names_whom_he_speaks_for(quote.speaker.text)
        )  # fmt: skip
    subject = _verb_subject_before(text, quote.cue)
    if subject is not None:
        out.append(Candidate(subject, "subject"))
    contents = [q.content for q in quotes]
    free = [m for m in mentions if not any(c.start <= m.start and m.end <= c.end for c in contents)]
    before = [Candidate(m, "mention") for m in free if m.end <= start]
    before += [
        Candidate(q.speaker, "speaker")
        for q in quotes[:position]
        if q.speaker is not None and q.speaker.end <= start
    ]
    before.sort(key=lambda c: -c.span.end)
    # One candidate per name and origin (the nearest), so that a name said ten
    # times does not crowd out the others.
    kept: set[tuple[frozenset[str], str]] = set()
    nearest_first = []
    for cand in before:
        key = (mention_key(cand.span.text) or frozenset({fold(cand.span.text)}), cand.origin)
        if key not in kept:
            kept.add(key)
            nearest_first.append(cand)
    out.extend(nearest_first[:MAX_BEFORE])
    paragraph_end = text.find("\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    after = [Candidate(m, "mention") for m in free if end <= m.start < paragraph_end]
    out.extend(after[:MAX_AFTER])
    seen: set[tuple[int, int]] = set()
    unique = []
    for cand in out:
        if (cand.span.start, cand.span.end) in seen or not _names_anyone(cand.span.text):
            continue
        seen.add((cand.span.start, cand.span.end))
        unique.append(cand)
    return unique


_WORD = re.compile(r"[\w\u064b-\u0652\u0670\u0640]+")
MAX_NAME_WORDS = 4


def lexical_mentions(text: str) -> list[Span]:
    """Spans that look like names, from the lexicon alone: runs of proper words
    (`محمد بن سلمان`, `سامي الحداد`, four words at most) and bodies from their
    head word (`منظمة العفو الدولية`, `لوزارة الدفاع` without its `ل`)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    written = {fold(w) for _, _, w in words}
    written_after = _words_before_each(words)
    body_ends = word_list("boundaries.txt") | word_list("complementisers.txt") | _PREPOSITIONS
    out: list[Span] = []
    i = 0
    while i < len(words):
        start, end, word = words[i]
        norm = fold(word)
        prefixed = norm[:1] in "لب" and norm[1:] in _ORG_HEADS
        if norm in _ORG_HEADS or prefixed:
            j = i
            while (
                j + 1 < len(words)
                and j - i < 3
                and text[words[j][1] : words[j + 1][0]].strip(' "«»“”') == ""
                and len(fold(words[j + 1][2])) > 1
                and fold(words[j + 1][2]) not in body_ends
                and lookup_cue(fold(words[j + 1][2])) is None
                and not _has_pronoun(words[j + 1][2])  # `النادي الأسترالي حول عنقه`
                # after a definite word a name is a person's: `باسم البلدية مراد الزين`
                and not (
                    fold(words[j][2]).startswith(("ال", "لل"))
                    and _name_word(words[j + 1][2])
                    and not is_common_noun(words[j + 1][2])
                )
            ):
                j += 1
            j = _before_apposed_person(words, i, j, written_after)
            out.append(Span.of(text, start + (1 if prefixed else 0), words[j][1]))
            i = j + 1 if j > i else i + 1
            continue
        if _name_word(word) and not is_common_noun(word):
            if word[:1] in "لب" and fold(word[1:]) in written:
                start += 1  # `لكيري`: the name without its preposition
            j = i
            while j + 1 < len(words) and j - i + 1 < MAX_NAME_WORDS:
                if text[words[j][1] : words[j + 1][0]].strip() != "":
                    break
                nxt = words[j + 1][2]
                if nxt[:1] in "لب" and fold(nxt[1:]) in written:
                    break  # `بوتين لكيري`: the addressee, written bare elsewhere
                linked = fold(words[j][2]) in _NAME_LINKS or fold(nxt) in _NAME_LINKS
                # `جان إيف لو دريان`: a particle between two name words
                linked = linked or (
                    fold(nxt) in _PARTICLES
                    and j + 2 < len(words)
                    and _name_word(words[j + 2][2])
                    and not text[words[j + 1][1] : words[j + 2][0]].strip()
                )
                if is_common_noun(nxt) and not linked:
                    break  # `أحمد مجاهد مراسلات محامي صلاح`: a noun ends the name
                if not (_name_word(nxt) or linked or _is_family_word(fold(nxt))):
                    break
                j += 1
                if _is_family_word(fold(nxt)) and not linked:
                    break  # `سامي الحداد`: a family name ends the run
            while j > i and fold(words[j][2]) in _NAME_LINKS:
                j -= 1
            if i > 0 and j - i >= 2 and _governs_genitive(words[i - 1][2]):
                start = words[j - 1][0]  # `مهاجم ليفربول محمد صلاح`: the person is the end
            out.append(Span.of(text, start, words[j][1]))
            i = j + 1
            continue
        i += 1
    return out


def _words_before_each(words: list[tuple[int, int, str]]) -> dict[str, set[str]]:
    """Each folded word of the article -> the folded words written right before it."""
    before: dict[str, set[str]] = {}
    for (_, _, previous), (_, _, word) in pairwise(words):
        before.setdefault(fold(word), set()).add(fold(previous))
    return before


def _before_apposed_person(
    words: list[tuple[int, int, str]], head: int, last: int, written_after: dict[str, set[str]]
) -> int:
    """Where a body's run ends when a person's name follows its own name
    (`مؤسس موقع ويكيليكس جوليان أسانج`): the run's last word is also written
    after another word that is not a body's head (`وقال أسانج`), so it is a
    person's surname; the body stops before the name (first name and surname)."""
    if last - head < 3 or not _name_word(words[last][2]):
        return last
    before = fold(words[last - 1][2])
    others = written_after.get(fold(words[last][2]), set()) - {before} - _bodies_of()
    if not others:
        return last
    return last - 2 if _name_word(words[last - 1][2]) else last - 1


@lru_cache(maxsize=1)
def _bodies_of() -> frozenset[str]:
    """A body's head as written before its name (`فريق`, `لفريق`, `والنادي`):
    the name after it is the body's (`لفريق مارينرز`), not a person's."""
    heads = _ORG_HEADS | {"ال" + h for h in _ORG_HEADS}
    return frozenset(p + h for h in heads for p in ("", "ل", "ب", "و", "لل"))


def _has_pronoun(word: str) -> bool:
    """An attached pronoun (`عليه`, `بلادها`; ta marbuta `ة` is another letter,
    `عبدالله` keeps its `ه`)."""
    return len(word) >= 4 and word.endswith(("ه", "ها", "هم", "هما")) and not word.endswith("الله")


def _name_word(word: str) -> bool:
    """A word that can be part of a name: proper by the lexicon, not one of the
    frequent words of the news (`ثم`, `إذا`, `عاما`), and without an attached pronoun."""
    common = word_list("common.txt")
    rest = fold(word[1:])
    conjoined = word[:1] in "وف" and (rest in common or lookup_cue(rest) is not None)
    return (
        _is_proper(word)
        and fold(word) not in common
        and not conjoined  # `ورد`, `فقال`: a conjunction and a common word
        and not _has_pronoun(word)
    )


def _agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and (a <= b or b <= a)


def cue_agreement(quote: Quote) -> tuple[str, str, str]:
    """(part of speech, gender, number) of the quote's cue; '?' when unknown."""
    info = cue_info(quote.cue)
    if info is None:
        return ("none" if quote.cue is None else "?"), "?", "?"
    return info.pos, info.gender, info.number


def candidate_gender(text: str, span: Span, quotes: Sequence[Quote] = ()) -> str:
    """m | f | ?: from the gendered cue of a quote the mention is the speaker of
    (`قال الوزير`), a title in or right before it (`الوزيرة`, `النائب`), or a body's head."""
    for other in quotes:
        if other.speaker is not None and _overlaps(other.speaker, span):
            _, gender, _ = cue_agreement(other)
            if gender in ("m", "f"):
                return gender
    gender = _mention_gender(span.text)
    if gender != "?":
        return gender
    words = text[max(0, span.start - 30) : span.start].split()[-1:] + span.text.split()[:1]
    for word in words:
        gender = _mention_gender(word)
        if gender != "?":
            return gender
        if fold(word) in word_list("titles.txt") and not fold(word).endswith("ه"):
            return "m"
    return "?"


def could_name(mention: str) -> bool:
    """Whether a span can name a source at all: it holds a name word or a body's head."""
    words = [w.strip('"«»“”') for w in mention.split()]
    return names_someone(mention) or any(
        fold(w) in _ORG_HEADS or fold(w)[1:] in _ORG_HEADS for w in words
    )


def _last_name_word(mention: str) -> str:
    names = [fold(w.strip('"«»“”')) for w in mention.split() if _name_word(w.strip('"«»“”'))]
    return names[-1] if names else ""


def fuller_name(candidate: str, speaker: str) -> bool:
    """Whether ``candidate`` writes the speaker's name more fully: it holds the
    speaker's name words and ends with the same last one (`جون كيري` for `كيري`,
    not `محامي صلاح رامي عباس` for `صلاح`)."""
    last = _last_name_word(speaker)
    words = [fold(w.strip('"«»“”')) for w in candidate.split()]
    if not last or not words:
        return False
    ends = words[-1] == last or (words[-1][:1] in "لب" and words[-1][1:] == last)
    own = {k[1:] if k[:1] in "لب" and k[1:] == last else k for k in mention_key(speaker)}
    person = _person_name(candidate)
    if person and last not in mention_key(person):
        return False  # `NAME، أحد مديري "غوغل"` is someone at Google, not Google
    if _is_org(candidate) and fold(speaker.split()[0]) in word_list("titles.txt"):
        return False  # `مدير مستشفى NAME` is the director, not the hospital
    return ends and own <= mention_key(candidate)


def names_someone(mention: str) -> bool:
    """Whether a speaker mention holds a name (`ترامب`, `يوروبول`), not only a
    description (`الصندوق`, `الداعية الإسلامي`)."""
    return any(_name_word(w.strip('"«»“”')) for w in mention.split())


def allowed(
    text: str, quote: Quote, cands: Sequence[Candidate], quotes: Sequence[Quote] = ()
) -> list[bool]:
    """Hard constraints: a participle after a named subject takes that subject;
    a named speaker is the speaker (or a fuller form of its name); a spokesman
    is not the body he speaks for; a body's description is a body; an
    implicit speaker is never of the other gender than a gendered cue."""
    if any(c.origin == "subject" for c in cands):
        return [c.origin == "subject" for c in cands]
    if quote.speaker is not None and names_someone(quote.speaker.text):
        return [c.origin == "own" or fuller_name(c.span.text, quote.speaker.text) for c in cands]
    if quote.speaker is not None and _speaks_for(quote.speaker.text):
        return [not _is_org(c.span.text) for c in cands]  # convention 8: not his body
    if quote.speaker is not None and _is_org(quote.speaker.text):
        # `الاتحاد`: the body named before, never a person of the article
        return [c.origin == "own" or _is_org(c.span.text) for c in cands]
    _, gender, _ = cue_agreement(quote)
    if gender not in ("m", "f") or quote.speaker is not None:
        return [True] * len(cands)
    return [candidate_gender(text, c.span, quotes) in (gender, "?") for c in cands]


def _apposed(folded: str, a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` stand next to each other somewhere (40 characters apart at most)."""
    if not a or not b or a == b:
        return False
    for match in re.finditer(re.escape(a), folded):
        window = folded[match.end() : match.end() + 40]
        if b in window:
            return True
        window = folded[max(0, match.start() - 40 - len(b)) : match.start()]
        if b in window:
            return True
    return False


@lru_cache(maxsize=4)
def _folded(text: str) -> str:
    """The folded article, once per article rather than once per quote."""
    return fold(text)


def _head_apposed(folded: str, head: str, cand: Span) -> bool:
    """Whether the head word of a description (`المعتمد` -> `معتمد`) stands in
    the 40 characters before the candidate (`معتمد الجهة حسين بوشهوة`)."""
    return bool(head) and head in folded[max(0, cand.start - 40) : cand.start]


def _description_head(mention: str) -> str:
    words = [fold(w) for w in mention.split()]
    if not words:
        return ""
    head = words[0][1:] if words[0][:1] in "وف" and len(words[0]) > 4 else words[0]
    return head[2:] if head.startswith("ال") and len(head) > 4 else head


def features(
    text: str,
    quotes: Sequence[Quote],
    position: int,
    cands: Sequence[Candidate],
    choices: Sequence[str | None] = (),
) -> torch.Tensor:
    """(len(cands), len(FEATURES)) feature rows, in :data:`FEATURES` order.
    ``choices`` are the names given to the earlier quotes (``quotes[:position]``):
    the gold names in training, the ranker's own picks when it predicts."""
    quote = quotes[position]
    start, end = quote_region(quote)
    folded = _folded(text)
    pos, gender, number = cue_agreement(quote)
    own_key = mention_key(quote.speaker.text) if quote.speaker is not None else frozenset()
    earlier = [q.speaker for q in quotes[:position] if q.speaker is not None]
    previous_key = mention_key(earlier[-1].text) if earlier else frozenset()
    earlier_keys = [mention_key(s.text) for s in earlier]
    contents = [q.content for i, q in enumerate(quotes) if i != position]
    choice_keys = [mention_key(c) for c in choices if c]
    previous_choice = mention_key(choices[-1]) if choices and choices[-1] else frozenset()
    all_speaker_keys = [mention_key(q.speaker.text) for q in quotes if q.speaker is not None]
    head = _description_head(quote.speaker.text) if quote.speaker is not None else ""
    if not head and earlier:
        head = _description_head(earlier[-1].text)
    order = sorted(
        (i for i, c in enumerate(cands) if c.span.end <= start), key=lambda i: -cands[i].span.end
    )
    nearest = {i: rank for rank, i in enumerate(order)}
    rows = []
    for i, cand in enumerate(cands):
        span = cand.span
        key = mention_key(span.text)
        is_before = span.end <= start
        gap = start - span.end if is_before else max(0, span.start - end)
        lo, hi = (span.end, start) if is_before else (end, span.start)
        paragraphs = text.count("\n", lo, hi) if hi > lo else 0
        rank = nearest.get(i, -1)
        cand_gender = candidate_gender(text, span, quotes[:position])
        own_text = fold(quote.speaker.text) if quote.speaker is not None else ""
        values = {
            "own_speaker": cand.origin == "own",
            "earlier_speaker": cand.origin == "speaker",
            "subject": cand.origin == "subject",
            "before": is_before,
            "after": span.start >= end,
            "log_distance": math.log1p(gap) / 8,
            "paragraphs_0": paragraphs == 0,
            "paragraphs_1": paragraphs == 1,
            "paragraphs_2plus": paragraphs >= 2,
            "nearest_0": rank == 0,
            "nearest_1": rank == 1,
            "nearest_2": rank == 2,
            "nearest_3_5": 3 <= rank <= 5,
            "nearest_6plus": rank >= 6,
            "name_in_own_speaker": quote.speaker is not None
            and cand.origin != "own"
            and _overlaps(span, quote.speaker),
            "agrees_own_speaker": _agree(key, own_key),
            "agrees_previous_speaker": _agree(key, previous_key),
            "agrees_earlier_speaker": any(_agree(key, k) for k in earlier_keys),
            "apposition": _apposed(folded, own_text, fold(span.text)),
            "salience": math.log1p(folded.count(fold(span.text))) / 3,
            "gender_clash": gender in ("m", "f")
            and cand_gender in ("m", "f")
            and gender != cand_gender,
            "plural_cue_person": number in ("du", "pl") and not _is_org(span.text),
            "cue_verb": pos == "verb",
            "cue_participle": pos == "participle",
            "cue_noun": pos == "noun",
            "cue_source": pos == "source",
            "cue_none": pos in ("none", "?"),
            "has_speaker": quote.speaker is not None,
            "is_org": _is_org(span.text),
            "has_proper_name": bool(key),
            "words": min(len(span.text.split()), 8) / 8,
            "in_other_content": any(_overlaps(span, c) for c in contents),
            "kind_direct": quote.kind == "direct",
            "kind_indirect": quote.kind == "indirect",
            "kind_mixed": quote.kind == "mixed",
            "own_has_proper_name": bool(own_key),
            "head_apposition": cand.origin != "own" and _head_apposed(folded, head, span),
            "agrees_previous_choice": _agree(key, previous_choice),
            "agrees_earlier_choice": any(_agree(key, k) for k in choice_keys),
            "agrees_any_speaker": sum(_agree(key, k) for k in all_speaker_keys) > 0,
            "head_in_candidate": cand.origin != "own" and bool(head) and head in key,
        }
        rows.append([float(values[name]) for name in FEATURES])
    return torch.tensor(rows, dtype=torch.float32).reshape(len(cands), len(FEATURES))
