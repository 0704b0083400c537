"""Phone numbers to E.164, so `+49 30 1234567`, `0049 30 1234567` and `030 1234567` agree."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "DE"


@lru_cache(maxsize=65536)
def normalise_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """E.164 (`+49301234567`), or None when the text cannot be a phone number."""
    if not raw or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    # Validity (not just length) rejects fragments such as "12" that would otherwise block together.
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
