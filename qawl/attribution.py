"""Attribution: each quote's speaker entity, and the entities themselves.

Given quotes with their cue and (maybe absent) speaker mention, this groups
explicit mentions into document-level entities (titles, apposition and
surnames: `وزير الخارجية الأميركي جون كيري` = `كيري` = `الوزير الأميركي`) and
resolves implicit speakers (`وأضاف`, `مضيفاً`) to the last source whose gender
and number agree with the cue (`قالت` does not take a male source).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from qawl.eval.names import name_tokens
from qawl.lexicon import (
    Cue,
    ambiguous_cue,
    is_common_noun,
    is_listed_first_name,
    light_spelling,
    lookup_cue,
    name_gender,
    word_list,
)
from qawl.schema import Entity, Quote, Span
from qawl.text import Token, fold, tokens

# Heads of mentions that name bodies rather than people (`وزارة`, `الحزب`).
_ORG_HEADS = word_list("bodies.txt")
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
    speaks_for: bool = False  # made by a spokesman's mention (`المتحدث باسم ...`)

    def __post_init__(self) -> None:
        self.key_sets: set[frozenset[str]] = {mention_key(m.text) for m in self.mentions}
        self.all_keys: frozenset[str] = frozenset().union(*self.key_sets)
        self.name_keys: frozenset[str] = frozenset()  # folded words of its person names
        for mention in self.mentions:
            self._add_name(mention)

    @property
    def has_person_name(self) -> bool:
        return bool(self.name_keys)

    def _add_name(self, mention: Span) -> None:
        name = _person_name(mention.text)
        if name:
            self.name_keys |= mention_key(name)

    def add(self, mention: Span) -> None:
        """A new mention; its keys are kept so that matching stays linear."""
        self.mentions.append(mention)
        self._add_name(mention)
        key = mention_key(mention.text)
        if key not in self.key_sets:
            self.key_sets.add(key)
            self.all_keys |= key

    def keys(self) -> frozenset[str]:
        return self.all_keys


def mention_key(mention: str) -> frozenset[str]:
    """Folded name tokens of a mention with titles and attached prepositions set aside."""
    titles = word_list("titles.txt")
    out = set()
    # `إدارة ... التابعة لوزارة الداخلية` is not the ministry: its key stops there.
    mention = _before_relative(mention)
    words = [fold(w) for w in re.findall(r"\w+", mention)]
    end = next((i for i, w in enumerate(words) if w in _SUBORDINATE), None)
    named = mention if end is None else " ".join(words[:end])
    for tok in _compounds(name_tokens(named), words[:end]):
        if tok in titles or tok.startswith("نظير") or tok in _ANAPHORS:
            continue
        if tok[:1] in _PREFIX_PREPOSITIONS and tok[1:3] == "ال":
            tok = tok[1:]
        if tok.startswith("ال") and len(tok) > 4:
            tok = tok[2:]
        out.add(tok)
    return frozenset(out)


def _compounds(tokens: frozenset[str], words: list[str]) -> frozenset[str]:
    """`نصر الله` and `عبد الله` (``words`` folded) as the one word they are
    also written as (`نصرالله`), so that both spellings name the same person."""
    pairs = [(a, b) for a, b in pairwise(words) if b == "الله" or a == "عبد"]
    if not pairs:
        return tokens
    parts = {w for pair in pairs for w in pair}
    return frozenset((tokens - parts) | {a + b for a, b in pairs})


_SUBORDINATE = frozenset(fold(w) for w in ("التابعة", "التابع", "تابعة", "تابع", "التابعين"))
# `التحالف الذي تقوده ...`: what follows a relative pronoun describes, it does not name.
_RELATIVES = frozenset(
    fold(w) for w in ("الذي", "التي", "الذين", "اللذين", "اللذان", "اللتين", "اللتان", "اللواتي",
                      "اللاتي")
)  # fmt: skip


def _before_relative(mention: str) -> str:
    """`الوثائق التي اطلعت عليها الوكالة` -> `الوثائق`."""
    words = mention.split()
    cut = next((i for i, w in enumerate(words) if i and fold(w) in _RELATIVES), len(words))
    return " ".join(words[:cut]).rstrip("،, ")


_ANAPHORS = frozenset(fold(w) for w in ("ذات", "نفس", "ذاته", "نفسه", "نفسها", "ذاتها"))


def _is_anaphor(mention: str) -> bool:
    """`ذات المصدر`, `المصدر نفسه`, a lone definite generic (`المصادر`)."""
    words = [fold(w) for w in mention.split()]
    if any(w in _ANAPHORS for w in words):
        return True
    return len(words) == 1 and words[0].startswith("ال") and words[0][2:] in _GENERIC


# `وأبلغ المدرب الصحفيين أن`: the press after the speaker is whom he told
_THE_PRESS = frozenset(fold(w) for w in ("الصحفيين", "الصحافيين", "الإعلاميين"))
_ADDRESSEE_HEADS = frozenset(
    fold(w)
    for w in ("وكالة", "قناة", "صحيفة", "جريدة", "مجلة", "موقع", "إذاعة", "تلفزيون", "راديو",
              "صحفيين", "صحافيين", "صحافة", "إعلام", "وسائل", "الصحفيين", "الصحافيين", "الصحافة",
              "الإعلام", "مراسل", "مراسلة", "برنامج")
)  # fmt: skip  # `قال الموظف قيصر لوكالة الأنباء ...`: whom he told, not who he is


def _without_addressee(text: str, speaker: Span) -> Span:
    """`بوتين لكيري` -> `بوتين`: a word `ل` + a name that the article also
    writes on its own is the addressee, not part of the speaker; so is
    everything from `لوكالة`, `للصحفيين` (`ل` + a medium or the press) or
    `الصحفيين` on."""
    words = list(re.finditer(r"\S+", speaker.text))
    if len(words) < 2 or fold(words[0].group()) in word_list("documents.txt"):
        return speaker  # `تقرير لصحيفة ...`: the newspaper issued the report
    for word in words[1:]:
        norm = fold(word.group())
        if (
            norm in _THE_PRESS
            or (
                norm[:1] == "ل"
                and (
                    norm[1:] in _ADDRESSEE_HEADS
                    or "ال" + norm[2:] in _ADDRESSEE_HEADS
                    # `لـ"إذاعة النور"`, `لـ«موقع ...»`: a preposition before a quoted
                    # or drawn-out name is whom he spoke to
                    or word.group()[1:2] in ("\u0640", '"', "«", "“")
                )
            )
        ):
            return Span.of(
                text, speaker.start, speaker.start + len(speaker.text[: word.start()].rstrip(" ،,"))
            )
    for before, word in pairwise(words):  # `عبد الله لمصطفى يحيى`: to Mustafa
        last = word is words[-1]
        # inside the span only a person's name (`لهيئة الأركان` is the title's)
        if _to_someone_named(text, word.group()) and (last or _may_start_person(word.group()[1:])):
            return Span.of(text, speaker.start, speaker.start + before.end())
        if _to_a_first_name(word.group()) and _ends_a_name(before.group()):
            return Span.of(text, speaker.start, speaker.start + before.end())
    return speaker


def _ends_a_name(word: str) -> bool:
    """A name's word (`عبد الله`, `نصار`), not a title's (`مستشار`), before
    `ل` + a first name: `عبد الله لمصطفى` is to Mustafa, `مستشار لمحمد` his."""
    if fold(word) == "الله":
        return True
    titled = fold(word) in word_list("titles.txt")
    return _is_proper(word) and not is_common_noun(word) and not titled


def _to_a_first_name(word: str) -> bool:
    """`لمصطفى`: `ل` + a listed first name (`لطفي` is a name of its own)."""
    if not word.startswith("ل"):
        return False
    return is_listed_first_name(word[1:]) and not is_listed_first_name(word)


def _to_someone_named(text: str, word: str) -> bool:
    """`لكيري`: `ل` + a name that the article also writes on its own."""
    if not word.startswith("ل") or word.startswith("لل") or len(word) < 4:
        return False
    return re.search(r"(?<!\w)" + re.escape(word[1:]) + r"(?!\w)", text) is not None


# Prepositions that never introduce a source (`عن` does: `نقلت الوكالة عن مصدر`).
_NOT_BEFORE_A_SOURCE = frozenset(
    fold(w) for w in ("مع", "على", "إلى", "ضد", "بين", "حول", "لدى", "عند", "تجاه", "نحو")
)


def _governed_by_preposition(text: str, quote: Quote) -> bool:
    """`ووصف المحادثات مع كيري بأنها ...`: a span right after a preposition
    such as `مع` that is not part of the cue is an object, not the source."""
    speaker, cue = quote.speaker, quote.cue
    before = re.search(r"(\S+)\s+$", text[max(0, speaker.start - 30) : speaker.start])
    if before is None or fold(before.group(1)) not in _NOT_BEFORE_A_SOURCE:
        return False
    preposition_start = speaker.start - len(before.group(0))
    return cue is None or not (cue.start <= preposition_start <= cue.end + 1)


def _without_object(text: str, speaker: Span) -> Span:
    """`وصف مجاهد مراسلات المحامي بأنها` -> `مجاهد`: a name-led speaker that
    goes on, with no comma, into an indefinite common noun (not a title) has
    run into the verb's object."""
    words = list(re.finditer(r"\S+", speaker.text))
    if len(words) < 2 or not _is_proper(words[0].group()) or is_common_noun(words[0].group()):
        return speaker
    end = 1
    while (
        end < len(words)
        and _is_proper(words[end].group())
        and not is_common_noun(words[end].group())
    ):
        end += 1
    if end == len(words) or speaker.text[words[end - 1].end() : words[end].start()].strip():
        return speaker
    nxt = words[end].group()
    if not is_common_noun(nxt) or fold(nxt) in word_list("titles.txt"):
        return speaker
    return Span.of(text, speaker.start, speaker.start + words[end - 1].end())


def _names_anyone(mention: str) -> bool:
    """Whether a speaker span holds a word that can name a source."""
    never = _naming_no_one()
    return any(tok not in never and lookup_cue(tok) is None for tok in name_tokens(mention))


# Frequent words that do name a source on their own (`قال نظيره`, `قال شخص`).
_SPEAKER_WORDS = frozenset(fold(w) for w in ("نظيره", "شخص", "مهاجم"))


@lru_cache(maxsize=1)
def _naming_no_one() -> frozenset[str]:
    """Boundary words, complementisers and the frequent words of the news
    (`عام`, `جاء`), built once: every candidate of every quote is checked."""
    common = word_list("common.txt") - _SPEAKER_WORDS
    return word_list("boundaries.txt") | word_list("complementisers.txt") | common


def _head(mention: str) -> str:
    words = mention.strip("\"«»“”'").split()
    return fold(words[0].strip("\"«»“”'")) if words else ""


def _is_org(mention: str) -> bool:
    head = _head(mention)
    if head[:1] in _PREFIX_PREPOSITIONS and head[1:] in _ORG_HEADS:
        return True
    return head in _ORG_HEADS or head.lstrip("ل") in _ORG_HEADS


# `الخارجية الروسية` is the ministry (`وزارة الخارجية`) that `الوزارة` takes up.
_MINISTRY_ELLIPSIS = frozenset(fold(w) for w in ("خارجية", "داخلية"))


def _body_noun(mention: str) -> str:
    """The head noun of a body mention without article or preposition
    (`للوزارة`, `وزارة` -> `وزاره`); '' when the mention is not a body's."""
    if not _is_org(mention):
        return ""
    head = _head(mention)
    for prefix in ("لل", "بال", "ال", "ل", "ب"):
        if head.startswith(prefix) and head[len(prefix) :] in _ORG_HEADS:
            head = head[len(prefix) :]
            break
    head = head[2:] if head.startswith("ال") else head
    return fold("وزارة") if head in _MINISTRY_ELLIPSIS else head


def _mention_gender(mention: str) -> str:
    head = _head(mention)
    if head in _FEMININE_TITLES:
        return "f"
    if _is_org(mention):
        return "f" if head.endswith("ه") or head.endswith("ات") or head == "مصادر" else "m"
    name = _person_name(mention)  # `نعيمة ...` is a woman, `طارق ...` a man
    return name_gender(name.split()[0]) if name else "?"


def _agrees(entity: _Entity, gender: str, number: str) -> bool:
    if gender in ("m", "f") and entity.gender in ("m", "f") and gender != entity.gender:
        return False
    return not (number in ("du", "pl") and entity.number == "sg" and not entity.is_org)


def _match(entities: list[_Entity], mention: str, distinct_names: bool = False) -> _Entity | None:
    """The most recent entity a mention names: one key set inside the other
    (equal sets only for generic mentions such as `مصدر` or `مسؤولون`).
    With ``distinct_names`` (speaker spans the rules cut at the name), a
    named person is never an entity whose person names share no word with
    his; a ranker's mention may be a fragment of a description (`تونس` in
    `النائب عن حركة الأمل في تونس NAME`), which the description's entity takes."""
    mention = _ours_as_definite(mention)
    key = mention_key(mention)
    if _is_anaphor(mention) and not key and entities:
        # `المسؤول` after `مسؤول أمريكي`: the last source so described, else the one just named
        return _last_described(entities, mention) or entities[-1]
    if not key:  # titles only (`المسؤول`, `الوزير`): the same words name the same source
        words = name_tokens(mention)
        return next(
            (
                e
                for e in reversed(entities)
                if any(name_tokens(m.text) == words for m in e.mentions)
            ),
            None,
        )
    if _is_anaphor(mention):  # `ذات المصدر`, `المصادر`: the last source so described
        for entity in reversed(entities):
            if key <= entity.keys():
                return entity
        if entities and any(fold(w) in _ANAPHORS for w in mention.split()):
            return entities[-1]  # `نفس المصدر` after a named source: that source
    if len(mention.split()) == 1 and _head(mention).startswith("ال") and _is_org(mention):
        # `الوزارة` after `الخارجية الروسية`, `الشركة` after `شركة أبل`
        noun = _body_noun(mention)
        for entity in reversed(entities):
            if entity.is_org and any(_body_noun(m.text) == noun for m in entity.mentions):
                return entity
    # `والد سلمان العبيدي` is not `سلمان العبيدي`: a relative's mention matches its own words only
    generic = key <= _GENERIC or _head(mention) in _KIN
    body, person = _is_org(mention), _person_name(mention)
    named, person_keys = bool(person), mention_key(person) if person else frozenset()
    lone_word = len(mention.split()) == 1 and _is_proper(mention)
    spokesman = _speaks_for(mention) and not named
    apposed_name = _title_after_name(mention, person)
    for entity in reversed(entities):
        if (spokesman or body) and spokesman != entity.speaks_for and not entity.has_person_name:
            continue  # an unnamed spokesman is not the body he speaks for (guidelines, 8)
        if body and not entity.is_org and entity.has_person_name:
            continue  # `الاتحاد` is not `رئيس اتحاد الكرة أحمد مجاهد`,
        if named and entity.is_org and not entity.has_person_name:
            continue  # nor is `أحمد مجاهد، عضو مجلس إدارة الاتحاد` the `الاتحاد` before him
        if lone_word and entity.has_person_name and key - entity.name_keys:
            continue  # `ليبيا` is not `سفير ليبيا ... كمال الهادي`; `الهادي` is
        if named and not entity.has_person_name and not entity.keys() & person_keys:
            continue  # nor is `NAME، مدير المجموعة الحقوقية` the group quoted before him
        if (
            named
            and (distinct_names or _lone_body_word(entity))
            and not entity.name_keys & person_keys
        ):
            continue  # `NAME، أحد مديري "غوغل"` is not the `غوغل` quoted before: no name shared
        if named and entity.speaks_for and not entity.has_person_name:
            continue  # `تيريزا ماي` is not the unnamed `متحدث باسم رئيسة الوزراء تيريزا ماي`
        if apposed_name and entity.has_person_name and entity.name_keys <= key - person_keys:
            continue  # `سامي الورد رئيس "نوفاكس"` is not the `نوفاكس` of his title
        keys = entity.keys()
        if generic:
            if key in entity.key_sets:
                return entity
            continue
        if keys and (key <= keys or any(_within(k, key) for k in entity.key_sets)):
            return entity
    return None


def _lone_body_word(entity: _Entity) -> bool:
    """An entity known by one proper word that is no place (`غوغل`, `نوفاكس`):
    a body or a person, never the description of another person that names it."""
    return bool(entity.name_keys) and all(
        len(m.text.split()) == 1 and fold(m.text) not in word_list("places.txt")
        for m in entity.mentions
    )


def _ours(word: str) -> bool:
    """`مصادرنا`, `مراسلنا`: a noun with the outlet's `نا` (our)."""
    norm = fold(word)
    return (
        len(norm) >= 5
        and norm.endswith("نا")
        and (norm[:-2] in _GENERIC or is_common_noun(word[:-2]))
    )


def _ours_as_definite(mention: str) -> str:
    """`مصادرنا` (our sources), `مراسلنا`: the outlet's own generic source,
    matched as `المصادر`, `المراسل` are."""
    word = mention.strip()
    if " " not in word and _ours(word) and fold(word[:-2]) in _GENERIC:
        return "ال" + word[:-2]
    return mention


def _within(known: frozenset[str], key: frozenset[str]) -> bool:
    """An earlier mention's key inside the new one's; a body's kind alone
    (`الشركة`) is inside no body named by other words (`شركة TSMC`)."""
    return bool(known) and known <= key and not (known <= _ORG_HEADS and key - _ORG_HEADS)


def _title_after_name(mention: str, person: str) -> bool:
    """Whether the mention opens with a full name and goes on with his title
    (`سامي الورد، رئيس "نوفاكس"`)."""
    if len(person.split()) < 2 or not mention.startswith(person):
        return False
    rest = mention[len(person) :].lstrip(" ،,").split()
    return bool(rest) and fold(rest[0]) in word_list("titles.txt")


def _last_described(entities: list[_Entity], mention: str) -> _Entity | None:
    """The most recent entity with a mention that has the generic noun of ``mention``."""
    nouns = {_undefined(w) for w in mention.split()} & _GENERIC
    for entity in reversed(entities):
        for m in entity.mentions:
            if nouns & {_undefined(w) for w in m.text.split()}:
                return entity
    return None


def _speaks_for(mention: str) -> bool:
    """`المتحدثة باسم الوزارة`, `الناطق الرسمي باسم الحكومة`."""
    return "باسم" in (fold(w) for w in mention.split())


def cue_info(cue: Span | None) -> Cue | None:
    """What the lexicon tells of a cue span (part of speech, agreement), if it knows it."""
    return lookup_cue(fold(cue.text)) if cue is not None else None


def _cue_agreement(text: str, cue: Span | None) -> tuple[str, str]:
    info = cue_info(cue)
    return (info.gender, info.number) if info else ("?", "?")


MAX_OPENING_SENTENCES = 4  # sentences searched back for the subject an implicit speaker takes


def _fallback_mention(text: str, before: int, gender: str = "?") -> Span | None:
    """Fallback for an implicit speaker with no earlier source: the named
    subject of one of the sentences before the quote, the nearer first
    (`وسئل اللاعب NAME ... فكان جوابه`), else the last title-led phrase before
    it (`التقى الوزير فلان ... وأضاف`), not an adjective (`الندوة الصحفية`)."""
    end = before
    for _ in range(MAX_OPENING_SENTENCES):
        start = max(text.rfind(ch, 0, end) for ch in _SENTENCE_ENDS) + 1
        subject = _opening_subject(text, start, end)
        if subject is not None and _may_speak(subject.text, gender):
            return subject
        if start == 0:
            break
        end = start - 1
    titles = word_list("titles.txt")
    words = list(_words(text, 0, before))
    for index in range(len(words) - 1, -1, -1):
        start, end, norm = words[index]
        if norm not in titles or index + 1 >= len(words):
            continue
        if _is_adjective(text[start:end]) and index and words[index - 1][2].startswith("ال"):
            continue  # `الندوة الصحفية`: an adjective, no title
        tail: list[tuple[int, int, str]] = []
        for word in words[index + 1 : index + 4]:
            gap = text[(tail[-1] if tail else words[index])[1] : word[0]]
            if not tail and len(norm) == 1:
                gap = gap.replace(".", "", 1)  # `د. NAME`: an abbreviated title
            if re.search(r"[.،,:;!?؟\n]", gap):
                break  # `هذا العام، قضية ...`: the phrase ends at punctuation
            tail.append(word)
        if tail:
            return Span.of(text, start, tail[-1][1])
    return None


def _words(text: str, start: int, end: int):
    for match in re.finditer(r"[\w\u064b-\u0652\u0670\u0640]+", text[start:end]):
        yield start + match.start(), start + match.end(), fold(match.group())


def attribute(text: str, quotes: list[Quote]) -> tuple[list[Quote], list[Entity]]:
    """Quotes with their ``entity`` set (and ``resolved_to`` for implicit
    speakers), plus the entities they point to, in order of first mention."""
    clean_speakers(text, quotes)
    ordered = sorted(quotes, key=lambda q: (q.cue or q.content).start)
    built: list[_Entity] = []
    owner: dict[int, _Entity] = {}
    last_mention: dict[int, Span] = {}
    history: list[_Entity] = []  # each earlier quote's entity, in order
    previous_end = 0  # where the quote before ends
    for quote in ordered:
        gender, number = _cue_agreement(text, quote.cue)
        if quote.speaker is not None:
            entity = (
                _document_author(text, quote.speaker.text, history)
                or _match(
                    built,
                    _without_attached_preposition(text, quote.speaker.text),
                    distinct_names=True,
                )
                or _described_person(text, quote.speaker, _named_people(built))
                or _same_speaker_described(quote.speaker.text, history)
            )
            if entity is None:
                entity = _new_entity(quote.speaker.text)
                built.append(entity)
            entity.add(quote.speaker)
            if entity.gender == "?" and not entity.is_org:
                entity.gender = gender
            if entity.number == "?":
                entity.number = number
            last_mention[id(entity)] = quote.speaker
        else:
            entity = _resolve_implicit(text, quote, built, history, gender, number, previous_end)
            if id(entity) not in last_mention and entity.mentions:
                last_mention[id(entity)] = entity.mentions[-1]
            quote.resolved_to = last_mention.get(id(entity))
        owner[id(quote)] = entity
        history.append(entity)
        previous_end = max(previous_end, quote.content.end)
    _merge_descriptions(text, built, owner)
    _merge_continued(text, ordered, built, owner)
    return _finalise(text, quotes, built, owner)


# Singular documents that an article takes up by their definite noun (`وذكر البيان`).
_DOCUMENTS = frozenset(
    fold(w) for w in ("البيان", "البلاغ", "التقرير", "الوثيقة", "الرسالة", "المذكرة", "التغريدة")
)  # fmt: skip


MAX_ISSUER = 25  # characters around a source's mention where its statement is written


def _document_author(text: str, mention: str, history: list[_Entity]) -> _Entity | None:
    """`وأضاف البيان`, `البيان ذاته`: the statement already quoted, whose author
    is a source before it (guidelines, 15): the last one that a mention of the
    document names (`بيان الهيئة`, `أعلنت الهيئة في بيان`), else the last source."""
    words = [fold(w) for w in mention.split() if fold(w) not in _ANAPHORS]
    if len(words) != 1 or words[0] not in _DOCUMENTS or not history:
        return None
    noun = words[0][2:]
    for entity in reversed(history):
        for m in entity.mentions:
            near = text[max(0, m.start - MAX_ISSUER) : m.end + MAX_ISSUER]
            if noun in (fold(w) for w in re.findall(r"\w+", near)):
                return entity
    return history[-1]


def _merge_descriptions(text: str, built: list[_Entity], owner: dict[int, _Entity]) -> None:
    """Entities known only by a person's description join the named person it
    describes (:func:`_described_person`), who may be quoted only later."""
    for entity in list(built):
        if _described_only(entity):
            person = _described_person(text, entity.mentions[0], _named_people(built))
            if person is not None:
                _fold_into(entity, person, built, owner)


def _described_only(entity: _Entity) -> bool:
    return not entity.has_person_name and not entity.is_org and bool(entity.mentions)


def _fold_into(
    entity: _Entity, person: _Entity, built: list[_Entity], owner: dict[int, _Entity]
) -> None:
    for mention in entity.mentions:
        person.add(mention)
    for key, value in owner.items():
        if value is entity:
            owner[key] = person
    built.remove(entity)


# Verbs that go on with the speaker just quoted (`وأضاف`, `وتابع`).
_CONTINUING = frozenset(fold(w) for w in ("أضاف", "تابع", "أردف", "استطرد"))


def _merge_continued(
    text: str, ordered: list[Quote], built: list[_Entity], owner: dict[int, _Entity]
) -> None:
    """`وقالت كبيرة الأطباء إن ... وأضافت NAME أن`: a named person
    who goes on (`أضاف`, `تابع`) right after a quote of a person known only
    by a description is that person."""
    for before, after in pairwise(ordered):
        described, person = owner[id(before)], owner[id(after)]
        info = cue_info(after.cue)
        if (
            described is person
            or described not in built
            or after.speaker is None
            or info is None
            or info.pos != "verb"
            or fold(info.lemma) not in _CONTINUING
            or not _described_only(described)
            or described.speaks_for  # a spokesman is his own source (guidelines, 8)
            or not person.has_person_name
            or person.is_org
            or _disagrees(described.gender, person.gender)
            or {_head(m.text) for m in described.mentions} & (_UNNAMED_HEADS | _GROUP_HEADS)
        ):
            continue
        _fold_into(described, person, built, owner)


def _same_speaker_described(mention: str, history: list[_Entity]) -> _Entity | None:
    """`وأوضح المسؤول الجهوي أن` right after quotes of a named person: a
    definite title with no name of its own takes up the person just quoted."""
    if not history or not history[-1].has_person_name or history[-1].is_org:
        return None
    first = fold(mention.split()[0]) if mention.split() else ""
    if not (first.startswith("ال") and first in word_list("titles.txt")):
        return None
    if _person_name(mention) or _is_org(mention) or _speaks_for(mention):
        return None
    person = history[-1]
    if not any(fold(m.text.split()[0]) in word_list("titles.txt") for m in person.mentions):
        return None  # only a titled person (`تقارير صحفية` is none)
    head = first[2:]
    titles = {fold(w).removeprefix("ال") for m in person.mentions for w in m.text.split()}
    if head not in _OFFICIAL and head not in titles:
        return None  # `المدرب الجديد` is not `الوزير NAME`
    return person if _mention_gender(mention) in ("?", person.gender) else None


# A nameless official (`المسؤول الجهوي`) may be whoever was just quoted.
_OFFICIAL = frozenset(fold(w) for w in ("مسؤول", "مسؤولة"))


def _named_people(built: list[_Entity]) -> list[_Entity]:
    return [e for e in built if e.has_person_name and not e.is_org]


def _described_person(text: str, mention: Span, named: list[_Entity]) -> _Entity | None:
    """`نجم ليفربول` after `محمد صلاح، مهاجم ليفربول`, `المدرب الألماني` after
    `مدرب نادي ليفربول، يورغن كلوب`: a person's nameless description is the
    named person whose name the article last writes, before it, beside the
    description's title or, failing it, all its other words."""
    phrase = mention.text
    if _person_name(phrase) or _is_org(phrase) or _is_anaphor(phrase) or _speaks_for(phrase):
        return None
    first = fold(phrase.split()[0])
    if first not in word_list("titles.txt") and not first.startswith("ال"):
        return None  # `خميس NAME`, `تقديرات إسرائيلية`: a name missed or no person
    words = [_undefined(w) for w in re.findall(r"\w+", phrase)]
    words = [w for w in words if len(w) > 2 and w not in _PREPOSITIONS]
    if not words or words[0] in _GENERIC or words[0] in _KIN:
        return None
    gender = _mention_gender(phrase)
    best, best_at = None, -1
    for entity in named:
        if gender not in ("?", entity.gender):
            continue
        surnames = {fold(m.text.split()[-1]) for m in entity.mentions if _person_name(m.text)}
        for at, beside in _names_beside(text, surnames, mention.start):
            if at > best_at and (
                words[0] in beside or (len(words) > 1 and set(words[1:]) <= beside)
            ):
                best, best_at = entity, at
    return best


def _names_beside(text: str, surnames: set[str], before: int) -> Iterator[tuple[int, set[str]]]:
    """Each place before ``before`` where one of the names is written, with the
    bare words of its title and apposition: its sentence up to the name and the
    phrase after it to the next punctuation."""
    for at, end, norm in _folded_words(text):
        if at >= before:
            break
        if norm not in surnames:
            continue
        start = max(text.rfind(ch, 0, at) for ch in ".:\n") + 1
        after = re.match(r"[^.:\n]{0,80}?[،,]([^.،,:\n]{0,80})", text[end:before])
        beside = text[max(start, at - 80) : at] + (after.group(1) if after else "")
        yield at, {_undefined(w) for w in re.findall(r"\w+", beside)}


def _undefined(word: str) -> str:
    """Folded, without the article (`المدرب`, `والمدرب`, `للمدرب` -> `مدرب`)."""
    norm = fold(word)
    for article in ("وال", "ال", "لل"):
        if norm.startswith(article) and len(norm) > len(article) + 2:
            return norm[len(article) :]
    return norm


def clean_speakers(text: str, quotes: list[Quote]) -> None:
    """Drop tagged speakers that name no one (`قوله`, `له`) and cut addressees (`بوتين لكيري`)."""
    for quote in quotes:
        if quote.speaker is not None and (
            not _names_anyone(quote.speaker.text) or _governed_by_preposition(text, quote)
        ):
            quote.speaker = None
        if quote.speaker is not None:
            speaker = _without_addressee(text, _before_parenthesis(text, quote.speaker))
            quote.speaker = _without_object(text, speaker)


def _before_parenthesis(text: str, speaker: Span) -> Span:
    """`الرحوي (الجبهة الشعبية)` -> `الرحوي`: what a parenthesis adds to a
    source (a party, an abbreviation) is not part of its name; a figure in it
    tells sources apart (`غالبية المجيبين (89,6٪)`) and stays."""
    head, _, rest = speaker.text.partition("(")
    head = head.rstrip()
    if not rest or any(ch.isdigit() for ch in rest) or not _names_anyone(head):
        return speaker
    return Span.of(text, speaker.start, speaker.start + len(head))


def group(
    text: str, quotes: list[Quote], chosen: list[Span | None]
) -> tuple[list[Quote], list[Entity]]:
    """Entities from one naming mention per quote (``chosen[i]`` for ``quotes[i]``,
    as a ranker picks them): mentions that name the same source (`كيري`, `جون
    كيري`) form one entity, named by its most complete name; each entity's
    ``mentions`` also hold the speaker spans of its quotes. A quote without a
    speaker records its chosen mention in ``resolved_to``. A quote whose
    ``chosen`` is None gets an unnamed entity of its own."""
    built: list[_Entity] = []
    owner: dict[int, _Entity] = {}
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].cue or quotes[i].content).start)
    for i in order:
        quote, mention = quotes[i], chosen[i]
        gender, _ = _cue_agreement(text, quote.cue)
        if mention is not None:
            entity = _subject_entity(text, built, mention, gender)
        else:
            entity = _Entity(gender=gender)
            built.append(entity)
        if quote.speaker is None:
            quote.resolved_to = mention
        owner[id(quote)] = entity
    _merge_descriptions(text, built, owner)
    _merge_continued(text, [quotes[i] for i in order], built, owner)
    quotes, entities = _finalise(text, quotes, built, owner)
    by_id = {e.id: e for e in entities}
    for quote in quotes:  # the speaker spans join their entity's mentions
        if quote.speaker is not None:
            entity = by_id[quote.entity]
            entity.mentions = sorted(set(entity.mentions) | {quote.speaker})
    return quotes, entities


def attribute_last_source(text: str, quotes: list[Quote]) -> tuple[list[Quote], list[Entity]]:
    """The baseline: a quote's explicit speaker, else the last source before it."""
    clean_speakers(text, quotes)
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].cue or quotes[i].content).start)
    chosen: list[Span | None] = [None] * len(quotes)
    last: Span | None = None
    for i in order:
        last = quotes[i].speaker or last
        chosen[i] = last
    return group(text, quotes, chosen)


def _resolve_implicit(
    text: str,
    quote: Quote,
    built: list[_Entity],
    history: list[_Entity],
    gender: str,
    number: str,
    previous_end: int = 0,
) -> _Entity:
    """The subject of the verb that a participle follows (`وأردف المندوب
    قائلاً`, convention 18) or of the participle's sentence, the source after
    `عن` of a relayed `قوله` (the first of them that a person's gender lets
    speak), else the last source before the quote that agrees with its cue."""
    position = (quote.cue or quote.content).start
    subjects = (
        _verb_subject_before(text, quote.cue),
        _clause_subject(text, quote.cue),
        _relayed_source(text, quote.cue),
        _previous_sentence_subject(text, quote.cue, previous_end, gender),
    )
    subject = next((s for s in subjects if s is not None and _may_speak(s.text, gender)), None)
    if subject is not None:
        return _subject_entity(text, built, subject, gender)
    last = None
    for entity in reversed(history):
        last = last or entity
        if _agrees(entity, gender, number):
            return entity
    if last is not None:
        return last
    mention = _fallback_mention(text, position, gender)
    if mention is not None:
        return _subject_entity(text, built, mention, gender)
    entity = _Entity(gender=gender)
    built.append(entity)
    return entity


MAX_SUBJECT = 8  # words between a verb and the participle that follows it


def _verb_subject_before(text: str, cue: Span | None) -> Span | None:
    """In `وأردف المندوب السوري قائلاً`, the words between the verb cue and
    the participle cue: the verb's subject. None for other cues or shapes."""
    info = cue_info(cue)
    if info is None or info.pos != "participle":
        return None
    words = list(_words(text, max(0, cue.start - 120), cue.start))
    for index in range(len(words) - 1, max(-1, len(words) - 2 - MAX_SUBJECT), -1):
        start, end, norm = words[index]
        verb = lookup_cue(norm)
        if verb is None or verb.pos != "verb":
            continue
        # `وعلق عليها قائلا`: a preposition with its pronoun is no subject
        between = [w for w in words[index + 1 :] if w[2] not in _PREPOSITIONS_WITH_PRONOUN]
        gap = text[end : cue.start]
        stops = word_list("boundaries.txt") | word_list("complementisers.txt")
        if (
            not between
            or any(ch in gap for ch in '.!?؟:،,\n«»"')
            or any(w[2] in stops for w in between)
        ):
            return None
        return Span.of(text, between[0][0], between[-1][1])
    return None


MAX_CLAUSE = 30  # words between a sentence's first verb and a participle cue
MIN_COORDINATED = 4  # words before a verb cue that goes on its sentence (`وينفي NAME ...، ويقول`)
_SENTENCE_ENDS = ".!?؟\n"


def _clause_subject(text: str, cue: Span | None) -> Span | None:
    """`ودعا رئيس الحكومة سامر نصار إلى الهدوء، مشددا على أن ...`: a participle
    speaks for the named subject of its sentence, though the sentence's verb
    is no speech cue."""
    info = cue_info(cue)
    if info is None or info.pos not in ("participle", "verb"):
        return None
    start = max(text.rfind(ch, 0, cue.start) for ch in _SENTENCE_ENDS) + 1
    if info.pos == "verb" and len(text[start : cue.start].split()) < MIN_COORDINATED:
        return None  # a verb opening its sentence has no subject before it
    if len(text[start : cue.start].split()) > MAX_CLAUSE:
        return None
    subject = _opening_subject(text, start, cue.start)
    if subject is None:
        return None
    return _relayed_speech_owner(text, start, subject.start, cue.start) or subject


_RELAY_VERBS = frozenset(
    fold(w) for w in ("نقلت", "ونقلت", "نقل", "ونقل", "أوردت", "وأوردت", "أورد", "وأورد",
                      "بثت", "وبثت", "نشرت", "ونشرت")
)  # fmt: skip
_SPEECH_NOUNS = frozenset(
    fold(w) for w in ("حديث", "تصريحات", "تصريح", "كلام", "خطاب", "كلمة", "أقوال")
)  # fmt: skip
MAX_RELAY_REACH = 10  # words from the relaying subject to the speech it relays


def _relayed_speech_owner(text: str, start: int, subject: int, end: int) -> Span | None:
    """`ونقلت وكالة الأنباء حديث NAME في الحفل، إذ قال`: a medium that relays
    a speech is not its speaker; the speech's owner is (its subject, from
    ``subject``, may have run on into the speech)."""
    first = next(_words(text, start, end), None)
    if first is None or first[2] not in _RELAY_VERBS:
        return None
    for index, (_, stop, norm) in enumerate(_words(text, subject, end)):
        if index >= MAX_RELAY_REACH:
            break
        if norm in _SPEECH_NOUNS:
            name = _name_after(text, stop)
            at = text.find(name, stop) if name else -1
            return Span.of(text, at, at + len(name)) if at >= 0 else None
    return None


def _previous_sentence_subject(
    text: str, cue: Span | None, previous_end: int, gender: str
) -> Span | None:
    """`ودافع اتحاد الكتاب عن الشاعر في بيان. واعتبر أن ...`: a verb cue that
    opens its sentence without a subject speaks for the named subject of one
    of the two sentences before it (the nearer first) that came after the last
    quote."""
    info = cue_info(cue)
    if info is None or info.pos != "verb":
        return None
    start = max(text.rfind(ch, 0, cue.start) for ch in _SENTENCE_ENDS) + 1
    if text[start : cue.start].strip() or start <= previous_end:
        return None
    for _ in range(2):
        end, start = start - 1, max(text.rfind(ch, 0, start - 1) for ch in _SENTENCE_ENDS) + 1
        if start < previous_end:
            return None
        subject = _opening_subject(text, start, end)
        if subject is not None:
            return None if _disagrees(_mention_gender(subject.text), gender) else subject
    return None


def _may_speak(subject: str, gender: str) -> bool:
    """`وقالت` cannot speak for `الدكتور NAME`, though he opens its sentence; a
    body's grammatical gender (`الوزارة ...، مضيفا`) tells nothing."""
    return _is_org(subject) or not _disagrees(_mention_gender(subject), gender)


def _disagrees(first: str, second: str) -> bool:
    return first in ("m", "f") and second in ("m", "f") and first != second


MAX_RELAYED = 12  # words between `عن` and the verbal noun `قوله`


def _relayed_source(text: str, cue: Span | None) -> Span | None:
    """`نقلت الوكالة عن المواطن سامر نصار قوله`: the verbal noun's owner is
    the source after `عن` (convention 9)."""
    info = cue_info(cue)
    if info is None or info.pos != "noun" or info.lemma != "قال":
        return None
    words = list(_words(text, max(0, cue.start - 200), cue.start))[-MAX_RELAYED - 1 :]
    at = next((i for i in range(len(words) - 1, -1, -1) if words[i][2] == "عن"), None)
    if at is None or at + 1 >= len(words):
        return None
    start, end = words[at + 1][0], words[-1][1]
    if any(ch in text[start:end] for ch in _SENTENCE_ENDS) or not _names_anyone(text[start:end]):
        return None
    return Span.of(text, start, end)


_BUT = frozenset(fold(w) for w in ("لكن", "ولكن", "بيد", "إلا", "أن"))
_AMMA = frozenset(fold(w) for w in ("أما", "وأما"))
_BEFORE_VERBS = frozenset(fold(w) for w in ("لم", "لن", "سوف"))  # negation, future
# Phrases that open a sentence before its verb (`من جهته`, `بدوره`), folded.
_OPENERS = tuple(
    tuple(fold(w) for w in phrase.split())
    for phrase in ("من جهته", "من جهتها", "من جانبه", "من جانبها", "بدوره", "بدورها",
                   "في المقابل", "من ناحيته", "من ناحيتها", "وبدوره", "وبدورها")
)  # fmt: skip


def _opening_subject(text: str, start: int, end: int) -> Span | None:
    """The named subject of a sentence from ``start``: after the verb that
    opens it (`ودعا الوزير NAME`), or first, after `لكن` (`لكن الناطق ...
    NAME رفض`)."""
    words = list(_words(text, start, end))
    while words and words[0][2] in _BUT:
        words = words[1:]
    opened = False
    for opener in _OPENERS:  # `من جهته، رأى الرئيس ...`: the sentence goes on after it
        if tuple(w[2] for w in words[: len(opener)]) == opener:
            words, opened = words[len(opener) :], True
            break
    if len(words) < 3:
        return None
    topic = words[0][2] in _AMMA  # `أما وزير الخارجية NAME، فطالب`: the topic speaks
    if topic:
        words = words[1:]
    first = words[0][2]
    fronted = topic or first in word_list("titles.txt")  # the subject before its verb
    cue = lookup_cue(first) or ambiguous_cue(first)  # `رد الوزير`
    verbs = word_list("conjoined_verbs.txt")  # `تحدث NAME ...`, `أدانت المنظمة ...`
    bare_verb = "و" + first in verbs or (first.endswith("ت") and "و" + first[:-1] in verbs)
    if not fronted and not (opened or bare_verb or (cue is not None and cue.pos == "verb")):
        verb = first[1:]
        if not first.startswith(("و", "ف")) or len(verb) < 3:
            return None
        if is_common_noun(verb) or verb in _PREPOSITIONS or verb.startswith("لكن"):
            return None  # `وفي`, `والحكومة`, `ولكنه`: the sentence does not open with a verb
    subject = words if fronted else words[1:]
    if not fronted and subject and _is_org(text[subject[0][0] : subject[0][1]]):
        return _body_run(text, words[0][1], subject)  # `وترفض وزارة الخارجية ...، مشددة`
    run: list[tuple[int, int, str]] = []
    named = apposed = False
    for word in subject:
        gap = text[run[-1][1] : word[0]].strip() if run else ""
        if gap in ("،", ",") and not named and not apposed and run[0][2] in word_list("titles.txt"):
            apposed = True  # `وعقد وزير الخارجية، NAME، لقاء`: the title's holder after it
        elif gap:
            break  # punctuation ends the subject
        if not run and not fronted and text[words[0][1] : word[0]].strip(" #"):
            break  # `وأضاف، ...`: no subject right after the verb
        titled = word[2] in word_list("titles.txt") or (run and word[2].startswith("ال"))
        written = text[word[0] : word[1]]
        conjoined = written[:1] == "و" and is_common_noun(written[1:])
        if (
            _after_preposition(written)
            or conjoined
            or not (titled or _is_proper(written) or _hashtag_name(written))
        ):
            break  # `وأثنى`, `بإرجاع`: the verb's next word or object, not its subject
        if word[2] in _BEFORE_VERBS:
            break  # `رئيس الوزراء لم يخف`: a verb follows its subject
        if named and (is_common_noun(written) or _indefinite_accusative(written)) and not titled:
            break  # `وهاجم الرئيس NAME مشاركة ...`, `وأصدر NAME بيانا`: the object after the name
        run.append(word)
        named = named or not titled  # a name word, not a title or an adjective
    phrase = text[run[0][0] : run[-1][1]].replace("_", " ") if run else ""  # `#سلمى_الكعبي`
    name = _person_name(phrase)
    if not name or run[0][2] in word_list("documents.txt"):
        return None  # `وذكر بلاغ لوزارة ...` is no person
    if fronted:  # its verb, unknown to the lexicon, may follow: a name of two words at most
        name = " ".join(name.split()[:2])
    return Span.of(text, run[0][0], run[0][0] + phrase.index(name) + len(name))


def _hashtag_name(written: str) -> bool:
    """`سلمى_الكعبي` (of `#سلمى_الكعبي`): a hashtag whose words are all name words."""
    first, *rest = written.split("_")
    return (
        bool(rest)
        and _is_proper(first)
        and all(_is_proper(part) or _is_family_word(fold(part)) for part in rest)
    )


def _body_run(text: str, after: int, words: list[tuple[int, int, str]]) -> Span | None:
    """A body's name right after ``after`` (its verb): the head and the
    definite or proper words that follow it, up to punctuation."""
    if text[after : words[0][0]].strip():
        return None
    end, definite, described = words[0][1], False, False
    for start, stop, norm in words[1:]:
        written = text[start:stop]
        if text[end:start].strip() or not (norm.startswith("ال") or _is_proper(written)):
            break
        if definite and not norm.startswith("ال"):
            break  # `واستهدف الجيش الإسرائيلي مواقع`: an indefinite word after it is the object
        if described and not _is_adjective(written):
            break  # `أدانت منظمة العفو الدولية القرار`: a noun after its adjective is the object
        end, definite = stop, norm.startswith("ال")
        described = described or _is_adjective(written)
    return Span.of(text, words[0][0], end)


def _indefinite_accusative(written: str) -> bool:
    """`بيانا`, `قرارا`: a common noun or a document with the `ا` of its indefinite accusative."""
    noun = written[:-1]
    return (
        len(written) >= 4
        and written.endswith("ا")
        and (is_common_noun(noun) or fold(noun) in word_list("documents.txt"))
    )


def _containing(built: list[_Entity], mention: Span) -> _Entity | None:
    """`مصدر` chosen inside `مصدر في التحالف الدولي`: a generic word of an
    entity's own mention names that entity."""
    if not mention_key(mention.text) <= _GENERIC:
        return None
    return next(
        (
            e
            for e in reversed(built)
            if any(m.start <= mention.start and mention.end <= m.end for m in e.mentions)
        ),
        None,
    )


def _new_entity(mention: str) -> _Entity:
    """An entity begun by a mention, with what the mention tells of it."""
    return _Entity(
        is_org=_is_org(mention), speaks_for=_speaks_for(mention), gender=_mention_gender(mention)
    )


def _subject_entity(text: str, built: list[_Entity], mention: Span, gender: str) -> _Entity:
    """The entity a fallback mention names, made when new; the mention joins it."""
    entity = _containing(built, mention) or _match(
        built, _without_attached_preposition(text, mention.text)
    )
    if entity is None:
        entity = _new_entity(mention.text)
        if entity.gender == "?" and not entity.is_org:
            entity.gender = gender
        built.append(entity)
    entity.add(mention)
    return entity


def _finalise(
    text: str, quotes: list[Quote], built: list[_Entity], owner: dict[int, _Entity]
) -> tuple[list[Quote], list[Entity]]:
    entities: list[Entity] = []
    ids: dict[int, str] = {}
    used = {id(owner[id(q)]) for q in quotes if id(q) in owner}
    for entity in built:
        if id(entity) not in used:
            continue
        ids[id(entity)] = f"E{len(entities) + 1}"
        # No mention at all: the article never names the source of an implicit quote.
        name = entity_name(entity.mentions, text) if entity.mentions else "مصدر غير محدد"
        kind = _entity_type(entity, name)
        entities.append(
            Entity(
                id=ids[id(entity)],
                name=name,
                type=kind,
                gender=_gender_label(entity) if kind == "person" else None,
                mentions=sorted(set(entity.mentions)),
            )
        )
    for quote in quotes:
        quote.entity = ids[id(owner[id(quote)])]
    return quotes, entities


_GROUP_HEADS = frozenset(
    fold(w)
    for w in ("خبراء", "سكان", "ناشطون", "ناشطين", "محللون", "محللين", "مسؤولون", "مسؤولين",
              "شهود", "مسعفون", "مواطنون", "متظاهرون", "المتظاهرون", "نشطاء", "الخبراء", "السكان")
)  # fmt: skip
_UNNAMED_HEADS = frozenset(fold(w) for w in ("مصدر", "مصادر", "المصدر", "المصادر", "مسؤول"))


def _entity_type(entity: _Entity, name: str) -> str:
    """person, organisation, group (`خبراء`), document (`تقرير`), or an unnamed
    source (`مصدر أمني`), from the head words of its name and mentions."""
    if not entity.mentions:
        return "unnamed"
    heads = {_head(m.text) for m in entity.mentions}
    if _head(name) in word_list("documents.txt"):  # no issuer was found for it
        return "document"
    if heads <= _UNNAMED_HEADS:
        return "unnamed"
    if heads & _GROUP_HEADS:
        return "group"
    return "organisation" if entity.is_org else "person"


def _gender_label(entity: _Entity) -> str | None:
    if entity.is_org or not entity.mentions:
        return None
    return {"m": "male", "f": "female"}.get(entity.gender, "unknown")


def entity_name(mentions: list[Span], text: str = "") -> str:
    """The entity's name (see :func:`_entity_name`), written as words: a hashtag
    (`#صندوق_النقد_الدولي`) names `صندوق النقد الدولي`."""
    name = _entity_name(mentions, text)
    return _closed_marks(_hashtag_words(name) or name)


_PAIRS = (("«", "»"), ("“", "”"), ("(", ")"))


def _closed_marks(name: str) -> str:
    """`صحيفة "واشنطن بوست` -> `صحيفة "واشنطن بوست"`: a name cut before its
    closing mark gets it back; a stray opening mark at its start goes."""
    if name.count('"') % 2:
        if name.startswith('"'):
            name = name[1:].lstrip()
        elif name.endswith('"') and name.count('"') == 1:
            name = name[:-1].rstrip()  # `المعهد الوطني"`: the closing mark of a cut quotation
        else:
            name += '"'
    for opening, closing in _PAIRS:
        if name.count(opening) > name.count(closing):
            name += closing
    return name


def _hashtag_words(phrase: str) -> str:
    return " ".join(w.lstrip("#") for w in phrase.replace("_", " ").split())


def _entity_name(mentions: list[Span], text: str = "") -> str:
    """The most complete proper name among mentions: the name part of each
    (`وزير الخارجية الأميركي جون كيري` -> `جون كيري`, `ليزا هورنبي، مديرة ...`
    -> `ليزا هورنبي`), the longest winning. Bodies keep their whole mention
    (`وزارة الدفاع الروسية`). A mention with no proper name (`الرئيس التركي`,
    `المنظمة`) is completed from the article where it stands with one
    (`الرئيس التركي رجب طيب أردوغان`), else named as written."""
    # Hashtags as words: `الرئيس الفرنسي #إيمانويل_ماكرون` names `إيمانويل ماكرون`.
    mentions = [Span(m.start, m.end, _issuer(_hashtag_words(m.text))) for m in mentions]
    names = [n for n in (_person_name(m.text) for m in mentions) if n]
    if text:
        names = [_without_trailing_object(text, n) for n in names]
    if names:
        best = max(names, key=lambda n: (len(n.split()), len(n)))
        if text and len(best.split()) == 1:
            return _with_first_name(text, _without_attached_preposition(text, best))
        return best
    # `الوزارة` quoted, then `البيان ذاته`: the statement names its issuer, not itself
    issuers = [m for m in mentions if _head(m.text) not in word_list("documents.txt")]
    best = max(issuers or mentions, key=lambda m: (len(mention_key(m.text)), len(m.text)))
    # `مسؤولون في الولاية` ... `المسؤولون في الولاية`: the source as introduced
    best = next(
        (m for m in mentions if m.start < best.start and _made_definite(m.text, best.text)), best
    )
    # `التحالف الدولي الذي تقوده ...`: the name stops before its relative clause
    phrase = _before_relative(_without_preposition(best.text)) or best.text
    if _is_org(phrase):  # `"المعهد الوطني"، الهيئة المكلفة ...`: the name before the apposition
        phrase = _unquoted(re.split(r"[،,]", phrase)[0]) or phrase
    if text and fold(phrase) in _THE_LATTER:
        return _last_name_before(text, best.start) or phrase
    if text and len(phrase.split()) == 1 and _is_family_word(fold(phrase)):
        named = _with_first_name(text, phrase)
        if named != phrase:
            return named
    if text:
        fuller = _fuller_mention(text, Span(best.start, best.end, phrase))
        if fuller:
            return _issuer(fuller)
    return phrase


def _made_definite(first: str, later: str) -> bool:
    """Whether ``later`` is ``first`` with the article on some of its words."""
    a, b = first.split(), later.split()
    return (
        len(a) == len(b) >= 2  # `جريدة` ... `الجريدة`: a bare head is completed from the article
        and a != b
        and all(x == y or ("ال" + x) == y for x, y in zip(a, b, strict=True))
    )


_THE_LATTER = frozenset(fold(w) for w in ("الأخير", "الأخيرة"))


def _last_name_before(text: str, start: int) -> str:
    """`الأخير` (the latter): the last full name written before it."""
    words = re.findall(r"\S+", text[max(0, start - 300) : start])
    run: list[str] = []
    for word in reversed(words):
        core = word.strip('،,.:"«»“”()')
        if run and core != word:  # punctuation after this word: the run began after it
            if len(run) >= 2:
                return " ".join(run[-4:])
            run = []
        if core == word.rstrip("،,.:") and (
            _may_start_person(core) or (not run and _is_family_word(fold(core)))
        ):
            run.insert(0, core)
            continue
        if len(run) >= 2:
            return " ".join(run[-4:])
        run = []
    return " ".join(run[-4:]) if len(run) >= 2 else ""


def _without_attached_preposition(text: str, word: str) -> str:
    """`لبولت` -> `بولت` where the article also writes the name alone."""
    if word[:1] in _PREFIX_PREPOSITIONS and fold(word[1:]) in _known_words(text):
        return word[1:]
    return word


def _without_trailing_object(text: str, name: str) -> str:
    """`سامر لافي الاتهامات` -> `سامر لافي`, `لافي تحقيقا` ->
    `لافي`: a definite word after a name is its verb's object, not a
    family name, when the article writes the name elsewhere without it; an
    indefinite accusative noun (`ضغوطا`) never ends a name."""
    *rest, last = name.split()
    if not rest or fold(rest[-1]) in _NAME_LINKS or is_listed_first_name(rest[-1]):
        return name  # `عبد الله`, `محمد الصحبي`: the definite word is the family name
    if _indefinite_accusative(last):
        return " ".join(rest)
    if is_common_noun(rest[-1]) or light_spelling(rest[-1]).endswith("ة"):
        return name  # `لائحة الاتهام`: a noun and its complement, no one's name
    if not _object_noun(last) or len(re.findall(re.escape(name), text)) > 1:
        return name  # a family name comes back with the name
    before = re.escape(rest[-1])
    if re.search(r"(?<!\w)" + before + r"(?!\w)(?!\s+" + re.escape(last) + r"(?!\w))", text):
        return " ".join(rest)
    return name


_ORDINALS = frozenset(
    fold(w) for w in ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "الأب", "الابن")
)


def _object_noun(word: str) -> bool:
    """`الاتهامات`, `الولايات`: a definite common noun that may be a verb's
    object, not a regnal number (`الثاني`) or kinship (`الأب`)."""
    norm = fold(word)
    return norm.startswith("ال") and norm not in _ORDINALS and is_common_noun(word[2:])


def _with_first_name(text: str, surname: str) -> str:
    """A lone surname (`الهمامي`, `كيري`) completed by the first name the
    article gives it elsewhere (`هادي همامي`, `جون كيري`)."""
    bare = surname[2:] if surname.startswith("ال") and len(surname) > 4 else surname
    # Only where a title announces the full name (`النائب هادي همامي`), so that
    # `لقاء كيري` or `، تلقت كيلي` is not taken for a first name.
    pattern = r"(\S+) (\w+) (?:ال)?" + re.escape(bare) + r"(?!\w)"
    for match in re.finditer(pattern, text):
        before, first = match.group(1), match.group(2)
        if (
            fold(before) in word_list("titles.txt")
            and _is_proper(first)
            and fold(first) not in _NAME_LINKS
        ):
            return match.group(0)[len(before) + 1 :]
    return surname


def _person_name(mention: str) -> str:
    """The proper name a person mention carries: an apposed name (`المتحدث
    باسم الولاية، عطا الله خوجياني`), else the last run of proper words after
    its titles; empty when it has none or names a body."""
    if _is_org(mention) or _is_count(mention) or _names_whom_he_speaks_for(mention):
        return ""
    if _head(_without_preposition(mention)) in word_list("documents.txt"):
        return ""  # `لنتائج آخر تعداد`: a document, no person
    mention = _before_relative(mention)  # `التحالف الذي تقوده ...` names no one after الذي
    # `مبعوثة الجوهرة "اف ام" إلى تطاوين NAME`: a quoted name is a body's or a
    # programme's; the person's name is outside the marks when there is one
    unquoted = _QUOTED.sub(" ، ", mention)
    if unquoted != mention and _head(mention) in word_list("titles.txt"):
        return _person_name(unquoted) or _person_name(_QUOTED.sub(_marks_off, mention))
    parts = [[w.strip('"«»“”.:()') for w in part.split()] for part in re.split(r"[،,]", mention)]
    parts = [[w for w in part if w] for part in parts]
    parts = [part for part in parts if part]
    runs = [_last_proper_run(part) for part in parts]
    # after a nameless title and a comma, a part that is all name words is the
    # apposed name even when its first name is also a noun (`النائبة ...، سامية العابد`)
    if len(parts) > 1 and not runs[0] and not runs[1] and _all_name_words(parts[1]):
        runs[1] = " ".join(parts[1])
    whole = [
        run for part, run in zip(parts, runs, strict=True) if run and len(run.split()) == len(part)
    ]
    if whole:  # a part that is all name: the name itself or its apposition
        return whole[-1]
    return next((run for run in runs if run), "")


_QUOTED = re.compile(r'"([^"]*)"|«([^»]*)»|“([^”]*)”')


def _names_whom_he_speaks_for(mention: str) -> bool:
    """`ناطقة باسم NAME` (one word: the body) or `متحدث باسم رئيس ...، NAME`
    (a title: its holder's name): the names after `باسم` are not the spokesman's."""
    words = [w.strip('"«»“”،,.:()') for w in mention.split()]
    folded = [fold(w) for w in words]
    if "باسم" not in folded or not folded[0].removeprefix("ال").startswith(("متحدث", "ناطق")):
        return False  # `NAME، المتحدث باسم ...`: the name opens the mention
    after = [w for w in words[folded.index("باسم") + 1 :] if w]
    return len(after) == 1 or (bool(after) and fold(after[0]) in _HOLDERS)


# Titles of one person (`باسم رئيس الوزراء`), not of a body (`باسم الخارجية`).
_HOLDERS = frozenset(
    fold(w)
    for w in ("رئيس", "الرئيس", "وزير", "الوزير", "الملك", "ملك", "الأمير", "أمير", "زعيم",
              "الزعيم", "قائد", "القائد", "مدير", "المدير", "الأمين", "أمين", "رئيسة",
              "الرئيسة", "وزيرة", "الوزيرة", "الملكة", "ملكة", "الأميرة", "أميرة", "مديرة",
              "المديرة", "الأمينة", "أمينة")
)  # fmt: skip


def _marks_off(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def _all_name_words(words: list[str]) -> bool:
    """Two to four words, each proper or a family name (`سامية العابد`)."""
    return 2 <= len(words) <= 4 and all(
        _is_proper(w) or (i and _is_family_word(fold(w))) for i, w in enumerate(words)
    )


_QUANTIFIERS = frozenset(
    fold(w) for w in ("أكثر", "أقل", "نحو", "حوالي", "قرابة", "زهاء", "نصف", "ثلث", "ثلثا",
                      "ثلثي", "ربع", "غالبية", "معظم", "أغلبية")
)  # fmt: skip


def _is_count(mention: str) -> bool:
    """`42٪ منهم`, `أكثر من 7 من كل 10 مجيبين`: a share of people (a poll's
    answer), named as written, never a person."""
    words = mention.split()
    if not words:
        return False
    first = words[0].strip('"«»“”(')
    return bool(re.match(r"[\d٠-٩]", first)) or (
        fold(first) in _QUANTIFIERS and re.search(r"[\d٠-٩٪%]", mention) is not None
    )


_NAME_LINKS = frozenset(fold(w) for w in ("أبو", "ابو", "عبد", "بن", "ابن", "آل", "بنت", "ولد"))
# Particles inside European names (`بيتر فان ديك`, `جان إيف لو دريان`, `ستافان دي ميستورا`)
_PARTICLES = frozenset({"فان", "فون", "لو", "دي", "دو"})
_SON_OF = frozenset(fold(w) for w in ("بن", "ابن", "بنت", "ولد"))


def _last_proper_run(words: list[str]) -> str:
    """The last run of name words in a phrase (`مدير المركز ... كين غراهام`
    -> `كين غراهام`): a proper word, then proper words or family names with
    `ال` (`سامي الحداد`, `أحمد أبو الغيط`), four words at most. A common noun
    (`مهاجم`, `محامي`) does not start a name, and a run that complements an
    indefinite noun (`مهاجم ليفربول`) names its owner, not the speaker: only its
    last two words are kept when it is long enough to hold both
    (`رئيس حركة حماس إسماعيل هنية` -> `إسماعيل هنية`)."""
    runs: list[list[str]] = []
    genitive: list[bool] = []
    run: list[str] = []
    previous = ""
    for index, word in enumerate(words):
        norm = fold(word)
        before, previous = previous, word
        owner = fold(before)
        if not run and owner[:1] in "لب" and owner[1:] in _ORG_HEADS:
            continue  # `لشركة "جنرال إلكتريك"`: the body's name, not the person's
        after_link = bool(run) and fold(run[-1]) in _NAME_LINKS
        # `بن`, `أبو`, and `فان` inside a name (`بيتر فان ديك`, not `فإن`)
        linking = norm in _NAME_LINKS or norm in _PARTICLES
        linked = (run and linking) or (after_link and norm.startswith("ال"))
        starts = _may_start_name(before, word) or (
            index + 1 < len(words) and fold(words[index + 1]) in _SON_OF
        )  # `مهدي بن سالم`, though `مهدي` is also a noun
        if len(run) >= 2 and _after_preposition(word) and not after_link:
            break  # `سامر نصار بحضور قادة الجيش`: the rest is the preposition's
        if (_is_proper(word) and (run or starts)) or linked:
            if not run:
                genitive.append(_governs_genitive(before) or _complements_a_title(words, index))
            run.append(word)
            continue
        if run and norm == "الله":  # `عطا الله خوجياني`, `نصر الله`: part of the name
            run.append(word)
            continue
        if run and _is_family_word(norm):  # `سامي الحداد`: a family name ends the run
            run.append(word)
            runs.append(run)
            run = []
            continue
        if run:
            runs.append(run)
        run = []
    if run:
        runs.append(run)
    if not runs:
        return ""
    if _may_start_person(words[0]):
        best = runs[0]  # a name-led mention (`خالد بن هلال رئيس قسم الأطفال`) names first
    else:  # a title-led one ends with the name
        free = [r for r, g in zip(runs, genitive, strict=True) if not g]
        owned = [r[-2:] for r, g in zip(runs, genitive, strict=True) if g and len(r) >= 3]
        best = (free or owned or [[]])[-1]
    while best and fold(best[-1]) in _NAME_LINKS:
        best = best[:-1]
    return " ".join(best[:4])


def _after_preposition(word: str) -> bool:
    """`بحضور`, `لدعم`, `بإرجاع`: `ب`/`ل` before a noun or a verbal noun."""
    rest = word[1:]
    return word[:1] in "بل" and (is_common_noun(rest) or rest.startswith("إ"))


def _may_start_name(before: str, word: str) -> bool:
    """A proper word starts a name unless it is also a common noun; after a
    definite title or description it always does (`النائب عمر الصافي`,
    `وزير النقل كريم العابد`, though `عمر` is also "age")."""
    if fold(before) in _CALLED:
        return True  # `مسؤول في الشرطة يدعى كمال ...`: what follows is his name
    if fold(word) in _KIN:
        return False
    if word[:1] == "و" and fold(word[1:]) in word_list("places.txt"):
        return False  # `الولايات المتحدة وفرنسا`: a second party, no person
    return not is_common_noun(word) or (_bare(before).startswith("ال") and word[:1] not in "لب")


_CALLED = frozenset(fold(w) for w in ("يدعى", "تدعى", "المدعو", "المدعوة", "اسمه", "اسمها"))


_PREPOSITIONS = frozenset(
    fold(w)
    for w in ("في", "من", "عن", "على", "إلى", "مع", "لدى", "حول", "عند", "ضد", "بين", "منذ",
              "بعد", "قبل", "خلال", "عبر", "أمام", "ضمن", "دون", "حتى", "نحو")
)  # fmt: skip
_NEVER_IN_NAMES = word_list("boundaries.txt") | _PREPOSITIONS


def _governs_genitive(word: str) -> bool:
    """Whether a run of names after this word is its complement: after an
    indefinite common noun (`مهاجم`, `لشؤون`), a preposition or a number."""
    norm = fold(word)
    return bool(word) and (
        norm in _PREPOSITIONS
        # `حركة فتح`, `شركة أبل`; a definite head is apposed (`وزير الخارجية سامر الحلو`)
        or (norm in _ORG_HEADS and not norm.startswith("ال"))
        or is_common_noun(word)
        or norm in _KIN
        or word.strip(".,،").isdigit()
        or _indefinite_title(word)
    )


def _indefinite_title(word: str) -> bool:
    """`ضيف بوليتيكا`, `سفير فرنسا`, `مدرب ليفربول`: a title without the
    article takes the name after it as its complement (not `د`, nor a title
    that is also a first name, `أمين`)."""
    norm = fold(word)
    return (
        norm in word_list("titles.txt")
        and not norm.startswith("ال")
        and norm not in ("د", "باسم")
        and (name_gender(word) == "?" or word.endswith("ة"))  # a ة-word reads female
    )


# `والد سلمان العبيدي` is his father, `وكيل صلاح` his agent: the name after is another's.
_KIN = frozenset(
    fold(w) for w in ("والد", "والدة", "نجل", "نجلة", "زوج", "زوجة", "ابنة", "أرملة", "شقيق",
                      "شقيقة", "أخ", "أخت", "حفيد", "حفيدة", "صديق", "صديقة", "وكيل", "وكيلة")
)  # fmt: skip


_PERSON_TITLES = frozenset(
    fold(w) for w in ("الرئيس", "رئيس", "الرئيسة", "رئيسة", "الملك", "الأمير", "الوزير", "وزير",
                      "الشيخ", "السلطان", "المستشارة")
)  # fmt: skip


def _complements_a_title(words: list[str], index: int) -> bool:
    """`الناطق باسم الرئيس كمال ناجي`, `في حكومة رئيس الوزراء سامر نصار`:
    a name after a person's title that is itself governed (by `باسم`, a
    preposition or a noun) names that person, not the speaker. Titles and
    definite adjectives between them are passed over."""
    titled = False
    for word in reversed(words[:index]):
        norm = fold(word)
        if norm in _PERSON_TITLES:
            titled = True
        elif norm == "باسم":
            return titled
        elif norm in word_list("titles.txt") or norm.startswith("ال"):
            continue  # `نائب الرئيس الأمريكي مايك بنس` is the vice-president
        else:
            return titled and _governs_genitive(word)
    return False


def _is_family_word(norm: str) -> bool:
    """A definite word that continues a name (`الحداد`, `الغيط`), not a title."""
    return (
        norm.startswith("ال")
        and norm not in _NAME_LINKS  # `آل خليفة`: `آل` links the name on
        # `الحوثيين`: a plural of a nisba names a group, never one family
        and not norm.endswith(("يين", "يون"))
        and norm not in word_list("titles.txt")
        and norm not in word_list("boundaries.txt")
        and norm not in _ORG_HEADS
    )


_ISSUER_LINKS = frozenset(
    fold(w) for w in ("صادر", "الصادر", "صادرة", "عن", "من", "نشره", "نشرته", "أصدرته", "أصدره")
)


_PUBLISHED_BY = frozenset(
    fold(w)
    for w in ("نشرها", "نشره", "نشرته", "أنجزه", "أنجزها", "أعده", "أعدها", "أعدته", "أجراه",
              "أجرتها", "أجرته", "أصدرها", "أصدره", "أصدرته", "أورده", "أوردها", "أوردته",
              "ذكره", "ذكرها", "ذكرته", "أعلنها", "أعلنته", "أعلنتها", "نقله", "نقلها", "نقلته")
)  # fmt: skip


def _issuer(mention: str) -> str:
    """The issuer a document mention names (`بيان لوزارة الداخلية`, `بيان صادر
    عن الوزارة`, `ذات المصدر` kept): the words after the document head."""
    words = mention.split()
    rest = words[1:]
    published = [i for i, w in enumerate(words[:-1]) if fold(w).removeprefix("ما") in _PUBLISHED_BY]
    if published:  # `آخر حصيلة نشرها "صندوق الضمان"`, `نشره موقع ...`: the publisher speaks
        return _unquoted(" ".join(words[published[0] + 1 :]))
    if not words or fold(words[0]) not in word_list("documents.txt"):
        return mention
    while rest and fold(rest[0]) in _ISSUER_LINKS:
        rest = rest[1:]
    if not rest or fold(rest[0]) in word_list("documents.txt") or fold(rest[0]) in _GENERIC:
        return mention
    if _is_nisba(rest[0]) or fold(rest[0]) in word_list("common.txt"):
        return mention  # `بيان رئاسي مصري`, `تقارير غير مؤكدة`: no issuer named
    return _without_preposition(" ".join(rest))


def _is_nisba(word: str) -> bool:
    """An indefinite relative adjective (`رئاسي`, `رسمية`, `حكومي`)."""
    light = light_spelling(word)  # `هيئة` folds to a false `يه`; as written it is no nisba
    return len(light) >= 4 and not light.startswith(("ال", "ل")) and light.endswith(("ي", "ية"))


def _unquoted(phrase: str) -> str:
    """`"المعهد الوطني"` loses its marks; `موقع "الرصيف"` keeps its pair."""
    phrase = phrase.strip()
    return phrase.strip(' "«»“”') if phrase[:1] in '"«“' else phrase


def _without_preposition(mention: str) -> str:
    """`لوزارة الخزانة` -> `وزارة الخزانة`, `للرقابة الإدارية` -> `الرقابة الإدارية`:
    an attached preposition of a source phrase is not part of the name."""
    first, _, rest = mention.partition(" ")
    norm = fold(first)
    if norm.startswith("لل") and len(norm) > 4:
        # `للجنة` is `ل` + `اللجنة` (a lam dropped), `للرقابة` is `ل` + `الرقابة`
        with_lam, without = first[1:], first[2:]
        lam = fold(with_lam) in _ORG_HEADS or (
            not is_common_noun(without) and is_common_noun(with_lam)
        )
        first = "ال" + (with_lam if lam else without)
    elif norm[:1] == "ل" and (
        norm[1:] in _ORG_HEADS
        or norm[1:] in _GENERIC
        or norm[1:] in word_list("titles.txt")
        or norm[1:] in word_list("documents.txt")  # `لنتائج آخر تعداد`
    ):
        first = first[1:]
    return f"{first} {rest}".strip()


def _bare(word: str) -> str:
    """The word without diacritics and tatweel (letters as written)."""
    return "".join(ch for ch in word if not ("\u064b" <= ch <= "\u0652" or ch in "\u0670\u0640"))


def is_the_name_ali(word: str) -> bool:
    """`علي` as written: the name, which folds to the same letters as the preposition `على`."""
    return _bare(word) == "علي"


_PREPOSITIONS_WITH_PRONOUN = frozenset(
    fold(p + s)
    for p in ("ب", "ل", "ك", "من", "عن", "في", "على", "إلى", "لدى", "مع", "عند")
    for s in ("ه", "ها", "هم", "هما", "هن", "نا", "كم")
)


def _is_proper(word: str) -> bool:
    """A word that can belong to a proper name: not a title, not definite,
    not a boundary word; letters only."""
    norm = fold(word)
    return (
        len(norm) >= 2
        and all(ch.isalpha() or "\u064b" <= ch <= "\u0652" for ch in word)
        # nunation (`خبراً`, `عاجلٌ`) marks an indefinite noun, never a name
        and not any("\u064b" <= ch <= "\u064d" for ch in word)
        and not word.startswith("ل\u0640")  # `لـCNN`: to whom, not who
        # an attached pronoun (`ونظيرتها`, `زملاؤهم`, `تفاؤله`) ends no name
        and not (len(norm) >= 5 and norm.endswith(("ها", "هم", "هما")))
        # ... but `الله` and a foreign name's `يه` (`أوليفيه`, `جوزيه`) are no pronoun
        and not (len(word) >= 5 and word.endswith("ه") and not word.endswith(("الله", "يه")))
        and norm not in _PREPOSITIONS_WITH_PRONOUN  # `المشتبه بهم`: a preposition, no name
        and not _ours(word)  # `مصادرنا`, `مراسلنا`: the outlet's own, no name
        # On the word as written: `إليستير`, `ألبرت` fold to a false `ال`.
        and not _bare(word).startswith(("ال", "لل", "بال", "وال", "فال", "كال"))
        and norm not in word_list("titles.txt")
        and not (norm[:1] == "و" and norm[1:] in word_list("titles.txt"))  # `ورئيس`
        and (norm not in _NEVER_IN_NAMES or is_the_name_ali(word))
        and norm not in word_list("complementisers.txt")
        and norm not in word_list("common.txt")  # `تماما`, `نشرت`: frequent, never a name
        and norm not in word_list("conjoined_verbs.txt")  # `وهاجم صالح`: a verb, then the name
        and norm not in _ORG_HEADS
        and norm not in _ANAPHORS
        and not (
            norm[:1] in "لب" and (norm[1:] in _ORG_HEADS or norm[1:] in word_list("titles.txt"))
        )
        and lookup_cue(norm) is None
    )


def _name_after(text: str, end: int) -> str:
    """Up to four proper-name words right after ``end`` (a hashtag's too): one
    comma of apposition, titles (`الأمير`) and up to two definite adjectives
    (`وزير الصحة العمومية سعيد العايدي`) may come before them."""
    words: list[Token] = []
    skipped = 0
    after_comma = False
    for tok in tokens(text, end, min(len(text), end + 120)):
        if not words and tok.text in "،,":
            after_comma = True
            continue
        if not words and tok.text.startswith("#"):  # `#هاني_شاكر`, read as words
            tok = Token(tok.start + 1, tok.end, tok.text[1:], tok.norm[1:])
        if not words and skipped < 3 and _leads_to_name(tok.text):
            skipped += 1
            continue
        if words and _is_family_word(fold(tok.text)):  # `سعيد العابد`: a family name ends it
            words.append(tok)
            break
        if not words and tok.text[:1] == "و" and fold(tok.text[1:]) in _known_words(text):
            break  # `الولايات المتحدة وفرنسا`: a second party, not an apposed name
        if (
            not _is_proper(tok.text)
            or fold(tok.text) in _PREPOSITIONS  # `وزير النقل حول سؤال`
            or _after_preposition(tok.text)  # `لأول مرة`
            or (is_common_noun(tok.text) and not (words and fold(words[-1].text) in _NAME_LINKS))
        ):
            break
        words.append(tok)
        # `خالد بن أحمد آل خليفة`: links (بن, آل) lengthen a name by their own words
        links = sum(fold(w.text) in _NAME_LINKS for w in words)
        if len(words) == 4 + links or text[tok.end : tok.end + 1] not in (" ", ""):
            break
    if not words or (after_comma and not _apposition_closed(text, words[-1].end)):
        return ""
    return text[words[0].start : words[-1].end]


@lru_cache(maxsize=4)
def _folded_words(text: str) -> tuple[tuple[int, int, str], ...]:
    """The article's words with their offsets, folded once per article."""
    return tuple((m.start(), m.end(), fold(m.group())) for m in re.finditer(r"\w+", text))


@lru_cache(maxsize=4)
def _known_words(text: str) -> frozenset[str]:
    """The article's words, folded: `فرنسا` written alone tells that `وفرنسا` is `و` + a name."""
    return frozenset(norm for _, _, norm in _folded_words(text))


def _apposition_closed(text: str, end: int) -> bool:
    """`المتحدث باسم الصندوق، NAME، إن`: a name set off by a comma ends at
    punctuation, a complementiser or a cue; `، تركيا بضمان ...` is an object."""
    after = re.match(r"\s*(\S+)", text[end:])
    if after is None or not after.group(1)[:1].isalpha():
        return True
    word = fold(after.group(1).strip("،,.:"))
    return word in word_list("complementisers.txt") or lookup_cue(word) is not None


def _leads_to_name(word: str) -> bool:
    """A title or a definite adjective between a description and its name."""
    norm = fold(word)
    return norm in word_list("titles.txt") or (
        norm.startswith("ال") and norm not in word_list("boundaries.txt")
    )


def _fuller_mention(text: str, mention: Span) -> str | None:
    """Where the article gives the mention's words followed by a proper name
    (`ولي العهد السعودي الأمير محمد بن سلمان` for `ولي العهد السعودي`), or a
    body's full name (`صندوق النقد الدولي`, also written `#صندوق_النقد_الدولي`,
    for `الصندوق`)."""
    original, text = text, text.replace("_", " ")  # hashtags as words; offsets unchanged
    phrase = mention.text
    while len(phrase.split()) > 1 and fold(phrase.split()[-1]) in _PREPOSITIONS:
        phrase = phrase.rsplit(maxsplit=1)[0]  # `العهد السعودي في`: the phrase before `في`
    one_word = phrase.startswith("ال") and len(phrase.split()) == 1
    if one_word or _body_description(phrase):
        # `المنظمة` -> the last `منظمة ...` before it (or the first after it);
        # `المنظمة الدولية` -> the last one before it
        head = phrase.split()[0].removeprefix("ال")
        # `واتحاد الكرة`, `لشركة ...` too
        pattern = r"(?<!\w)(?:و|ول|ل|ب|وب)?(" + re.escape(head) + r")\b"
        before = list(re.finditer(pattern, text[: mention.start]))
        after = list(re.finditer(pattern, text[mention.end :])) if one_word else []
        for match, offset in [(m, 0) for m in reversed(before)] + [(m, mention.end) for m in after]:
            start = match.start(1) + offset
            name = _hashtag_at(original, start) or _noun_phrase(text, start)
            if not one_word:
                name = _same_kind_run(name)
                if len(name.split()) < 2:
                    continue
            if name and name != head and (offset == 0 or len(name.split()) >= 2):
                # a person's title (`وزير الاقتصاد الفرنسي، NAME`): the name it gives
                return _titled_name(text, start, name) or name
        adjectives = _with_adjectives(text, phrase, mention)
        if adjectives or not (one_word and fold(phrase) in word_list("titles.txt")):
            return adjectives
    if _is_org(phrase):
        return None  # a body's name is complete; only a description waits for its name
    titled = any(fold(word) in word_list("titles.txt") for word in phrase.split())
    for match in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text):
        # `الولايات المتحدة تريد ...`: without a title, only a name set off by a comma
        apposed = titled or text[match.end() :].lstrip().startswith(("،", ","))
        name = (
            (apposed and _name_after(text, match.end()))
            or _name_before(text, match.start())
            or _name_after_relative(text, match.end())
        )
        if name:
            return name
    return _named_like(text, phrase) or _name_after_shorter_title(text, phrase) or None


def _name_after_relative(text: str, end: int) -> str:
    """`المتحدث باسم التحالف الذي يقوده ...، NAME، أن`, `مدير الشركة في
    فرنسا، NAME، إن`: the name set off by commas after the description's
    relative clause or place."""
    clause = re.match(r"\s+(\S+)[^،,.:\n]{0,100}(?=[،,])", text[end:])
    if clause is not None and fold(clause.group(1)) in _RELATIVES | _PLACE_PREPOSITIONS:
        return _name_after(text, end + clause.end())
    # `مديرة القسم في المنظمة NAME إن`: a definite place, then the name and its cue
    place = re.match(r"\s+(\S+)((?:\s+ال\w+){1,2})(?=\s)", text[end:])
    if place is None or fold(place.group(1)) not in _PLACE_PREPOSITIONS:
        return ""
    name = _name_after(text, end + place.end())
    at = text.find(name, end + place.end()) if name else -1
    if len(name.split()) < 2 or not _apposition_closed(text, at + len(name)):
        return ""
    return name


_PLACE_PREPOSITIONS = frozenset(fold(w) for w in ("في", "لدى"))


def _name_after_shorter_title(text: str, phrase: str) -> str:
    """`الأمين العام للأمم المتحدة` named where the article writes its first
    words (two at least) right before a name: `الأمين العام، NAME، أن`. No
    adjective may come between, so `وزير الخارجية الروسي NAME` does not name
    `وزير الخارجية الأميركي`."""
    words = phrase.split()
    if fold(words[0]) not in word_list("titles.txt"):
        return ""
    for size in range(len(words) - 1, 1, -1):
        shorter = re.escape(" ".join(words[:size]))
        for match in re.finditer(r"(?<!\w)" + shorter + r"\s*[،,]?\s*(?=\S)", text):
            after = text[match.end() :]
            if after.startswith(words[size]):
                continue  # the description itself, whose own words go on
            if _leads_to_name(after.split(maxsplit=1)[0]):
                continue  # an adjective or a title: another holder of the title
            name = _name_after(text, match.end())
            if len(name.split()) >= 2:
                return name
    return ""


def _body_description(phrase: str) -> bool:
    """A body named by its kind and adjectives alone (`الشركة القطرية`,
    `المنظمة الدولية`); a head with a noun after it is a name (`وكالة الأنباء
    السورية`, `وزارة الخارجية`)."""
    words = [w.strip('"«»“”') for w in phrase.split()]
    return (
        2 <= len(words) <= 3
        and _bare(words[0]).startswith("ال")
        and fold(words[0]) in _ORG_HEADS
        and all(_is_adjective(w) for w in words[1:])
    )


def _same_kind_run(phrase: str) -> str:
    """A body's head and the words after it while they stay all definite
    (`منظمة الصحة العالمية`) or all proper (`وكالة ستاندرد آند بورز`): the
    name, without a clause that follows it (`منظمة الأعراف علاقات ...`)."""
    head, *rest = phrase.split()
    kept: list[str] = []
    for word in rest:
        definite = _bare(word.strip('"«»“”')).startswith("ال")
        if kept and definite != _bare(kept[0].strip('"«»“”')).startswith("ال"):
            break
        if not definite and not _is_proper(word.strip('"«»“”')):
            break
        kept.append(word)
    return " ".join([head, *kept])


def _titled_name(text: str, start: int, title: str) -> str:
    """The name after a person's title written at ``start`` (`وزير الاقتصاد
    الفرنسي، NAME`), unless the name is the complement of the title
    (`متحدث باسم رئيس البلاد NAME` names the president)."""
    words = [fold(w) for w in title.split()]
    if words[0] not in word_list("titles.txt") or not text.startswith(title, start):
        return ""
    if "باسم" in words and _PERSON_TITLES & set(words[words.index("باسم") :]):
        return ""  # `متحدث باسم رئيس البلاد، NAME`: the name may be the president's
    name = _name_after(text, start + len(title))
    return name if name and _person_name(f"{title} {name}") == name else ""


def _with_adjectives(text: str, phrase: str, mention: Span) -> str | None:
    """`الشرطة` -> `الشرطة العراقية`: the same definite word where the article
    writes it with its adjectives (the nearest before, else the first after)."""
    pattern = r"(?<!\w)و?(" + re.escape(phrase) + r"(?: ال\w+){1,2})(?=[\s،,.:؛]|$)"
    before = [m.group(1) for m in re.finditer(pattern, text[: mention.start])]
    after = [m.group(1) for m in re.finditer(pattern, text[mention.end :])]
    for found in before[::-1] + after:
        words = found.split()
        while len(words) > 1 and not _is_adjective(words[-1]):
            words.pop()
        if len(words) > 1:
            return " ".join(words)
    return None


def _is_adjective(word: str) -> bool:
    """A definite adjective of nationality or kind (`العراقية`, `الدولي`)."""
    norm = fold(word)  # `الذي` ends as a nisba does, but relates a clause
    nisba = norm.startswith("ال") and norm.endswith(("ي", "يه", "يين", "ين"))
    return nisba and norm not in _RELATIVES


def _core(norm: str) -> str:
    """A folded word without the conjunction, preposition and article in
    front of it (`والرياضة`, `للمخرج` -> `رياضه`, `مخرج`)."""
    for prefix in ("وال", "بال", "لل", "فال", "ال", "و"):
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3:
            return norm[len(prefix) :]
    return norm


@lru_cache(maxsize=8)
def _letter_words(text: str) -> tuple[Token, ...]:
    """The article's words, once per article: every unnamed description of a
    long article searches them."""
    return tuple(t for t in tokens(text) if any(ch.isalpha() for ch in t.text))


def _named_like(text: str, phrase: str) -> str:
    """The name after a fuller wording of a description: `وزير الرياضة
    المغربي` is `وزير الشباب والرياضة المغربي، سمير العلوي`. The
    description's last word must be followed by the name, and its other
    words must come within the six words before it."""
    raw = re.findall(r"\w+", phrase)
    wanted = [_core(fold(w)) for w in raw]
    # Only a title-led description (`وزير ...`): a lone word (`المخرج`) finds
    # too many names that are not its own.
    if not 2 <= len(wanted) <= 4 or fold(raw[0]) not in word_list("titles.txt"):
        return ""
    words = _letter_words(text)
    for index, tok in enumerate(words):
        if _core(tok.norm) != wanted[-1]:
            continue
        window = {_core(t.norm) for t in words[max(0, index - 6) : index]}
        if set(wanted[:-1]) <= window:
            name = _name_after(text, tok.end)
            if len(name.split()) >= 2:  # a full name, not a stray word after it
                return name
    return ""


def _name_before(text: str, start: int, appositions: int = 1) -> str:
    """The name that a description is apposed to (`رامي سلوم، الناطق باسم
    ...` for `الناطق باسم ...`): two to four proper words (more with `بن`,
    `آل`) before a comma, or before one other titled apposition (`NAME، نائب
    حاكم دبي، وزير المالية`)."""
    head = re.search(r"((?:\S+ ){0,5}\S+)\s*[،,]\s*$", text[max(0, start - 80) : start])
    if head is None:
        return ""
    words = head.group(1).split()
    run: list[str] = []
    for word in reversed(words):
        if not (_is_proper(word) or (not run and _is_family_word(fold(word)))):
            break
        run.insert(0, word)
    links = sum(fold(w) in _NAME_LINKS for w in run)
    run = run[-(4 + links) :]
    if len(run) >= 2 and not is_common_noun(run[0]):
        return " ".join(run)
    segment = re.search(r"[،,]\s*((?:\S+ ){0,4}\S+)\s*[،,]\s*$", text[max(0, start - 80) : start])
    if appositions and segment and fold(segment.group(1).split()[0]) in word_list("titles.txt"):
        return _name_before(text, start - len(segment.group(0)) + 1, appositions - 1)
    return ""


def _may_start_person(word: str) -> bool:
    """Whether a word can open a person's name (`خامنئي`), not a noun (`وكيل`)."""
    return _is_proper(word) and not is_common_noun(word) and fold(word) not in _KIN


def _hashtag_at(text: str, start: int) -> str:
    """The words of the hashtag that begins at ``start`` (after its `#`), else ''."""
    if text[start - 1 : start] != "#":
        return ""
    tag = re.match(r"\w+", text[start:])
    return tag.group().replace("_", " ") if tag else ""


_VERBS_AFTER = frozenset(
    fold(w) for w in ("نشر", "نشرت", "صدر", "صدرت", "أصدر", "أصدرت", "جاء", "ورد", "وصل", "وصلت")
)  # fmt: skip


def _after_the_name(word: str) -> bool:
    """`يعمل`, `تطالب`, `عملياته`: an imperfect verb (its prefix on a word that
    is no noun or name) or a word with an attached pronoun, which follow a
    body's name rather than belong to it."""
    bare = _bare(word)
    if len(bare) >= 5 and bare.endswith(("ه", "ها", "هم")) and not bare.startswith("ال"):
        return True
    return (
        len(bare) >= 4
        and bare[:1] in "يت"
        and not is_common_noun(bare)
        and name_gender(bare) == "?"
        and fold(bare) not in word_list("places.txt")
    )


def _noun_phrase(text: str, start: int) -> str:
    """A body's name from ``start``: words up to punctuation or a boundary (four
    at most), and before a person's name that follows its last adjective
    (`وزارة الخارجية الروسية ماريا زاخاروفا` -> `وزارة الخارجية الروسية`)."""
    stops = word_list("boundaries.txt") | word_list("complementisers.txt")
    words: list[str] = []
    for match in re.finditer(r"\S+", text[start : start + 100]):
        word = match.group()
        core = word.rstrip('،,.:"»”')
        if words and (
            fold(core) in stops or fold(core) in _PUBLISHED_BY or fold(core) in _VERBS_AFTER
        ):
            break  # `بيان رئاسي مصري نشر ...`: the verb after the name
        if len(words) >= 2 and _bare(words[-1]).startswith("ال") and _may_start_person(core):
            break
        if words and _bare(words[-1]).startswith("ال") and _after_the_name(core):
            break  # `جيش الدفاع الإسرائيلي يعمل`, `... عملياته`: its verb or object
        words.append(core)
        if core != word or len(words) == 4:
            break
    return " ".join(words)
