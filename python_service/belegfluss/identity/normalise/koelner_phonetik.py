"""Kölner Phonetik (Hans Joachim Postel, 1969): a phonetic code made for German names.

Three steps as published: code each letter by its context, collapse runs of the same code, drop
every "0" except a leading one. "H" (and any non-letter) has no code; umlauts are vowels, ß is "S".
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = frozenset("AEIJOUYÄÖÜ")
_C_HARD_AT_START = frozenset("AHKLOQRUX")
_C_HARD = frozenset("AHKOQUX")
_PLAIN = {
    **dict.fromkeys("BP", "1"),  # P before H is handled below
    **dict.fromkeys("DT", "2"),
    **dict.fromkeys("FVW", "3"),
    **dict.fromkeys("GKQ", "4"),
    "L": "5",
    **dict.fromkeys("MN", "6"),
    "R": "7",
    **dict.fromkeys("SZß", "8"),
}


def letter_codes(text: str) -> str:
    """Step 1: the code of every letter, in order (`Müller-Lüdenscheidt` → `60550750206880022`)."""
    letters = [c for c in text.upper() if c.isalpha() or c == "ß"]
    codes: list[str] = []
    for i, letter in enumerate(letters):
        before = letters[i - 1] if i > 0 else ""
        after = letters[i + 1] if i + 1 < len(letters) else ""
        codes.append(_code(letter, before, after, at_start=i == 0))
    return "".join(codes)


def _code(letter: str, before: str, after: str, *, at_start: bool) -> str:
    if letter in _VOWELS:
        return "0"
    if letter == "H":
        return ""
    if letter == "P":
        return "3" if after == "H" else "1"
    if letter in "DT":
        return "8" if after in ("C", "S", "Z") else "2"
    if letter == "C":
        if at_start:
            return "4" if after in _C_HARD_AT_START else "8"
        if before in ("S", "Z"):
            return "8"
        return "4" if after in _C_HARD else "8"
    if letter == "X":
        return "8" if before in ("C", "K", "Q") else "48"
    return _PLAIN.get(letter, "")


def collapse_repeats(codes: str) -> str:
    """Step 2: runs of one code become one (`60550750206880022` → `6050750206802`)."""
    return "".join(c for i, c in enumerate(codes) if i == 0 or c != codes[i - 1])


def drop_inner_zeros(codes: str) -> str:
    """Step 3: every "0" goes except a leading one (`6050750206802` → `65752682`)."""
    return codes[:1] + codes[1:].replace("0", "")


@lru_cache(maxsize=131072)
def koelner_phonetik(text: str) -> str:
    """The Kölner Phonetik code of `text` (`Wikipedia` → `3412`, `Meyer` and `Maier` → `67`)."""
    return drop_inner_zeros(collapse_repeats(letter_codes(text)))
