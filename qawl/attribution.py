"""Attribution: each quote's speaker entity, and the entities themselves.

Given quotes with their cue and (maybe absent) speaker mention, this groups
explicit mentions into document-level entities (titles, apposition and
surnames: `وزير الخارجية الأميركي جون كيري` = `كيري` = `الوزير الأميركي`) and
resolves implicit speakers (`وأضاف`, `مضيفاً`) to the last source whose gender
and number agree with the cue (`قالت` does not take a male source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qawl.eval.names import name_tokens
from qawl.lexicon import lookup_cue, word_list
from qawl.schema import Entity, Quote, Span
from qawl.text import Token, fold, tokens

# Heads of mentions that name bodies rather than people.
_ORG_HEADS = frozenset(
    fold(w)
    for w in (
        "وزارة", "الوزارة", "منظمة", "المنظمة", "وكالة", "الوكالة", "مجلس", "المجلس",
        "الحكومة", "حكومة", "الجيش", "جيش", "الشرطة", "شرطة", "مصادر", "المصادر", "مصدر",
        "هيئة", "الهيئة", "لجنة", "اللجنة", "صحيفة", "الصحيفة", "قناة", "بيان", "البيان",
        "دراسة", "الدراسة", "تقرير", "التقرير", "شركة", "الشركة", "حركة", "الحركة", "حزب",
        "الحزب", "جمعية", "الجمعية", "الأمم", "البنك", "بنك", "المحكمة", "محكمة", "السلطات",
        "الإدارة", "إدارة", "الرئاسة", "مكتب", "المكتب", "الاتحاد", "اتحاد", "الخارجية",
        "الداخلية", "المفوضية", "مفوضية", "النيابة", "مديرية", "المديرية", "الولاية",
    )
)  # fmt: skip
_FEMININE_TITLES = frozenset(
    fold(w) for w in ("الوزيرة", "وزيرة", "المتحدثة", "متحدثة", "الناطقة", "السيدة",
                      "الرئيسة", "رئيسة", "المديرة", "مديرة", "الأميرة", "الملكة", "النائبة")
)  # fmt: skip
_PREFIX_PREPOSITIONS = ("ل", "ب")
# Words that describe an unnamed source: two mentions made only of them are
# the same source only when they are the same words.
_GENERIC = frozenset(
    fold(w)
    for w in ("مصدر", "مصادر", "مسؤول", "مسؤولون", "مسؤولين", "بيان", "بيانا", "تقرير",
              "مراسل", "شهود", "سكان", "خبراء", "محللون", "ناشطون", "مصدرا", "وكاله")
)  # fmt: skip  # attached `لوزارة`, `بالوزارة` in source mentions


@dataclass
class _Entity:
    """An entity being built: its mentions and what agreement tells of it."""

    mentions: list[Span] = field(default_factory=list)
    gender: str = "?"
    number: str = "?"
    is_org: bool = False

    def keys(self) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for mention in self.mentions:
            out |= mention_key(mention.text)
        return out


def mention_key(mention: str) -> frozenset[str]:
    """Folded name tokens of a mention with titles and attached prepositions set aside."""
    titles = word_list("titles.txt")
    out = set()
    for tok in name_tokens(mention):
        if tok in titles or tok.startswith("نظير"):
            continue
        if tok[:1] in _PREFIX_PREPOSITIONS and tok[1:3] == "ال":
            tok = tok[1:]
        if tok.startswith("ال") and len(tok) > 4:
            tok = tok[2:]
        out.add(tok)
    return frozenset(out)


def _head(mention: str) -> str:
    words = mention.split()
    return fold(words[0]) if words else ""


def _is_org(mention: str) -> bool:
    head = _head(mention)
    if head[:1] in _PREFIX_PREPOSITIONS and head[1:] in _ORG_HEADS:
        return True
    return head in _ORG_HEADS or head.lstrip("ل") in _ORG_HEADS


def _mention_gender(mention: str) -> str:
    head = _head(mention)
    if head in _FEMININE_TITLES:
        return "f"
    if _is_org(mention):
        return "f" if head.endswith("ه") or head.endswith("ات") or head == "مصادر" else "m"
    return "?"


def _agrees(entity: _Entity, gender: str, number: str) -> bool:
    if gender in ("m", "f") and entity.gender in ("m", "f") and gender != entity.gender:
        return False
    return not (number in ("du", "pl") and entity.number == "sg" and not entity.is_org)


def _match(entities: list[_Entity], mention: str) -> _Entity | None:
    """The most recent entity a mention names: one key set inside the other
    (equal sets only for generic mentions such as `مصدر` or `مسؤولون`)."""
    key = mention_key(mention)
    if not key:
        return None
    generic = key <= _GENERIC
    for entity in reversed(entities):
        keys = entity.keys()
        if generic:
            if any(mention_key(m.text) == key for m in entity.mentions):
                return entity
            continue
        if keys and (key <= keys or any(mention_key(m.text) <= key for m in entity.mentions
                                         if mention_key(m.text))):
            return entity
    return None


def _cue_agreement(text: str, cue: Span | None) -> tuple[str, str]:
    if cue is None:
        return "?", "?"
    info = lookup_cue(fold(cue.text))
    return (info.gender, info.number) if info else ("?", "?")


def _nearest_title_mention(text: str, before: int) -> Span | None:
    """Fallback for an implicit speaker with no earlier source: the last
    title-led phrase before the quote (`التقى الوزير فلان ... وأضاف`)."""
    titles = word_list("titles.txt")
    words = list(_words(text, 0, before))
    for index in range(len(words) - 1, -1, -1):
        start, end, norm = words[index]
        if norm in titles and index + 1 < len(words):
            tail = words[index + 1 : index + 4]
            last = tail[-1][1] if tail else end
            return Span.of(text, start, last)
    return None


def _words(text: str, start: int, end: int):
    for match in re.finditer(r"[\w\u064b-\u0652\u0670\u0640]+", text[start:end]):
        yield start + match.start(), start + match.end(), fold(match.group())


def attribute(text: str, quotes: list[Quote]) -> tuple[list[Quote], list[Entity]]:
    """Quotes with their ``entity`` set (and ``resolved_to`` for implicit
    speakers), plus the entities they point to, in order of first mention."""
    ordered = sorted(quotes, key=lambda q: (q.cue or q.content).start)
    built: list[_Entity] = []
    owner: dict[int, _Entity] = {}
    last_mention: dict[int, Span] = {}
    for quote in ordered:
        gender, number = _cue_agreement(text, quote.cue)
        if quote.speaker is not None:
            entity = _match(built, quote.speaker.text)
            if entity is None:
                entity = _Entity(is_org=_is_org(quote.speaker.text))
                entity.gender = _mention_gender(quote.speaker.text)
                built.append(entity)
            entity.mentions.append(quote.speaker)
            if entity.gender == "?" and not entity.is_org:
                entity.gender = gender
            if entity.number == "?":
                entity.number = number
            last_mention[id(entity)] = quote.speaker
        else:
            entity = _resolve_implicit(text, quote, built, owner, ordered, gender, number)
            if id(entity) not in last_mention and entity.mentions:
                last_mention[id(entity)] = entity.mentions[-1]
            quote.resolved_to = last_mention.get(id(entity))
        owner[id(quote)] = entity
    return _finalise(text, quotes, built, owner)


def _resolve_implicit(
    text: str,
    quote: Quote,
    built: list[_Entity],
    owner: dict[int, _Entity],
    ordered: list[Quote],
    gender: str,
    number: str,
) -> _Entity:
    """The last source before the quote that agrees with its cue."""
    position = (quote.cue or quote.content).start
    previous = [owner[id(q)] for q in ordered if id(q) in owner and (q.cue or q.content).start < position]
    for entity in reversed(previous):
        if _agrees(entity, gender, number):
            return entity
    if previous:
        return previous[-1]
    mention = _nearest_title_mention(text, position)
    if mention is not None:
        entity = _match(built, mention.text) or _Entity(is_org=_is_org(mention.text))
        if entity not in built:
            entity.gender = gender
            built.append(entity)
        entity.mentions.append(mention)
        return entity
    entity = _Entity(gender=gender)
    built.append(entity)
    return entity


def _finalise(
    text: str, quotes: list[Quote], built: list[_Entity], owner: dict[int, _Entity]
) -> tuple[list[Quote], list[Entity]]:
    entities: list[Entity] = []
    ids: dict[int, str] = {}
    for entity in built:
        if not any(owner.get(id(q)) is entity for q in quotes):
            continue
        ids[id(entity)] = f"E{len(entities) + 1}"
        entities.append(
            Entity(
                id=ids[id(entity)],
                name=entity_name(entity.mentions, text) if entity.mentions else "مصدر غير محدد",
                type=_entity_type(entity),
                gender=_gender_label(entity),
                mentions=sorted(set(entity.mentions)),
            )
        )
    for quote in quotes:
        quote.entity = ids[id(owner[id(quote)])]
    return quotes, entities


def _entity_type(entity: _Entity) -> str:
    if not entity.mentions:
        return "unnamed"
    return "organisation" if entity.is_org else "person"


def _gender_label(entity: _Entity) -> str | None:
    if entity.is_org or not entity.mentions:
        return None
    return {"m": "male", "f": "female"}.get(entity.gender, "unknown")


def entity_name(mentions: list[Span], text: str = "") -> str:
    """The most complete name among mentions: the one with most name tokens,
    cut to its proper-name tail when a title leads it (`وزير الخارجية الأميركي
    جون كيري` -> `جون كيري`), kept whole for bodies (`وزارة الدفاع الروسية`).
    A mention with no proper name (`الرئيس التركي`, `المنظمة`) is completed
    from the article where it stands with one (`الرئيس التركي رجب طيب أردوغان`)."""
    best = max(mentions, key=lambda m: (len(mention_key(m.text)), len(m.text)))
    if text and not _has_proper_name(best.text):
        best = Span(best.start, best.end, _without_preposition(best.text))
        fuller = _fuller_mention(text, best)
        if fuller:
            return fuller
    return _proper_tail(_without_preposition(best.text))


def _without_preposition(mention: str) -> str:
    """`لوزارة الخزانة` -> `وزارة الخزانة`, `للرقابة الإدارية` -> `الرقابة الإدارية`:
    an attached preposition of a source phrase is not part of the name."""
    first, _, rest = mention.partition(" ")
    norm = fold(first)
    if norm.startswith("لل") and len(norm) > 4:
        first = "ال" + first[2:]
    elif norm[:1] == "ل" and (norm[1:] in _ORG_HEADS or norm[1:] in _GENERIC
                              or norm[1:] in word_list("titles.txt")):
        first = first[1:]
    return f"{first} {rest}".strip()


def _is_proper(word: str) -> bool:
    """A word that can belong to a proper name: not a title, not definite,
    not a boundary word; letters only."""
    norm = fold(word)
    return (
        len(norm) >= 2
        and all(ch.isalpha() or "\u064b" <= ch <= "\u0652" for ch in word)
        and not norm.startswith("ال")
        and norm not in word_list("titles.txt")
        and norm not in word_list("boundaries.txt")
        and norm not in word_list("complementisers.txt")
        and norm not in _ORG_HEADS
        and lookup_cue(norm) is None
    )


def _has_proper_name(mention: str) -> bool:
    words = mention.split()
    return any(_is_proper(w.strip("،,.\"«»")) for w in words[1:] or words)


def _name_after(text: str, end: int) -> str:
    """Up to four proper-name words right after ``end`` (one comma of apposition allowed)."""
    words: list[Token] = []
    for tok in tokens(text, end, min(len(text), end + 80)):
        if not words and tok.text in "،,":
            continue
        if not _is_proper(tok.text):
            break
        words.append(tok)
        if len(words) == 4 or text[tok.end : tok.end + 1] not in (" ", ""):
            break
    return text[words[0].start : words[-1].end] if words else ""


def _fuller_mention(text: str, mention: Span) -> str | None:
    """Where the article gives the mention's words followed by a proper name."""
    phrase = mention.text
    if phrase.startswith("ال") and len(phrase.split()) == 1:
        # `المنظمة` -> the last `منظمة ...` before it
        head = phrase[2:]
        pattern = r"(?<!\w)" + re.escape(head) + r"\b"
        for match in reversed(list(re.finditer(pattern, text[: mention.start]))):
            name = _noun_phrase(text, match.start())
            if name and name != head:
                return name
        return None
    for match in re.finditer(re.escape(phrase), text):
        name = _name_after(text, match.end())
        if name:
            return name
    return None


def _noun_phrase(text: str, start: int) -> str:
    """A body's name from ``start``: words up to punctuation or a boundary (four at most)."""
    words = []
    for match in re.finditer(r"\S+", text[start : start + 100]):
        word = match.group()
        core = word.rstrip("،,.:\"»”")
        if words and fold(core) in word_list("boundaries.txt"):
            break
        words.append(core)
        if core != word or len(words) == 4:
            break
    return " ".join(words)


def _proper_tail(mention: str) -> str:
    """From a title-led mention, the proper name after the titles: the words
    from the first proper-name word on (`وزير الزراعة سامي الحداد` -> `سامي الحداد`)."""
    words = mention.split()
    if not words or fold(words[0]) not in word_list("titles.txt"):
        return mention
    for index, word in enumerate(words[1:], start=1):
        if _is_proper(word.strip("،,.")):
            tail = words[index : index + 4]
            return " ".join(tail).strip("،,.")
    return mention
