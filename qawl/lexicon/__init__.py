"""The rules' word lists, kept as data files beside this module.

``cues.tsv`` holds speech verbs as lemma paradigms; this module expands them
into every inflected and clitic form (folded) with its part of speech, gender
and number, which attribution needs (``قالت`` cannot take a male source).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from qawl.text import fold


@dataclass(frozen=True)
class Cue:
    """What a cue form tells: its lemma, part of speech and agreement."""

    lemma: str
    pos: str  # verb | participle | noun | source
    gender: str  # m | f | ?
    number: str  # sg | du | pl | ?


def _lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def word_list(name: str) -> frozenset[str]:
    """A one-word-a-line list, folded."""
    return frozenset(fold(line.strip()) for line in _lines(name))


_LIGHT = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "\u0640": None})


def light_spelling(word: str) -> str:
    """Diacritics and tatweel dropped, alef forms unified; unlike :func:`fold`,
    `ى` and `ة` stay apart from `ي` and `ه` (`سلمى` is a name, `سلمي` an adjective)."""
    return "".join(
        ch for ch in word if not ("\u064b" <= ch <= "\u0652" or ch == "\u0670")
    ).translate(_LIGHT)


def is_common_noun(word: str) -> bool:
    """Whether a word is a noun or adjective that the news mostly writes with
    the article (``nouns.txt``; with an attached preposition or conjunction
    the list has the whole form: `لشؤون`, `ومهاجم`): it does not start a name."""
    light = light_spelling(word)
    # `بطريقة`, `وسائل`: the noun behind `ب` or `و`, mostly indefinite there
    # (not `ل`: Maghrebi family names drop their article, `لخضر`, `لبيض`)
    return light in _noun_list() or (light[:1] in "بو" and light[1:] in _noun_list())


@cache
def _noun_list() -> frozenset[str]:
    return frozenset(line.strip() for line in _lines("nouns.txt"))


# Suffix tables: (suffix, gender, number). The masculine singular is the bare stem.
_PERFECT = [
    ("", "m", "sg"),
    ("ت", "f", "sg"),
    ("ا", "m", "du"),
    ("تا", "f", "du"),
    ("وا", "m", "pl"),
    ("ن", "f", "pl"),
    ("ه", "m", "sg"),
    ("ها", "m", "sg"),
    ("ته", "f", "sg"),
    ("تها", "f", "sg"),
]
_IMPERFECT = [("", "m", "sg"), ("ون", "m", "pl"), ("ان", "m", "du")]
_PARTICIPLE = [
    ("", "m", "sg"),
    ("ا", "m", "sg"),
    ("ه", "f", "sg"),
    ("ين", "m", "pl"),
    ("ات", "f", "pl"),
    ("تين", "f", "du"),
    # defective participles (`ناف`, `داع`): `نافيا`, `نافية`, `داعين`
    ("يه", "f", "sg"),
    ("يا", "m", "sg"),
    ("يين", "m", "pl"),
]
_NOUN = [("", "?", "?"), ("ه", "m", "sg"), ("ها", "f", "sg"), ("هم", "m", "pl"), ("هما", "m", "du")]


def _expand(stem: str, table: list[tuple[str, str, str]], pos: str, lemma: str):
    for suffix, gender, number in table:
        yield fold(stem + suffix), Cue(lemma, pos, gender, number)


def _imperfect_forms(stem: str, lemma: str):
    yield from _expand(stem, _IMPERFECT, "verb", lemma)
    if stem.startswith("ي"):  # تقول: feminine (or "you") of يقول
        yield fold("ت" + stem[1:]), Cue(lemma, "verb", "f", "sg")


@cache
def cue_forms() -> dict[str, Cue]:
    """Every folded cue form, clitics included, to what it tells."""
    forms = dict(_generated_forms())
    for form in word_list("ambiguous.txt"):
        forms.pop(form, None)
    for form in word_list("sources.tsv"):
        forms[form] = Cue(form, "source", "?", "?")
    return forms


def ambiguous_cue(norm: str) -> Cue | None:
    """What a form that ``ambiguous.txt`` sets aside would tell as a verb
    (`بين` "between" or "he showed"): for callers that read its context."""
    cue = _generated_forms().get(norm) if norm in word_list("ambiguous.txt") else None
    return cue if cue is not None and cue.pos == "verb" else None


@cache
def _generated_forms() -> dict[str, Cue]:
    forms: dict[str, Cue] = {}
    for line in _lines("cues.tsv"):
        perfect, imperfect, participle, nouns, _note = (line.split("\t") + ["-"] * 5)[:5]
        lemma = perfect
        generated = list(_expand(perfect, _PERFECT, "verb", lemma))
        if imperfect != "-":
            generated += list(_imperfect_forms(imperfect, lemma))
        if participle != "-":
            generated += list(_expand(participle, _PARTICIPLE, "participle", lemma))
        for noun in nouns.split(",") if nouns != "-" else []:
            generated += list(_expand(noun, _NOUN, "noun", lemma))
        for form, cue in generated:
            forms.setdefault(form, cue)
    return forms


def lookup_cue(norm: str) -> Cue | None:
    """The cue a folded token is, allowing one leading و or ف (and ب for نقلا-style)."""
    forms = cue_forms()
    if norm in forms:
        return forms[norm]
    if norm in word_list("ambiguous.txt"):
        return None  # `فحسب` (only) is not `ف` + `حسب`
    if len(norm) > 3 and norm[0] in "وف" and norm[1:] in forms:
        return forms[norm[1:]]
    return None


@cache
def _first_names() -> dict[str, str]:
    pairs = (line.split("\t") for line in _lines("first_names.tsv"))
    return {light_spelling(name.strip()): gender.strip() for name, gender in pairs}


def is_listed_first_name(word: str) -> bool:
    """Whether ``first_names.tsv`` lists the word (`مصطفى`), as written, without a prefix."""
    return light_spelling(word) in _first_names()


def name_gender(first_name: str) -> str:
    """m | f | ?: the gender a first name gives (``first_names.tsv``); a name
    ending in ta marbuta (`سميرة`) is female unless listed as male (`حمزة`)."""
    word = light_spelling(first_name)
    for form in (word, word[1:] if word[:1] in "وف" and len(word) > 3 else ""):
        if form in _first_names():
            return _first_names()[form]
        if len(form) >= 4 and form.endswith("ة"):
            return "f"
    return "?"
