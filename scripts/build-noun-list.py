"""Write qawl/lexicon/nouns.txt: words that the news mostly writes with the article.

A proper name is almost never definite (`كيري`, never `الكيري`), while a common
noun or adjective often is (`مهاجم` / `المهاجم`, `شؤون` / `الشؤون`). A word whose
definite form makes at least MIN_SHARE of its uses, and is seen at least
MIN_DEFINITE times with `ال`, is listed: attribution does not start a speaker's
name with it (`مهاجم ليفربول` is a description, not a name).

With --conjoined-verbs it writes qawl/lexicon/conjoined_verbs.txt instead:
past verbs behind the conjunction `و` (`وهاجم`, `وانتقد`), which look like
names to the lexicon. A word `وX` is listed when X is also written alone and
with the suffixes of `she` and `they` (`هاجمت`, `هاجموا`), each MIN_VERB_USES
times at least; names take neither suffix.

usage: python scripts/build-noun-list.py [CORPORA_DIR] > qawl/lexicon/nouns.txt
       python scripts/build-noun-list.py --conjoined-verbs [CORPORA_DIR] \
           > qawl/lexicon/conjoined_verbs.txt
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


MIN_VERB_USES = 3


def conjoined_verbs(counts: collections.Counter[str]) -> list[str]:
    out = []
    for word, seen in counts.items():
        verb = word[1:]
        if word[:1] != "و" or len(verb) < 3 or seen < MIN_VERB_USES:
            continue
        if min(counts.get(form, 0) for form in (verb, verb + "ت", verb + "وا")) >= MIN_VERB_USES:
            out.append(word)
    return sorted(out)


def main() -> None:
    args = sys.argv[1:]
    verbs = "--conjoined-verbs" in args
    args = [a for a in args if a != "--conjoined-verbs"]
    corpora = Path(args[0] if args else "../shared/corpora")
    if verbs:
        print(
            f"# Written by scripts/build-noun-list.py --conjoined-verbs from {corpora.name}/"
            f" (each form seen >= {MIN_VERB_USES} times): past verbs behind `و`, never names."
        )
        print("\n".join(conjoined_verbs(count_words(corpora))))
        return
    words = nouns(count_words(corpora))
    print(
        f"# Written by scripts/build-noun-list.py from {corpora.name}/ (share >= {MIN_SHARE},"
        f" definite uses >= {MIN_DEFINITE}): folded words the news mostly writes with ال."
    )
    print("\n".join(words))


if __name__ == "__main__":
    main()
