"""Blocking keys: only records that share a key are compared, so nobody compares n² pairs.

A key is a short string with a prefix naming its rule (`e:` e-mail, `p:` phone, …). Exact keys
catch the strong identifiers; the phonetic keys catch typed names with a typo or a different
umlaut spelling when an address or a birth date is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .features import CustomerFeatures

BlockingRule = Callable[[CustomerFeatures], Iterable[str]]


def _email(f: CustomerFeatures) -> Iterable[str]:
    return (f"e:{e}" for e in f.emails)


def _phone(f: CustomerFeatures) -> Iterable[str]:
    return (f"p:{p}" for p in f.phones)


def _card_token(f: CustomerFeatures) -> Iterable[str]:
    return (f"c:{c}" for c in f.card_tokens)


def _loyalty_id(f: CustomerFeatures) -> Iterable[str]:
    return (f"l:{i}" for i in f.loyalty_ids)


def _last_name_phonetic_postcode(f: CustomerFeatures) -> Iterable[str]:
    if f.last_phonetic and f.address.postcode:
        yield f"np:{f.last_phonetic}|{f.address.postcode}"


def _first_name_phonetic_postcode(f: CustomerFeatures) -> Iterable[str]:
    """Catches a typo in the last name when the first name and postcode agree."""
    if f.first_phonetic and f.address.postcode:
        yield f"fp:{f.first_phonetic}|{f.address.postcode}"


def _last_name_phonetic_city(f: CustomerFeatures) -> Iterable[str]:
    """Catches a mistyped postcode when the surname and the town agree."""
    if f.last_phonetic and f.address.city:
        yield f"nc:{f.last_phonetic}|{f.address.city}"


def _name_phonetic_birth_date(f: CustomerFeatures) -> Iterable[str]:
    if f.birth_date and (f.last_phonetic or f.first_phonetic):
        yield f"nb:{f.last_phonetic[:3]}|{f.birth_date}"
        yield f"nb:{f.first_phonetic[:3]}|{f.birth_date}"


def _birth_date(f: CustomerFeatures) -> Iterable[str]:
    if f.birth_date:
        yield f"b:{f.birth_date}"


def _postcode_house_number(f: CustomerFeatures) -> Iterable[str]:
    """Same door, whatever the names say: catches a first and last name both mistyped."""
    if f.address.postcode and f.address.house_number:
        yield f"ph:{f.address.postcode}|{f.address.house_number}"


def _full_name_phonetic(f: CustomerFeatures) -> Iterable[str]:
    if f.first_phonetic and f.last_phonetic:
        yield f"nn:{f.first_phonetic}|{f.last_phonetic}"


BLOCKING_RULES: dict[str, BlockingRule] = {
    "email": _email,
    "phone": _phone,
    "card_token": _card_token,
    "loyalty_id": _loyalty_id,
    "last_name_phonetic+postcode": _last_name_phonetic_postcode,
    "first_name_phonetic+postcode": _first_name_phonetic_postcode,
    "last_name_phonetic+city": _last_name_phonetic_city,
    "name_phonetic+birth_date": _name_phonetic_birth_date,
    "full_name_phonetic": _full_name_phonetic,
    "birth_date": _birth_date,
    "postcode+house_number": _postcode_house_number,
}


GRAPH_RULES = tuple(rule for rule in BLOCKING_RULES if rule not in ("birth_date", "last_name_phonetic+city"))
"""The keys the identity graph stores and resolve looks up. A birth date alone is left out: in a
graph of a million customers some forty share each date, a fifth of all key hits, and leaving it out
changed no decision for the 3,000 records measured (README, Decisions); a birth date still counts
together with a name (`name_phonetic+birth_date`). A surname in a town is left out too: a crowded
key more to write for every record. Resolve meets a mistyped postcode only through the whole
name's key, read in postcode order (`graph_keys`): when the names sound alike and the postcode
stays among the nearest of its namesakes'. Batch dedup keeps every rule."""


def blocking_keys(features: CustomerFeatures, rules: Iterable[str] = BLOCKING_RULES) -> set[str]:
    return {key for rule in rules for key in BLOCKING_RULES[rule](features)}


# A record's place inside a key of the graph, by the key's prefix. Resolve reads at most
# `max_reads_per_key` records of a key: those nearest the incoming record's own place, so a key shared
# by hundreds (a surname in a postcode) yields the records most like it instead of the oldest. The
# place is what the key leaves open: the first name within a surname's key, the surname within a
# first name's, the postcode within a whole name (German postcodes are regional, so a customer who
# moved within the region stays near), the street and surname within a door. A key of one person
# (e-mail, phone, card, loyalty id, name + birth date) needs no place.
_PLACE_LENGTH = 100
_PLACES: dict[str, Callable[[CustomerFeatures], str]] = {
    "np": lambda f: f.first_name,
    "fp": lambda f: f.last_name,
    "nn": lambda f: f"{f.address.postcode or ''} {f.address.street or ''}",
    "ph": lambda f: f"{f.address.street or ''} {f.last_name}",
}


def graph_keys(features: CustomerFeatures) -> dict[str, str]:
    """The keys the identity graph stores for a record (`GRAPH_RULES`), each with the record's place in it."""
    places = {}
    for key in blocking_keys(features, GRAPH_RULES):
        place_of = _PLACES.get(key.partition(":")[0])
        places[key] = place_of(features)[:_PLACE_LENGTH] if place_of else ""
    return places
