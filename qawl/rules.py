"""RuleExtractor: quotes, cues and speakers from a lexicon and the marks.

The baseline, the fallback, and the generator of silver training labels, so
it prefers precision: a cue only makes a quote when a complementiser, a colon
or a quoted passage follows it closely (or, for a source preposition such as
``بحسب``, when a clause precedes it). Attribution is ``qawl.attribution``'s job.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qawl import __version__
from qawl.attribution import (
    _AMMA,
    _NAME_LINKS,
    _NOT_BEFORE_A_SOURCE,
    _RELATIVES,
    _is_adjective,
    _is_family_word,
    attribute,
    is_the_name_ali,
)
from qawl.lexicon import Cue, ambiguous_cue, is_common_noun, lookup_cue, name_gender, word_list
from qawl.schema import Document, Quote, Span
from qawl.text import MarkPair, Token, fold, pair_marks, sentences, strip_span, tokens

# Tokens between a cue and its complement: an apposed name and the occasion
# (`قال عضو ...، NAME، عقب لقائه ...، صباح الخميس، ...، أنه`) may stand between.
MAX_GAP = 40
MAX_SPEAKER = 18  # tokens of a speaker mention
MAX_QUOTED_NAME = 8  # words of a body's quoted name (`مكتب "هيئة النقل العام"`)
MIN_QUOTED_WORDS = 3  # fewer quoted words after a nominal are a name or a term
_TRIM = " \t\n.,،؛;:!?؟…-–—"
_QUOTE_MARKS = "«»“”‹›„\"'‘’"
# Nouns after a source preposition that refer back to the speaker's words.
_SELF_REFERENCE = frozenset(
    {
        "قوله",
        "قولها",
        "قولهم",
        "تعبيره",
        "تعبيرها",
        "تعبيرهم",
        "وصفه",
        "وصفها",
        "روايته",
        "روايتها",
        "تقديره",
        "تقديرها",
    }
)
_UNNAMED = frozenset(
    {
        "مصدر",
        "مصادر",
        "مسؤول",
        "مسؤولون",
        "مسوول",
        "مسوولون",
        "مسؤولين",
        "مسوولين",
        "متحدث",
        "مراسل",
        "شهود",
        "سكان",
        "خبراء",
        "مسعفون",
    }
)
_TIME_WORDS = frozenset(
    {
        "اليوم",
        "امس",
        "الاحد",
        "الاثنين",
        "الثلاثاء",
        "الاربعاء",
        "الخميس",
        "الجمعه",
        "السبت",
        "مساء",
        "صباح",
        "ليله",
        "يوم",
        "ايضا",
        "كذلك",
    }
)
_RELAY = "نقل"
_FROM = frozenset(fold(w) for w in ("عن", "عنه", "عنها", "عنهم", "عنهما"))
_DESCRIBE = frozenset({"وصف", "اعتبر"})  # `وصفه بـ"..."`: the quoted word is direct


@dataclass
class _Doc:
    """Per-document analysis shared by the rules."""

    text: str
    toks: list[Token]
    pairs: dict[int, MarkPair]  # by opening offset
    sents: list[tuple[int, int]]

    def __post_init__(self) -> None:
        # Sorted keys for bisect: a 1 MB article must not cost quadratic time.
        self._sent_starts = [start for start, _ in self.sents]
        self._opens = sorted(self.pairs)
        self._by_close = {p.close: p for p in self.pairs.values() if p.closed}
        self._tok_starts = [t.start for t in self.toks]

    def tokens_after(self, offset: int, end: int, limit: int) -> list[Token]:
        """Up to ``limit`` tokens that start after ``offset`` and before ``end``."""
        first = bisect.bisect_right(self._tok_starts, offset)
        return [t for t in self.toks[first : first + limit] if t.start < end]

    def sentence_of(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._sent_starts, offset) - 1
        if index >= 0 and offset < self.sents[index][1]:
            return self.sents[index]
        return offset, offset

    def pairs_within(self, start: int, end: int) -> list[MarkPair]:
        first = bisect.bisect_left(self._opens, start)
        last = bisect.bisect_left(self._opens, end)
        return [self.pairs[o] for o in self._opens[first:last] if self.pairs[o].content_end <= end]

    def pair_closing_before(self, offset: int) -> MarkPair | None:
        """The closed pair whose closing mark is the last thing before offset."""
        index = offset - 1
        while index >= 0 and (self.text[index].isspace() or self.text[index] in _TRIM):
            index -= 1
        return self._by_close.get(index)

    def pair_at(self, tok: Token) -> MarkPair | None:
        return self.pairs.get(tok.start) if tok.text in _QUOTE_MARKS else None


def _is_complementiser(tok: Token) -> bool:
    return tok.norm in word_list("complementisers.txt")


def _is_boundary(tok: Token) -> bool:
    if is_the_name_ali(tok.text):
        return False
    norm = tok.norm[1:] if tok.norm[:1] == "و" and len(tok.norm) > 2 else tok.norm
    return (
        not any(ch.isalnum() for ch in tok.text)
        or tok.norm in word_list("boundaries.txt")
        or norm in word_list("boundaries.txt")
        or tok.norm.isdigit()
    )


def _ends_speaker(tok: Token, speaker: list[Token]) -> bool:
    """A word that cannot continue a speaker mention: a boundary, or once the
    mention has begun an attached `ل`/`بال` phrase (`لغول`, `للضباط`) unless it
    follows a title (`الأمين العام للأمم المتحدة`)."""
    if _issued_by(tok, speaker):
        return False  # `تقرير لصحيفة ...`, `بيان صادر عن الوزارة`: the document's issuer
    if _is_boundary(tok):
        return True
    if not speaker and (tok.norm.startswith(("لل", "بال", "ل ")) or tok.text.startswith("لـ")):
        return True  # `تصريح للصحافيين`, `قال لـCNN`: an addressee, not the speaker
    if not speaker and tok.norm[:1] == "ل" and _heads_a_description(tok.norm[1:], tok.text[1:]):
        return True  # `NAME قال لفريق الأمن القومي`, `لزعيم ...`: whom he told
    if not speaker and tok.norm in _NOT_A_SOURCE:
        return True  # `في إجابة حول سؤال`: what it was about, not who spoke
    if not speaker and _accusative(tok):
        return True  # `وأردف مسترسلا`, `وخصصت جانباً`: how or what, never who
    if not speaker or not _has_name(speaker):
        return False  # a title chain goes on until its name (`رئيس إدارة ... لهيئة ...`)
    norm = tok.norm
    if norm in _NOT_NAMES:
        return False  # `بيانات وزارة ...`: a body head goes on (its `و` is a letter)
    if norm.startswith("و") and len(norm) >= 3 and _is_name_word(speaker[-1]):
        return True  # `أكد تيلرسون وقوف بلاده`: after a name, a و-word is the object
    # `للضباط`, `بالقول`; a bare ل-word ends it only when it names a body or a
    # title (`لوزارة`), so that names such as `ليلى` or `لافروف` still count.
    return norm.startswith(("لل", "بال")) or (
        norm.startswith("ل") and (norm[1:] in _NOT_NAMES or norm[1:] in word_list("titles.txt"))
    )


def _accusative(tok: Token) -> bool:
    """An indefinite accusative: written with `ً`, or a derived participle
    (`مت...`, `مست...`) ending in its `ا` (`مسترسلا`), which a subject never is."""
    if "\u064b" in tok.text:
        return True
    norm = tok.norm
    return (
        len(norm) >= 6
        and norm.startswith(("مت", "مست"))
        and norm.endswith("ا")
        and not norm.endswith("نا")  # `متابعونا`: ours
        and norm not in word_list("places.txt")
        and name_gender(tok.text) == "?"
    )


def _heads_a_description(norm: str, written: str) -> bool:
    """A title, a body's head or a common noun (`زعيم`, `فريق`), not a name."""
    return norm in word_list("titles.txt") or norm in _NOT_NAMES or is_common_noun(written)


def _has_name(speaker: list[Token]) -> bool:
    """Whether a speaker holds a name yet: its first word, or a later word that
    is no common noun (`مديرة قسم الاستجابة للأزمات ...` has none)."""
    return _is_name_word(speaker[0]) or any(
        _is_name_word(t) and not is_common_noun(t.text) for t in speaker[1:]
    )


_ISSUED = frozenset(fold(w) for w in ("صادر", "الصادر", "صادرة", "الصادرة"))


def _issued_by(tok: Token, speaker: list[Token]) -> bool:
    """After a lone document word, `ل` + a body (`تقرير لوكالة`) or `صادر عن`
    names who issued it."""
    if len(speaker) == 1 and speaker[0].norm in word_list("documents.txt"):
        body = tok.norm[1:] in _NOT_NAMES or tok.norm[1:] in _NAMED_IN_MARKS
        return (tok.norm[:1] == "ل" and body) or tok.norm in _ISSUED
    return bool(speaker) and speaker[-1].norm in _ISSUED and tok.norm == "عن"


# A speaker never starts with these: the prepositions that never introduce a
# source, and `في`/`خلال`, which introduce the occasion (`في إجابة`).
_NOT_A_SOURCE = _NOT_BEFORE_A_SOURCE | frozenset(fold(w) for w in ("في", "خلال"))
# Heads that take a definite complement (`وزارة الدفاع`, `مصدر ... `): not names.
_NOT_NAMES = word_list("bodies.txt") | _UNNAMED


def _subject_before_an(doc: _Doc, i: int) -> bool:
    """Whether the words after a describing verb run to `أن` (`اعتبر NAME أن`)
    rather than to `بـ` or marks (`وصف المحادثات بـ"..."`); not after a relative
    pronoun (`والذي يعتبر أكبر مركز`: it is considered)."""
    if i > 0 and doc.toks[i - 1].norm.removeprefix("و") in _RELATIVES:
        return False
    for tok in doc.toks[i + 1 : i + 1 + MAX_SPEAKER]:
        if tok.norm == "ب" or tok.norm.startswith(("بان", "بال")) or doc.pair_at(tok):
            return False  # `بأنها`, `بـ"...`, `بالمثمر`: what the object was called
        if tok.text in ".:\n":
            return False
        if _is_complementiser(tok):
            return True
    return False


_PLAIN_ADJECTIVES = frozenset(
    fold(w) for w in ("الأخير", "الأخيرة", "الجديد", "الجديدة", "الأول", "الأولى", "السابق",
                      "السابقة", "الحالي", "الحالية", "الكبير", "الكبيرة", "العام", "العامة")
)  # fmt: skip


_WHAT = frozenset({"ما", "لما", "عما", "مما"})


def _describer_end(doc: _Doc, i: int) -> int:
    """`ووصف التلفزيون الرسمي الانفجار بأنه`, `ووصفه الوزير بأنه`: the index
    where a describing verb's subject ends, when before `بـ` the verb is
    followed by two definite noun phrases (the first its subject), or by one
    when its object is the verb's own pronoun; else 0 (`وصف القرار بأنه`:
    the one phrase is the object)."""
    pronoun = _with_pronoun(doc.toks[i])
    if i > 0 and doc.toks[i - 1].norm.removeprefix("و") in _RELATIVES | _WHAT:
        return 0  # `الذي وصفه بأنه`: the relative clause's subject is before it
    starts: list[int] = []
    for j in range(i + 1, min(i + 1 + MAX_SPEAKER, len(doc.toks))):
        tok = doc.toks[j]
        if tok.norm == "ب" or tok.norm.startswith(("بان", "بال")) or doc.pair_at(tok):
            if pronoun and starts:
                return j
            return starts[1] if len(starts) == 2 else 0
        if not tok.norm.startswith("ال") and not (pronoun and _is_name_word(tok)):
            return 0  # a preposition, a verb or an indefinite noun: no plain subject
        if j == i + 1:
            starts.append(j)
        elif tok.norm.startswith("ال") and not (
            tok.norm in _PLAIN_ADJECTIVES or _is_adjective(tok.text)
        ):
            starts.append(j)
    return 0


def _before_object(speaker: list[Token]) -> list[Token]:
    """A describing verb's subject without the object that follows it: up to
    its last name word (`الرئيس NAME القرار` -> `الرئيس NAME`), else its
    first word (`الوزير القرار` -> `الوزير`)."""
    names = [k for k, tok in enumerate(speaker) if _is_name_word(tok)]
    if names:
        return speaker[: names[-1] + 1]
    head = speaker[0].norm if speaker else ""
    if head in word_list("titles.txt") and not head.startswith("ال"):
        # an indefinite title takes its complement (`وزير التربية والتعليم المصري`)
        chain = 1
        while chain < len(speaker) and speaker[chain].norm.startswith(("ال", "وال")):
            chain += 1
        return speaker[:chain]
    return speaker[:1]


def _is_name_word(tok: Token) -> bool:
    # `والأسرة` in `وزيرة المرأة والأسرة والطفولة NAME` is a title's word, not a name
    return (
        not tok.norm.startswith(("ال", "وال"))
        and tok.norm not in _NOT_NAMES
        and tok.norm not in word_list("documents.txt")
        and not tok.norm.startswith(("لل", "بال"))
        and tok.norm not in word_list("titles.txt")
        and tok.norm not in word_list("places.txt")  # `سفير فرنسا لدى تونس NAME`
        and any(ch.isalpha() for ch in tok.text)
    )


# `أن` after these opens a time or manner clause, not what was said.
_NOT_SPEECH_BEFORE_AN = frozenset(
    fold(w) for w in ("دون", "بدون", "قبل", "بعد", "منذ", "حتى", "لكي", "كي", "بدلا", "عوضا",
                      # modal verbs of a clause inside the object (`أكد إعداد قائمة يمكن أن`)
                      "يمكن", "يمكنها", "يمكنه", "يجب", "ينبغي", "يتعين", "يتوجب", "يستطيع",
                      "تستطيع", "يريد", "تريد", "يحاول", "تحاول", "يفترض", "يرجح", "يحتمل")
)  # fmt: skip
# Heads that a quoted name may follow inside a speaker (`صحيفة "الميدان" المحلية`).
_NAMED_IN_MARKS = word_list("bodies.txt") | frozenset(
    fold(w) for w in ("مجلة", "جريدة", "إذاعة", "مجموعة", "صحيفة", "موقع", "منظمة", "شبكة", "أنباء")
)


MAX_NAME_TO_COMPLEMENT = 12  # tokens from a quoted name's closing mark to `أن`


def _names_before_complement(doc: _Doc, pair: MarkPair, words: int) -> bool:
    """`قالت منظمة "مراسلون بلا حدود"، الأربعاء، إن ...`, `خلال برنامج "..."
    الذي يقدمه ... أنه`: a short quoted passage that the sentence follows with
    `أن`/`إن` (no other cue between) is a name or a title, not the quote."""
    if words > MAX_QUOTED_NAME or not pair.closed:
        return False
    _, sent_end = doc.sentence_of(pair.open)
    for tok in doc.tokens_after(pair.close, sent_end, MAX_NAME_TO_COMPLEMENT):
        if doc.pair_at(tok) is not None or _cue_of(tok) is not None:
            return False
        if _is_complementiser(tok) or tok.text == ":":
            return True
    return False


def _quoted_subject(doc: _Doc, j: int, pair: MarkPair, speaker: list[Token]) -> int:
    """Right after the verb, a short quoted name that the sentence goes on
    after (`وأوضحت "غوغل" على مدونتها "..."`, `وقالت "الصباح" إن`), not a short
    quotation that ends it (`وقال "لا".`): the index after the closing mark, else 0."""
    if not _short_name(doc, pair):
        return 0
    close = _closing_index(doc, j, pair)
    after = doc.toks[close + 1] if close + 1 < len(doc.toks) else None
    goes_on = after is not None and (
        _is_complementiser(after) or after.norm in _TAIL_PREPOSITIONS | {"على", "عبر"}
    )
    if not goes_on:
        return 0
    speaker.extend(doc.toks[j : close + 1])  # the name with its marks
    return close + 1


def _closing_index(doc: _Doc, j: int, pair: MarkPair) -> int:
    """The index of the closing mark of the pair opened at token ``j``."""
    close = j + 1
    while close < len(doc.toks) and doc.toks[close].start < pair.close:
        close += 1
    return close


def _short_name(doc: _Doc, pair: MarkPair) -> bool:
    """Quoted words few enough to be a name (`"ديلي ميل"`), not a quotation."""
    return 0 < len(doc.text[pair.content_start : pair.content_end].split()) < MIN_QUOTED_WORDS


def _quoted_name(doc: _Doc, j: int, speaker: list[Token]) -> int:
    """At an opening mark inside a speaker, a quoted name joins it: a short one
    after a body head (`مجلة "الميدان"`), or one of up to eight words that goes
    on into `أن` or a title (`المتحدث باسم "رابطة المستأجرين" أن`). Returns the
    index after the closing mark, else 0."""
    pair = doc.pair_at(doc.toks[j])
    if pair is None or not pair.closed:
        return 0
    if not speaker:
        return _quoted_subject(doc, j, pair, speaker)
    head = speaker[-1].norm
    head = head[1:] if head[:1] == "ل" and head[1:] in _NAMED_IN_MARKS else head  # `لموقع`
    close = _closing_index(doc, j, pair)
    words = len(doc.text[pair.content_start : pair.content_end].split())
    goes_on = close + 1 < len(doc.toks) and (
        _is_complementiser(doc.toks[close + 1])
        or doc.toks[close + 1].norm in word_list("titles.txt")
    )
    short = words < MIN_QUOTED_WORDS
    # `منظمة "مراسلون بلا حدود"، الأربعاء، إن`: a longer name the sentence follows with `أن`
    named = head in _NAMED_IN_MARKS and _names_before_complement(doc, pair, words)
    if not ((head in _NAMED_IN_MARKS and short) or named or (goes_on and words <= MAX_QUOTED_NAME)):
        return 0
    speaker.extend(doc.toks[j + 1 : close + 1])  # its words and the closing mark
    return close + 1


# Verbs whose masculine imperfect right before `أن` reads as a passive
# (`يذكر أن`, `يعتقد أن` are never cues: lexicon/ambiguous.txt).
_IMPERSONAL = frozenset({"توقع"})


def _impersonal(cue_tok: Token, cue: Cue) -> bool:
    """`ويتوقع أن` reads as `يُتوقع` ("it is expected"): a singular masculine
    imperfect of these verbs with `أن` right after it has no speaker."""
    form = cue_tok.norm.removeprefix("و")
    return cue.lemma in _IMPERSONAL and form.startswith("ي") and cue.number != "pl"


def _cue_of(tok: Token) -> Cue | None:
    cue = lookup_cue(tok.norm) if any(ch.isalpha() for ch in tok.text) else None
    if cue is not None and cue.pos == "verb" and tok.text.endswith("ة"):
        return None  # `إضافة إلى` folds as `أضافه` (he added it); no verb ends in `ة`
    return cue


class RuleExtractor:
    """``extractor(text) -> Document``; ``extractor.pipe(texts)`` for many."""

    name = "rules"

    def __call__(self, text: str, doc_id: str = "doc") -> Document:
        quotes, entities = attribute(text, self.tag(text))
        return Document(
            id=doc_id,
            text=text,
            entities=entities,
            quotes=quotes,
            qawl_version=__version__,
            extractor=f"qawl-rules {__version__}",
        )

    def pipe(
        self, texts: Iterable[str | tuple[str, str]], batch_size: int = 64
    ) -> Iterator[Document]:
        """Documents for texts (or ``(id, text)`` pairs) in order; rules need no batching."""
        for number, item in enumerate(texts):
            doc_id, text = item if isinstance(item, tuple) else (str(number), item)
            yield self(text, doc_id)

    # -- tagging ------------------------------------------------------------
    def tag(self, text: str) -> list[Quote]:
        """Unattributed quotes (entity None) in reading order."""
        pairs = pair_marks(text)
        toks = _with_name_particles(tokens(text))
        doc = _Doc(text, toks, {p.open: p for p in pairs}, sentences(text, pairs))
        found: list[Quote] = []
        seen: set[Span] = set()  # one quote per content: the first cue found owns it
        for i, tok in enumerate(doc.toks):
            cue = _cue_of(tok) or _cue_in_context(doc, i)
            if cue is None:
                continue
            quote = _source_quote(doc, i, found) if cue.pos == "source" else _cue_quote(doc, i, cue)
            if quote is not None and quote.content not in seen:
                seen.add(quote.content)
                found.append(quote)
        found = _without_cues_inside_direct_quotes(found)
        found = _without_nested_reports(found)
        found.sort(key=lambda q: (q.content.start, q.content.end))
        return found


# Set-aside verbs (lexicon/ambiguous.txt) that are cues where their clause
# opens with them and runs to `أن` (`وبين الوزير أن`, not `بين البلدين`; `ورد`).
_CUES_IN_CONTEXT = frozenset(fold(w) for w in ("بين", "رد"))


def _cue_in_context(doc: _Doc, i: int) -> Cue | None:
    """The cue a set-aside verb at ``i`` is in its context, else None."""
    tok = doc.toks[i]
    norm = tok.norm
    bare = norm[1:] if norm[:1] in "وف" and len(norm) > 3 else norm
    if bare not in _CUES_IN_CONTEXT or (cue := ambiguous_cue(bare)) is None:
        return None
    before = doc.toks[i - 1] if i else None
    opens = bare != norm or before is None or before.text in ".،,:\n" or _opens_clause(before)
    if not opens and doc.sentence_of(tok.start)[0] != tok.start:
        return None
    for after in doc.toks[i + 1 : i + 1 + MAX_SPEAKER]:
        if _is_complementiser(after):
            return cue
        if after.text in ".:\n" or doc.pair_at(after) or _cue_of(after) or after.norm == "و":
            return None
    return None


def _with_name_particles(toks: list[Token]) -> list[Token]:
    """`كارل فان أوستيروم`: `فان` between two names is a name particle, not
    `فإن` written without its hamza; its folded form is set apart so that the
    complementiser list does not take it."""
    out = list(toks)
    for i in range(1, len(toks) - 1):
        if toks[i].text == "فان" and _names_around(toks[i - 1], toks[i + 1]):
            out[i] = Token(toks[i].start, toks[i].end, toks[i].text, "فان_")
    return out


def _names_around(before: Token, after: Token) -> bool:
    return all(
        _is_name_word(tok) and not is_common_noun(tok.text) and not tok.norm.startswith("ال")
        for tok in (before, after)
    )


def _without_cues_inside_direct_quotes(found: list[Quote]) -> list[Quote]:
    """`قال: "نعم. وقال إنه سيبقى"`: a cue inside a direct quote's content is
    the quoted speaker's own words, not a new quote. (Sorted starts and
    bisect: a 1 MB article holds thousands of quotes.)"""
    direct = sorted((q.content.start, q.content.end) for q in found if q.kind == "direct")
    starts = [start for start, _ in direct]
    kept = []
    for quote in found:
        cue = quote.cue
        index = bisect.bisect_right(starts, cue.start) - 1 if cue is not None else -1
        inside = index >= 0 and cue.end <= direct[index][1] and quote.kind != "direct"
        if not inside or (quote.content.start, quote.content.end) == direct[index]:
            kept.append(quote)
    return kept


def _without_nested_reports(found: list[Quote]) -> list[Quote]:
    """An indirect report without a source of its own whose cue stands inside
    another quote's content (`إن كمال الذي أعلن أنه ...`) is part of that
    quote; one with its own source, or in marks, is a quote of its own
    (guidelines, 7)."""
    spans = sorted((q.content.start, q.content.end) for q in found)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))  # furthest end so far
    kept = []
    for quote in found:
        cue, content = quote.cue, quote.content
        index = bisect.bisect_right(starts, cue.start) - 1 if cue is not None else -1
        own = cue is not None and content.start <= cue.start and cue.end <= content.end
        nested = index >= 0 and reach[index] >= cue.end and not own
        if not (nested and quote.speaker is None and quote.kind == "indirect"):
            kept.append(quote)
    return kept


def _span(doc: _Doc, start: int, end: int, chars: str = _TRIM) -> Span | None:
    start, end = strip_span(doc.text, start, end, chars)
    return Span.of(doc.text, start, end) if end > start else None


def _cue_quote(doc: _Doc, i: int, cue: Cue) -> Quote | None:
    """A verb, participle or verbal noun cue followed by its complement; a verb
    without a subject after it takes the one before it (`الخبراء اعتبروا أن`)."""
    readings = (_passive_reading, _amounts_to, _negated_participle)
    if any(reading(doc, i, cue) for reading in readings):
        return None  # "is considered", "amounts to", "unconfirmed": no one speaks
    quote = _cue_complement(doc, i, cue)
    if quote is not None and quote.speaker is None and cue.pos == "verb":
        quote.speaker = _fronted_subject(doc, i)
    return quote


def _quoted_description(doc: _Doc, j: int, cue: Cue, sent_end: int) -> MarkPair | None:
    """After a describing verb's `بأنه`, a quoted description that the sentence
    goes on after: the source's own words, a direct quote."""
    if cue.lemma not in _DESCRIBE or not doc.toks[j].norm.startswith("ب") or j + 1 >= len(doc.toks):
        return None  # `اعتبر أن "..." و...` stays a mixed report
    pair = doc.pair_at(doc.toks[j + 1])
    if pair is None or not pair.closed or pair.open != doc.toks[j + 1].start:
        return None
    return pair if pair.close < sent_end else None


def _amounts_to(doc: _Doc, i: int, cue: Cue) -> bool:
    """`تبلغ 26 عاما`: before a number, `أبلغ` (inform) is `بلغ` (amount to)."""
    after = doc.toks[i + 1].text if i + 1 < len(doc.toks) else ""
    return cue.lemma == "أبلغ" and after[:1].isdigit()


def _negated_participle(doc: _Doc, i: int, cue: Cue) -> bool:
    """`تقارير غير مؤكدة`: after `غير`, a participle is an adjective (unconfirmed)."""
    return cue.pos == "participle" and i > 0 and doc.toks[i - 1].norm == "غير"


def _passive_reading(doc: _Doc, i: int, cue: Cue) -> bool:
    """`المحطة تعتبر من "أحسن المحطات"`, `التي تعتبر أكبر`: an imperfect of
    considering after a relative pronoun or a definite noun, and no `أن` next,
    reads as "is considered"; no one speaks."""
    form = doc.toks[i].norm.removeprefix("و")
    if cue.lemma != "اعتبر" or cue.pos != "verb" or not form.startswith(("ي", "ت")) or i == 0:
        return False
    before = doc.toks[i - 1].norm
    nxt = doc.toks[i + 1] if i + 1 < len(doc.toks) else None
    opens_content = nxt is not None and (_is_complementiser(nxt) or nxt.text == ":")
    definite = before.startswith("ال") and before not in word_list("titles.txt")
    return not opens_content and (before in _RELATIVES or definite)


MAX_FRONTED = 6  # words of a subject written before its verb
MAX_FRONTED_DEFINITE = 3  # words of a nameless one (`المجموعة الحقوقية`)
_BUT_OPENERS = frozenset(fold(w) for w in ("لكن", "أن", "كان", "كانت"))  # `إلا أن`, `بيد أن`


def _fronted_subject(doc: _Doc, i: int) -> Span | None:
    """`لكن مصادر ميدانية أكدت أن`, `وكانت الوزارة قد أعلنت أن`: the words
    between the clause's start (or `كان`) and the verb, when they can name a
    source."""
    cue = _cue_of(doc.toks[i])
    if cue is not None and cue.lemma in _DESCRIBE and doc.toks[i].norm.endswith(("ه", "ها", "هم")):
        return None  # `وسط ظرف وصفه بـ"..."`: a relative clause on the noun before it
    written = doc.toks[i].text
    joined = written[:1] == "ف" or (i > 0 and doc.toks[i - 1].norm == "فقد")
    if joined and (topic := _topic_before(doc, i)) is not None:
        return topic  # `أما مندوب الكويت فأعلن أن`, `أما الوزير، فقد أكد أن`
    if written[:1] in "وف" and lookup_cue(fold(written[1:])) is not None:
        return None  # `...، وأشار إلى أن`: a conjoined verb has no subject before it
    k = i - 1
    if k >= 0 and doc.toks[k].norm == "قد":
        k -= 1
    if k >= 0 and doc.toks[k].text in "،,":
        k -= 1  # `بيد أن الناشط NAME، يقول إن`: a comma may set the subject off
        k = _before_relative_clause(doc, k)
    words: list[Token] = []
    while k >= 0 and len(words) <= MAX_FRONTED:
        tok = doc.toks[k]
        if _opens_clause(tok) or _is_boundary(tok) or _cue_of(tok) or _is_complementiser(tok):
            break
        words.insert(0, tok)
        k -= 1
    opener = doc.toks[k] if k >= 0 else None
    # `أفاد NAME بأن خبراء المعهد قد أكدوا أنها`: a complementiser opens the clause
    opens = opener is None or opener.text in ".،,:\n" or _is_complementiser(opener)
    if not words or len(words) > MAX_FRONTED or not (opens or _opens_clause(opener)):
        return None
    if "\n" in doc.text[words[0].start : words[-1].end]:
        return None
    # after `لكن`, `إلا أن`, `كانت ... قد`, a definite noun phrase is the subject
    # (`لكن المحللين يقولون إن`, `إلا أن المجموعة الحقوقية تشير إلى`)
    definite = (
        opener is not None
        and opener.norm.removeprefix("و") in _BUT_OPENERS
        and words[0].norm.startswith("ال")
        and len(words) <= MAX_FRONTED_DEFINITE
    )
    if not (definite or words[0].norm in _SOURCE_HEADS or any(_is_name_word(t) for t in words)):
        return None
    if words[0].norm[:1] == "و" and words[0].norm not in _SOURCE_HEADS:
        return None  # `وأدانت المجموعة ما قالت`: a verb of its own opens the clause
    return _speaker_span(doc, words)


MAX_RELATIVE_CLAUSE = 15  # words of a relative clause between a subject and its verb


def _topic_before(doc: _Doc, i: int) -> Span | None:
    """`أما مندوب الكويت فأعلن`: the words between `أما` and the verb its `ف`
    joins are the verb's subject, when they can name a source."""
    for k in range(i - 1, max(-1, i - 2 - MAX_FRONTED), -1):
        tok = doc.toks[k]
        if tok.norm in _AMMA:
            words = [t for t in doc.toks[k + 1 : i] if t.text not in "،," and t.norm != "فقد"]
            named = any(_is_name_word(t) for t in words)
            if words and (named or words[0].norm in _SOURCE_HEADS):
                return _speaker_span(doc, words)
            return None
        if tok.text in ".:\n" or _cue_of(tok) or _is_complementiser(tok):
            return None
    return None


def _before_relative_clause(doc: _Doc, k: int) -> int:
    """`غير أن الوزير NAME الذي يعد من ...، اعتبر أن`: the index before the
    relative clause that ends at ``k`` (``k`` itself when there is none)."""
    for j in range(k, max(-1, k - MAX_RELATIVE_CLAUSE), -1):
        tok = doc.toks[j]
        if tok.text in ".،,:\n":
            break
        if tok.norm in _RELATIVES and j > 0:
            return j - 1
    return k


# Words after which a clause, and its fronted subject, begins.
_CLAUSE_OPENERS = frozenset(
    fold(w)
    for w in ("لكن", "لكنه", "لكنها", "لكنهم", "كان", "كانت", "إن", "أن", "إلا", "بيد", "إذ", "حيث",
              "بعدما", "عندما", "حين", "حينما", "كما", "فيما", "بينما", "بعد", "قبل")
)  # fmt: skip
_SOURCE_HEADS = word_list("titles.txt") | word_list("documents.txt") | _NOT_NAMES


def _opens_clause(tok: Token) -> bool:
    return tok.norm.removeprefix("و") in _CLAUSE_OPENERS


def _cue_complement(doc: _Doc, i: int, cue: Cue) -> Quote | None:
    """A cue followed by its complement; the speaker is what stands between them."""
    cue_tok = doc.toks[i]
    _, sent_end = doc.sentence_of(cue_tok.start)
    speaker: list[Token] = []
    # `وصف المحادثات بأنها`: after a verb of describing, a plain noun is the object.
    in_speaker = cue.pos in ("verb", "noun") and (
        cue.lemma not in _DESCRIBE or doc.toks[i + 1].norm in word_list("titles.txt")
        if i + 1 < len(doc.toks)
        else False
    )
    subject_end = 0  # where a describing verb's subject gives way to its object
    if cue.pos == "verb" and cue.lemma in _DESCRIBE and not in_speaker:
        in_speaker = _subject_before_an(doc, i)  # `اعتبر NAME أن`: no object, a subject
        if not in_speaker:
            subject_end = _describer_end(doc, i)
            in_speaker = subject_end > 0
    if cue.pos == "noun" and _with_pronoun(cue_tok):
        in_speaker = False  # `وإعلانه الرسمي الاستقالة`: its pronoun is the speaker
    if cue.pos == "noun" and i > 0 and doc.toks[i - 1].norm in ("في", "خلال"):
        in_speaker = False  # `وأكد في تصريحات صحفية`: the occasion; the verb's subject speaks
    resume = 0  # the index after a quoted name taken into the speaker
    for j in range(i + 1, min(i + 1 + MAX_GAP, len(doc.toks))):
        tok = doc.toks[j]
        if j < resume:
            continue
        if tok.start >= sent_end and not doc.pair_at(tok):
            return None
        if j == subject_end:
            in_speaker = False
        nearer = _cue_of(tok) if j > i + 1 else None
        if nearer is not None and _negated_participle(doc, j, nearer):
            nearer = None
        if nearer is not None and nearer.pos == "source":
            closing = _parenthesis_end(doc, j, sent_end)
            if closing:  # `وقال NAME، وفق ما نقلت الوكالة، إن`: the relay set off
                resume, in_speaker = closing, False
                continue
        if nearer is not None and nearer.pos != "source":
            # `قال الوزير في تصريح إن`: the verb keeps its subject's complement
            circumstance = doc.toks[j - 1].norm in ("في", "خلال")  # `في تصريح`, `خلال كلمة`
            if not (cue.pos == "verb" and speaker and nearer.pos == "noun" and circumstance):
                return None  # the nearer cue owns the complement (`وأضاف قائلاً`)
            in_speaker = False
            continue
        if cue.lemma == _RELAY and tok.norm in _FROM:
            # `نقلت الوكالة عن مصدر`: the originator is the source, not the
            # relay (guidelines, 9); after `عنها` he is the source named before.
            speaker, in_speaker = [], tok.norm == "عن"
            continue
        if tok.text == ":":
            return _after_colon(doc, j, cue_tok, speaker)
        pair = doc.pair_at(tok)
        if pair is not None and in_speaker:
            resume = _quoted_name(doc, j, speaker)
            if resume:
                continue
        if pair is not None:
            words = len(doc.text[pair.content_start : pair.content_end].split())
            governed = j > 0 and doc.toks[j - 1].norm in ("ب", "ل")
            after_describe = cue.lemma in _DESCRIBE and governed
            named = not after_describe and _names_before_complement(doc, pair, words)
            if (words >= MIN_QUOTED_WORDS or after_describe) and not named:
                if governed and not subject_end:  # `وصف الرئيس NAME القرار بـ"..."`
                    speaker = _before_object(speaker)  # the object is no speaker
                return _quote(doc, cue_tok, speaker, pair.content_start, pair.content_end, "direct")
            in_speaker = False
            continue
        if _is_complementiser(tok):
            if doc.toks[j - 1].norm in _NOT_SPEECH_BEFORE_AN:
                return None  # `دون أن تستبعد`, `قبل أن يقوم`: a time or manner clause
            if j == i + 1 and _impersonal(cue_tok, cue):
                return None  # `ويتوقع أن`: "it is expected", no one speaks
            if cue.lemma in _DESCRIBE and tok.norm.startswith("ب") and not subject_end:
                speaker = _before_object(speaker)  # `وصف الرئيس NAME الاجتماع بأنه`
            described = _quoted_description(doc, j, cue, sent_end)
            if described is not None:  # `وصفه بأنه "قاتل معروف" لكنه ...` (guidelines, 14)
                return _quote(
                    doc, cue_tok, speaker, described.content_start, described.content_end, "direct"
                )
            return _complement(doc, j + 1, cue_tok, speaker, sent_end)
        if in_speaker and not speaker and (tok.norm in _TIME_WORDS or tok.text in "،,"):
            continue  # `قال اليوم الثلاثاء الناشط ...`: the subject comes after the time
        if in_speaker and tok.text in "،," and speaker:
            apposition = _apposition(doc, j + 1, speaker)
            if apposition:  # `المدير العام للمكتب، يوسف المدب،`
                speaker.extend(apposition)
            in_speaker = False
            continue
        if in_speaker and not _ends_speaker(tok, speaker) and len(speaker) < MAX_SPEAKER:
            speaker.append(tok)
        elif (
            in_speaker
            and len(speaker) == 1
            and speaker[0].norm in _UNNAMED
            and tok.norm in ("في", "من")
        ):
            speaker.append(tok)  # `مصدر في الشرطة`: the phrase is the source's only name
        elif in_speaker and (tail := _title_tail(doc, j, speaker)):
            speaker.extend(doc.toks[j:tail])  # `المبعوث الأممي إلى اليمن NAME`
            resume, in_speaker = tail, False
        else:
            in_speaker = False
    return None


MAX_TITLE_TAIL = 13  # tokens of a title's prepositional phrase and the name after it
_TAIL_PREPOSITIONS = frozenset(fold(w) for w in ("في", "إلى", "الى", "لدى", "لدي", "عن", "من"))


def _title_tail(doc: _Doc, j: int, speaker: list[Token]) -> int:
    """A title that goes on past a preposition to its holder's name (`سفير
    البلاد لدى واشنطن الأمير NAME أن`, `النائبة في البرلمان عن الحزب، NAME،
    إن`, `المبعوث الأممي إلى اليمن NAME الخميس أن`): the index after the first
    name of two words or more before the complement, else 0."""
    if not speaker or speaker[0].norm.removeprefix("و") not in word_list("titles.txt"):
        return 0
    if doc.toks[j].norm not in _TAIL_PREPOSITIONS or any(_is_name_word(t) for t in speaker):
        return 0
    run: list[int] = []
    place = 0  # the end of a first name followed by a comma: maybe a place
    for k in range(j + 1, min(len(doc.toks), j + 1 + MAX_TITLE_TAIL)):
        tok = doc.toks[k]
        ends = _is_complementiser(tok) or _cue_of(tok) is not None or tok.text == ":"
        if run and not ends and not _is_boundary(tok) and _continues_name(tok):
            run.append(k)
            continue
        if len(run) >= 2 and tok.text in "،," and not place:
            place, run = run[-1] + 1, []  # `في ولاية إلينوي، NAME،`: the name after the place
            continue
        if len(run) >= 2:
            return run[-1] + 1
        run = []
        if ends:
            return place
        if tok.text in "،," or tok.text in _QUOTE_MARKS or tok.norm in _TAIL_PREPOSITIONS:
            continue
        if _is_boundary(tok):
            return place
        before = doc.toks[k - 1]
        # a first name that is also a noun (`سامية`, `كريم`) starts a name after a
        # comma or a definite word (`إلى اليمن كريم ...`, `الأمير خالد ...`)
        apposed = before.text in "،," or before.norm.startswith("ال")
        if _is_name_word(tok) and (apposed or not is_common_noun(tok.text)):
            run = [k]
    return place


def _continues_name(tok: Token) -> bool:
    """`سامي الحداد`, `خالد بن سلمان`: a name word, a family name or a link."""
    return _is_name_word(tok) or _is_family_word(tok.norm) or tok.norm in _NAME_LINKS


MAX_APPOSITION = 4  # words of a name in apposition after a comma


def _apposition(doc: _Doc, k: int, speaker: list[Token]) -> list[Token]:
    """A proper name set off by commas after a title-led speaker
    (`وزير المالية، محمد معيط، إن`): its words, or nothing. Only after a title,
    and only when a comma, complementiser, colon or mark closes it."""
    if speaker[0].norm not in word_list("titles.txt"):
        return []
    words: list[Token] = []
    for tok in doc.toks[k : k + MAX_APPOSITION + 1]:
        if tok.text in "،,:(." or _is_complementiser(tok) or tok.text in _QUOTE_MARKS:
            return words
        if len(words) >= 2 and not _has_name(speaker) and _closes_apposition(tok):
            return words  # `NAME لمراسلنا، أن`, `NAME في تصريح إن`
        family = bool(words) and tok.norm.startswith("ال")  # `يوسف الكامل`
        if not (_is_name_word(tok) or family) or _is_boundary(tok) or _cue_of(tok):
            return []
        if len(words) == MAX_APPOSITION:
            return []
        words.append(tok)
    return []


def _closes_apposition(tok: Token) -> bool:
    """After a name in apposition, whom he told (`لمراسل`) or the occasion
    (`في تصريح`) ends it."""
    return tok.norm in ("في", "خلال") or (
        tok.norm[:1] == "ل" and _heads_a_description(tok.norm[1:], tok.text[1:])
    )


def _after_colon(doc: _Doc, j: int, cue_tok: Token, speaker: list[Token]) -> Quote | None:
    if j + 1 >= len(doc.toks):
        return None
    nxt = doc.toks[j + 1]
    pair = doc.pair_at(nxt)
    if pair is not None:
        return _quote(doc, cue_tok, speaker, pair.content_start, pair.content_end, "direct")
    _, sent_end = doc.sentence_of(nxt.start)
    return _quote(doc, cue_tok, speaker, nxt.start, sent_end, "direct")


def _complement(
    doc: _Doc, k: int, cue_tok: Token, speaker: list[Token], sent_end: int
) -> Quote | None:
    """Content after a complementiser: indirect, or direct/mixed by its marks."""
    if k >= len(doc.toks):
        return None
    start = doc.toks[k].start
    end = _indirect_end(doc, k, sent_end)
    pair = doc.pair_at(doc.toks[k])
    if pair is not None and pair.content_end >= end - 1:
        return _quote(doc, cue_tok, speaker, pair.content_start, pair.content_end, "direct")
    if pair is not None and not doc.text[pair.content_end + 1 : end].strip(_TRIM + _QUOTE_MARKS):
        return _quote(doc, cue_tok, speaker, pair.content_start, pair.content_end, "direct")
    kind = "mixed" if _has_quoted_words(doc, start, end) else "indirect"
    return _quote(doc, cue_tok, speaker, start, end, kind, keep_marks=kind == "mixed")


def _indirect_end(doc: _Doc, k: int, sent_end: int) -> int:
    """Where an indirect complement ends: its sentence end, or before `، مضيفاً`,
    `، بحسب` and similar next cues (convention 2)."""
    for j in range(k + 1, len(doc.toks)):
        tok = doc.toks[j]
        if tok.start >= sent_end:
            break
        if tok.text in "،," and j + 1 < len(doc.toks):
            nxt = _cue_of(doc.toks[j + 1])
            if nxt is not None and nxt.pos in ("participle", "source"):
                return tok.start
            if nxt is not None and nxt.pos == "verb" and doc.toks[j + 1].text[:1] in "وف":
                return tok.start  # `، وأشار إلى أن`: a new report
        in_his_words = tok.norm == "علي" and j + 1 < len(doc.toks) and doc.toks[j + 1].norm == "حد"
        if j > k + 1 and in_his_words:
            return doc.toks[j - 1].end  # `على حد تعبيره`: the report has ended
        if j > k + 1 and _opens_report(doc, j):
            if doc.toks[j - 1].norm in _REPORT_LINKS and j - 2 > k:
                return doc.toks[j - 2].end  # `...، لكنه أشار إلى أن`: before the link
            return doc.toks[j - 1].end  # `... مؤكدا أن`, `... وحذر من أن`, no comma before
    return sent_end


REPORT_REACH = 6  # tokens between a cue and the complementiser of its report
# `فيما أكدت اللجنة أن`, `كما أكد أن`: a verb cue after them starts a new report
_REPORT_LINKS = frozenset(
    fold(w) for w in ("فيما", "كما", "بينما", "حين", "لكن", "لكنه", "لكنها", "لكنهم", "ولكن",
                      "ولكنه", "ولكنها")
)  # fmt: skip


def _opens_report(doc: _Doc, j: int) -> bool:
    """A participle cue or a conjoined verb cue whose own complementiser
    follows (`مشددا على أن`, `وحذر من أن`): a new report starts at ``j``."""
    cue = _cue_of(doc.toks[j])
    if cue is None:
        return False
    conjoined = cue.pos == "verb" and (
        doc.toks[j].text[:1] in "وف" or doc.toks[j - 1].norm in _REPORT_LINKS
    )
    if cue.pos != "participle" and not conjoined:
        return False
    after = doc.toks[j + 1 : j + 1 + REPORT_REACH]
    return any(_is_complementiser(t) for t in after)


def _has_quoted_words(doc: _Doc, start: int, end: int) -> bool:
    return any(
        len(doc.text[p.content_start : p.content_end].split()) >= MIN_QUOTED_WORDS
        for p in doc.pairs_within(start, end)
    )


def _quote(
    doc: _Doc,
    cue_tok: Token,
    speaker: list[Token],
    start: int,
    end: int,
    kind: str,
    keep_marks: bool = False,
) -> Quote | None:
    chars = _TRIM if keep_marks else _TRIM + _QUOTE_MARKS
    content = _span(doc, start, end, chars)
    if content is None or not any(ch.isalpha() for ch in content.text):
        return None
    if keep_marks:  # a mixed span ends after its closing mark, not before
        content = _balanced(doc, content)
    if speaker and _relayed_by(doc, cue_tok, speaker):
        speaker = []  # `حسبما نقلته وكالة ...`: the outlet relays the source named before
    if speaker and len(speaker) <= 2 and _possessed_thing(speaker[0]):
        speaker = []  # `وتابع حديثه`, `أكد خلاله`, `بحسب ترجيحه`: his, the one named before
    return Quote(
        content=content,
        kind=kind,
        cue=Span.of(doc.text, cue_tok.start, cue_tok.end),
        speaker=_speaker_span(doc, speaker),
    )


_POSSESSIVE = ("هما", "هم", "هن", "ها", "ه")
# Prepositions that end in `ي` before a pronoun (`عليه`, `إليه`, `لديه`): not a name's `يه`.
_YEH_PREPOSITIONS = frozenset(fold(w) for w in ("على", "إلى", "لدى"))


def _possessive_suffix(word: str) -> str:
    return next((s for s in _POSSESSIVE if word.endswith(s)), "")


def _with_pronoun(cue_tok: Token) -> bool:
    """A cue form with an attached pronoun: a verbal noun's owner (`إعلانه`,
    `تصريحها`) or a verb's object (`وصفه`)."""
    word = cue_tok.text
    suffix = _possessive_suffix(word)
    return bool(suffix) and lookup_cue(fold(word[: -len(suffix)])) is not None


def _possessed_thing(tok: Token) -> bool:
    """A word with a possessive pronoun that names no one (`حديثه`, `ترجيحه`,
    `معرفتهم`, `خلاله`); not a person's relation (`محاميه`, `زميلتها`, `أحدهم`,
    `نظيره`), nor a name that ends in `ه` (`نصرالله`, `جوزيه`)."""
    word = tok.text
    suffix = _possessive_suffix(word)
    stem = word[: -len(suffix)] if suffix else ""
    if len(stem) < 3 or stem.startswith(("ال", "وال")) or word.endswith("الله"):
        return False
    if suffix == "ه" and stem.endswith("ي") and fold(stem) not in _YEH_PREPOSITIONS:
        return False  # `جوزيه`, `بارنييه`: a foreign name's ending
    bare = stem.removeprefix("و").removeprefix("ب").removeprefix("ل")
    forms = {fold(word), fold(stem), fold(bare)}
    forms |= {fold(f[:-1] + end) for f in (stem, bare) if f.endswith("ت") for end in ("", "ة")}
    return not forms & (word_list("kin.txt") | word_list("titles.txt") | _NOT_NAMES)


_OUTLETS = frozenset(
    fold(w) for w in ("وكالة", "صحيفة", "جريدة", "مجلة", "قناة", "إذاعة", "تلفزيون", "شبكة", "موقع")
)  # fmt: skip


def _relayed_by(doc: _Doc, cue_tok: Token, speaker: list[Token]) -> bool:
    """Whether the speaker is an outlet that a relay cue only passes on from
    (`ونقلت وكالة ...` with no `عن` after it): the source is the originator
    (guidelines, 9). After `وفقا لما نقلته` the outlet is the source named."""
    head = speaker[0].norm
    if not {head, head.removeprefix("ل"), head.removeprefix("و")} & _OUTLETS:
        return False
    return cue_tok.norm.removeprefix("و").startswith(_RELAY)  # not `وفقا لما نقلته ...`


def _balanced(doc: _Doc, content: Span) -> Span:
    end = content.end
    while end < len(doc.text) and doc.text[end] in _QUOTE_MARKS:
        end += 1
    return Span.of(doc.text, content.start, end)


def _speaker_span(doc: _Doc, speaker: list[Token]) -> Span | None:
    if not speaker:
        return None
    span = _span(doc, speaker[0].start, speaker[-1].end)
    pairs = doc.pairs_within(speaker[0].start, speaker[-1].end)
    if span is not None and any(pair.close == span.end for pair in pairs):
        return Span.of(doc.text, span.start, span.end + 1)  # `موقع "الرصيف"` keeps its mark
    return span


def _source_quote(doc: _Doc, i: int, found: list[Quote]) -> Quote | None:
    """`X، بحسب Y` (content before the cue) or `بحسب Y، فإن X` (after it)."""
    cue_tok = doc.toks[i]
    sent_start, sent_end = doc.sentence_of(cue_tok.start)
    if any(
        p.closed and p.content_start <= cue_tok.start and cue_tok.end <= p.content_end
        for p in doc.pairs_within(sent_start, sent_end)
    ):
        return None  # `"... الحوار وفق ميثاق الأمم"`: the quoted speaker's own words
    speaker, after = _source_speaker(doc, i + 1, sent_end)
    if speaker and _names_a_rule(speaker[0]):
        return None  # `وفقا للقانون`, `حسب المرحلة`: a criterion, not a source
    self_reference = after > i + 1 and doc.toks[after - 1].norm in _SELF_REFERENCE
    if _parenthesis_end(doc, i, sent_end):
        return None  # the relay of the report that follows it (convention 9)
    before = doc.text[sent_start : cue_tok.start].strip(_TRIM + "و")
    if not before:  # sentence-initial `وبحسب Y، ...`
        if after >= len(doc.toks) or doc.toks[after].start >= sent_end:
            return None
        # `وبحسب Y، فإن ...`, `... فقد أغارت`: the particle opens no content
        opener = _is_complementiser(doc.toks[after]) or doc.toks[after].norm == "فقد"
        k = after + 1 if opener else after
        if k >= len(doc.toks):
            return None
        return _quote(doc, cue_tok, speaker, doc.toks[k].start, sent_end, "indirect")
    if any(
        q.cue is not None and sent_start <= q.cue.start and q.content.start > cue_tok.start
        for q in found
    ):
        return None  # `وأضاف المصدر، وفق ما أوردت الوكالة أن ...`: the relay of that report
    if self_reference and any(
        q.content.start < cue_tok.start and sent_start < q.content.end for q in found
    ):
        return None  # `وبين أن "... وفق تعبيره ..."`: a quote of this sentence already has it
    previous = [
        q for q in found if sent_start <= q.content.start and q.content.end <= cue_tok.start
    ]
    if previous and not doc.text[previous[-1].content.end : cue_tok.start].strip(
        _TRIM + _QUOTE_MARKS
    ):
        if self_reference:  # `"..." حسب قوله` restates the quote's own source
            return None
        last = previous[-1]
        return Quote(
            last.content,
            last.kind,
            Span.of(doc.text, cue_tok.start, cue_tok.end),
            _speaker_span(doc, speaker),
        )
    closing = cue_tok.start
    pair = _pair_ending_before(doc, closing)
    if pair is not None:
        return _quote(doc, cue_tok, speaker, pair.content_start, pair.content_end, "direct")
    if cue_tok.norm.lstrip("و") in ("نقلا",):  # `نقلاً عن`: relay, the content follows
        return None
    start = max(sent_start, _last_clause_start(doc, sent_start, cue_tok.start))
    kind = "mixed" if _has_quoted_words(doc, start, cue_tok.start) else "indirect"
    return _quote(doc, cue_tok, speaker, start, cue_tok.start, kind, keep_marks=kind == "mixed")


MAX_PARENTHESIS = 12  # tokens of a relay set off by commas (`، وفق ما نقلت الوكالة،`)
_SET_OFF = frozenset("،,-–—")


def _parenthesis_end(doc: _Doc, i: int, sent_end: int) -> int:
    """For a source cue at ``i`` set off by commas or dashes and followed by a
    complementiser, a colon or marks (`وقال NAME، وفق ما نقلت الوكالة، إن`):
    the index after the closing comma; else 0."""
    if i == 0 or doc.toks[i - 1].text not in _SET_OFF:
        return 0
    for m in range(i + 1, min(i + 1 + MAX_PARENTHESIS, len(doc.toks) - 1)):
        tok = doc.toks[m]
        if tok.start >= sent_end:
            return 0
        if tok.text in _SET_OFF:
            nxt = doc.toks[m + 1]
            opens = _is_complementiser(nxt) or nxt.text == ":" or doc.pair_at(nxt) is not None
            return m + 1 if opens else 0
    return 0


def _pair_ending_before(doc: _Doc, offset: int) -> MarkPair | None:
    pair = doc.pair_closing_before(offset)
    if pair is None:
        return None
    words = len(doc.text[pair.content_start : pair.content_end].split())
    return pair if words >= MIN_QUOTED_WORDS else None


def _last_clause_start(doc: _Doc, sent_start: int, cue_start: int) -> int:
    """Content before a source cue starts at its sentence, after a leading
    `وقال X إن`-style cue if the sentence has one."""
    start = sent_start
    for tok in tokens(doc.text, sent_start, cue_start):
        if _is_complementiser(tok):
            start = tok.end
    return start


_PUBLISHED = frozenset(fold(w) for w in ("أورد", "أوردت", "نشر", "نشرت"))
_CAME = frozenset(fold(w) for w in ("جاء", "ورد"))
_GAVE = frozenset(fold(w) for w in ("أدلى", "أدلت", "أدلوا", "صرح", "صرحت"))


def _told_us(tok: Token) -> bool:
    """`أفادنا`: a cue with the outlet as its object (`نا`)."""
    return tok.norm.endswith("نا") and lookup_cue(tok.norm[:-2]) is not None


def _names_a_rule(tok: Token) -> bool:
    """`للقانون`, `المرحلة`, `للائحة`, `لأهوائها`: the noun, with or without
    its article, preposition and attached pronoun, is in ``not_sources.txt``."""
    norm = tok.norm
    stems = {norm, norm[1:], norm[2:], norm[3:]}  # ل, ال / لل, وال
    stems |= {stem[: -len(end)] for stem in stems for end in ("ها", "هم") if stem.endswith(end)}
    return bool(stems & word_list("not_sources.txt"))


def _source_speaker(doc: _Doc, j: int, sent_end: int) -> tuple[list[Token], int]:
    """The source after `بحسب`: skip `ما` + verb and `عن`; stop at a boundary.
    Returns the speaker tokens and the index after the speaker phrase."""
    toks = doc.toks
    after_ma = False
    while j < len(toks) and toks[j].norm in ("ما", "لما", "عن", "ل", "لـ", "كما"):
        after_ma = after_ma or toks[j].norm.endswith("ما")
        j += 1
    if j < len(toks) and toks[j].norm in _SELF_REFERENCE:
        return [], j + 1
    verb = toks[j].norm if j < len(toks) else ""
    fused = verb.startswith("ما") and lookup_cue(verb[2:]) is not None  # `حسب ماذكره`
    # `بحسب ما فاد به`: after `ما`, the word before `به` is the verb, however spelt
    before_bihi = after_ma and j + 1 < len(toks) and toks[j + 1].norm in ("به", "بها")
    came = after_ma and verb in _CAME  # `بحسب ما جاء في بلاغ للجمعية`
    if verb and (
        _cue_of(toks[j]) or verb in _PUBLISHED or _told_us(toks[j]) or fused or before_bihi or came
    ):
        j += 1
    while j < len(toks) and toks[j].norm in ("به", "بها", "عنه", "عنها"):
        j += 1  # `وفق ما أفاد به مراسلنا`, `وفق ما أعلن عنه المرصد`
    if after_ma:  # `بحسب ما أكده، الخميس، رئيس الهيئة`: the time before the source
        while j < len(toks) and (toks[j].norm in _TIME_WORDS or toks[j].text in "،,"):
            j += 1
    if came and j < len(toks) and toks[j].norm == "في":
        j += 1
    speaker: list[Token] = []
    pair = doc.pair_at(toks[j]) if j < len(toks) else None
    if pair is not None and pair.closed and _short_name(doc, pair):
        # `بحسب ما نقلت "ديلي ميل" البريطانية`: a quoted outlet is the source
        close = _closing_index(doc, j, pair)
        speaker, j = toks[j : close + 1], close + 1
    if j < len(toks) and toks[j].norm[:1] == "ل" and len(toks[j].norm) > 3:
        speaker.append(toks[j])  # `وفقا لصحيفة ...`, `وفقا للرقابة`: the source, not an addressee
        j += 1
    while j < len(toks) and toks[j].start < sent_end and len(speaker) < MAX_SPEAKER:
        resume = _quoted_name(doc, j, speaker)
        if resume:  # `بحسب موقع "الرصيف"`
            j = resume
            continue
        if j + 1 < len(toks) and toks[j].norm in _GAVE and toks[j + 1].norm in ("به", "بها"):
            speaker, j = [], j + 2  # `وفقا لتصريحات أدلى بها الوزير`: the one who made them
            continue
        if _ends_speaker(toks[j], speaker) and toks[j].norm != "عن":
            break
        if (
            (_is_boundary(toks[j]) and toks[j].norm not in ("عن",))
            or _is_complementiser(toks[j])
            or toks[j].norm in ("فقد", "فان", "فانه")
        ):
            break
        speaker.append(toks[j])
        j += 1
    if speaker and j < len(toks) and toks[j].text in "،,":
        apposition = _apposition(doc, j + 1, speaker)  # `بحسب رئيس الهيئة، NAME، فإن`
        if apposition:  # its words follow the comma one by one
            speaker, j = speaker + apposition, j + 1 + len(apposition)
    while j < len(toks) and toks[j].text in "،,":
        j += 1
    return speaker, j
