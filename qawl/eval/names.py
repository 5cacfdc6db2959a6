"""Name folding and name agreement, as the guidelines' Scoring section defines them.

Pure functions, reused outside evaluation (entity grouping), so that a name
the extractor groups under one entity is the name the scorer accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from qawl.schema import Entity
from qawl.text import fold

_WORD = re.compile(r"\w+")


# The scorer's folding is the library's: one function, so that what the
# extractor groups is what the scorer accepts.
fold_text = fold


@lru_cache(maxsize=4096)
def name_tokens(name: str | None) -> frozenset[str]:
    """The folded `\\w+` tokens of two letters or more of a name (empty for None)."""
    if not name:
        return frozenset()
    return frozenset(t for t in _WORD.findall(fold_text(name)) if len(t) >= 2)


def fold_name(name: str | None) -> frozenset[str]:
    """Alias of :func:`name_tokens`: the set a name is compared by."""
    return name_tokens(name)


_TITLES = (
    "الرئيس", "وزير", "وزيرة", "الوزير", "الخارجية", "الشيخ", "الأمير", "الملك",
    "الدكتور", "د", "المتحدث", "الرسمي", "باسم", "العام", "رئيس", "الجنرال",
)  # fmt: skip
# Folded like names, so that "الرئيس" matches its folded form "الرييس".
TITLE_TOKENS: frozenset[str] = frozenset(fold_text(t) for t in _TITLES)


def _as_tokens(name: str | frozenset[str] | None) -> frozenset[str]:
    return name if isinstance(name, frozenset) else name_tokens(name)


def _contained(part: frozenset[str], whole: frozenset[str]) -> bool:
    core = part - TITLE_TOKENS
    return bool(core) and core <= whole


def names_agree(a: str | frozenset[str] | None, b: str | frozenset[str] | None) -> bool:
    """True when the tokens of one name, titles set aside (and not empty), are all in the other.

    Accepts raw names or token sets from :func:`name_tokens`.
    """
    ta, tb = _as_tokens(a), _as_tokens(b)
    return _contained(ta, tb) or _contained(tb, ta)


def entity_token_sets(entity: Entity) -> list[frozenset[str]]:
    """The token sets an entity answers to: its name and, when given, its latin name."""
    sets = [name_tokens(entity.name), name_tokens(entity.latin)]
    return [s for s in sets if s]


def names_entity(name: str | None, entity_id: str | None, entities: Iterable[Entity]) -> bool:
    """Whether ``name`` designates entity ``entity_id`` among ``entities`` (one article).

    Equality of token sets with the entity's name or latin wins; failing equality
    with every entity, the name must agree with this entity and with no other one
    (a name that fits two entities names neither).
    """
    tokens = name_tokens(name)
    entities = list(entities)
    target = next((e for e in entities if e.id == entity_id), None)
    if not tokens or target is None:
        return False
    if tokens in entity_token_sets(target):
        return True
    others = [e for e in entities if e.id != target.id]
    if any(tokens in entity_token_sets(e) for e in others):
        return False

    def agrees(entity: Entity) -> bool:
        return any(names_agree(tokens, s) for s in entity_token_sets(entity))

    return agrees(target) and not any(agrees(e) for e in others)
