"""Write qawl/lexicon/nouns.txt: words that the news mostly writes with the article.

A proper name is almost never definite (`كيري`, never `الكيري`), while a common
noun or adjective often is (`مهاجم` / `المهاجم`, `شؤون` / `الشؤون`). A word whose
definite form makes at least MIN_SHARE of its uses, and is seen at least
MIN_DEFINITE times with `ال`, is listed: attribution does not start a speaker's
name with it (`مهاجم ليفربول` is a description, not a name).

usage: python scripts/build-noun-list.py [CORPORA_DIR] > qawl/lexicon/nouns.txt
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import sys
from pathlib import Path

from qawl.lexicon import light_spelling

MIN_SHARE = 0.3
MIN_DEFINITE = 20
ARABIC_WORD = re.compile(r"[\u0621-\u064a\u064b-\u0652\u0670\u0640]+")


def count_words(corpora: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for path in sorted(corpora.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                counts.update(
                    light_spelling(w) for w in ARABIC_WORD.findall(json.loads(line).get("text", ""))
                )
    return counts


def definite_forms(word: str) -> list[str]:
    """The word with the article, also behind an attached preposition or
    conjunction (`لشؤون` -> `للشؤون`, `ومهاجم` -> `والمهاجم`)."""
    forms = ["ال" + word]
    if word[:1] == "ل":
        forms.append("لل" + word[1:])
    elif word[:1] in "بوفك":
        forms.append(word[0] + "ال" + word[1:])
    return forms


def nouns(counts: collections.Counter[str]) -> list[str]:
    out = []
    for word, bare in counts.items():
        if word.startswith("ال") or len(word) < 3:
            continue
        definite = max(counts.get(form, 0) for form in definite_forms(word))
        if definite >= MIN_DEFINITE and definite / (definite + bare) >= MIN_SHARE:
            out.append(word)
    return sorted(out)


def main() -> None:
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora")
    words = nouns(count_words(corpora))
    print(
        f"# Written by scripts/build-noun-list.py from {corpora.name}/ (share >= {MIN_SHARE},"
        f" definite uses >= {MIN_DEFINITE}): folded words the news mostly writes with ال."
    )
    print("\n".join(words))


if __name__ == "__main__":
    main()
