"""Postal addresses: street spellings (Straße / Strasse / Str.), house-number suffixes, postcodes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .name import fold_name

# After folding "Straße" is "strasse"; every spelling of the suffix becomes "str".
_STREET_SUFFIX = re.compile(r"(strasse|str)\b")
_NUMBER_IN_STREET = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)\s*$")
_HOUSE_NUMBER = re.compile(r"^(\d+)\s*[-/ ]?\s*([a-z]?)(?:\s*[-/]\s*(\d+)\s*([a-z]?))?$")


@dataclass(frozen=True, slots=True)
class NormalisedAddress:
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None

    @property
    def completeness(self) -> int:
        """How many parts are known: survivorship keeps the most complete address."""
        return sum(part is not None for part in (self.street, self.house_number, self.postcode, self.city))


@lru_cache(maxsize=65536)
def normalise_street(raw: str | None) -> str | None:
    """`'Hauptstraße'`, `'Haupt-Str.'`, `'Hauptstrasse'` → `'hauptstr'`; blanks and hyphens vanish."""
    folded = fold_name(raw)
    if not folded:
        return None
    return _STREET_SUFFIX.sub("str", folded.replace(" ", ""))


def normalise_house_number(raw: str | None) -> str | None:
    """`'12 A'`, `'12-a'`, `'12a'` → `'12a'`; a range `'3 - 5'` → `'3-5'`."""
    if not raw or not raw.strip():
        return None
    text = raw.strip().casefold()
    found = _HOUSE_NUMBER.match(text)
    if not found:
        return re.sub(r"\s+", "", text) or None
    first, suffix, last, last_suffix = found.groups()
    return f"{first}{suffix}" + (f"-{last}{last_suffix}" if last else "")


def normalise_postcode(raw: str | None, country: str | None = "DE") -> str | None:
    """German postcodes are five digits (`'D-10115'` → `'10115'`); others keep letters and digits."""
    if not raw:
        return None
    if (country or "DE").upper() == "DE":
        digits = re.sub(r"\D", "", raw)
        return digits.zfill(5) if 4 <= len(digits) <= 5 else None
    return re.sub(r"[^0-9A-Za-z]", "", raw).upper() or None


def normalise_address(
    street: str | None, house_number: str | None, postcode: str | None, city: str | None, country: str | None = "DE"
) -> NormalisedAddress:
    """A house number typed into the street field (`'Hauptstr. 5a'`) is split off when none is given."""
    if street and not house_number:
        found = _NUMBER_IN_STREET.match(street.strip())
        if found:
            street, house_number = found.group("street"), found.group("number")
    return NormalisedAddress(
        street=normalise_street(street),
        house_number=normalise_house_number(house_number),
        postcode=normalise_postcode(postcode, country),
        city=fold_name(city).replace(" ", "") or None,
    )
