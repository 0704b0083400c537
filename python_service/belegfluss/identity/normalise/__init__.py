"""Small, pure normalisers: each takes what a POS or CRM user typed and returns a comparable value
(or None when nothing usable is left)."""

from .address import (
    NormalisedAddress,
    normalise_address,
    normalise_house_number,
    normalise_postcode,
    normalise_street,
)
from .email import normalise_email
from .identifier import normalise_identifier
from .koelner_phonetik import koelner_phonetik
from .name import fold_name, name_tokens, phonetic_key
from .phone import normalise_phone

__all__ = [
    "NormalisedAddress", "fold_name", "koelner_phonetik", "name_tokens", "normalise_address",
    "normalise_email", "normalise_house_number", "normalise_identifier", "normalise_phone",
    "normalise_postcode", "normalise_street", "phonetic_key",
]
