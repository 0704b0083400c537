"""Person names: case-folded, German transliteration (ü→ue, ß→ss), titles and salutations dropped."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .koelner_phonetik import koelner_phonetik

# Spelled the way German forms and POS systems show them, after folding (so "Hr." is "hr").
TITLES_AND_SALUTATIONS = frozenset({
    "herr", "hr", "frau", "fr", "dr", "prof", "professor", "doktor", "dipl", "ing", "med", "rer", "nat",
    "phil", "mag", "habil", "mr", "mrs", "ms", "miss", "sir", "divers",
})
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_LETTER = re.compile(r"[^a-z]+")


@lru_cache(maxsize=131072)
def fold_name(raw: str | None) -> str:
    """`'Dr. Jürgen Weiß'` → `'juergen weiss'`; `'MÜLLER-Lüdenscheidt'` → `'mueller luedenscheidt'`.

    German letters are written out (ü→ue) so that "Müller" and "Mueller" agree; other accents are
    stripped (é→e). Hyphens and punctuation separate tokens.
    """
    if not raw:
        return ""
    text = raw.casefold().translate(_GERMAN_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    tokens = [t for t in _NOT_LETTER.split(text) if t and t not in TITLES_AND_SALUTATIONS]
    return " ".join(tokens)


def name_tokens(raw: str | None) -> list[str]:
    return fold_name(raw).split()


@lru_cache(maxsize=131072)
def phonetic_key(raw: str | None) -> str:
    """Kölner Phonetik per token, joined by blanks: `'Mayer-Schmidt'` → `'67 862'`.

    Coding the folded name makes "Müller", "Mueller" and "Muller" agree (vowels all code 0).
    """
    return " ".join(code for code in (koelner_phonetik(t) for t in name_tokens(raw)) if code)
