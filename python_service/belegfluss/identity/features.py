"""The normalised view of one customer record, computed once and reused by blocking and scoring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.customer import Customer
from .normalise import (
    NormalisedAddress,
    fold_name,
    normalise_address,
    normalise_email,
    normalise_identifier,
    normalise_phone,
    phonetic_key,
)


@dataclass(frozen=True, slots=True)
class CustomerFeatures:
    first_name: str
    last_name: str
    first_phonetic: str
    last_phonetic: str
    emails: frozenset[str]
    phones: frozenset[str]
    card_tokens: frozenset[str]
    loyalty_ids: frozenset[str]
    birth_date: str | None
    address: NormalisedAddress

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_json(self) -> dict[str, Any]:
        # Spelled out rather than `dataclasses.asdict`, which deep-copies every value (it showed in profiles).
        address = self.address
        return {
            "first_name": self.first_name, "last_name": self.last_name,
            "first_phonetic": self.first_phonetic, "last_phonetic": self.last_phonetic,
            "emails": sorted(self.emails), "phones": sorted(self.phones),
            "card_tokens": sorted(self.card_tokens), "loyalty_ids": sorted(self.loyalty_ids),
            "birth_date": self.birth_date,
            "address": {"street": address.street, "house_number": address.house_number,
                        "postcode": address.postcode, "city": address.city},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerFeatures:
        return cls(
            first_name=data["first_name"], last_name=data["last_name"],
            first_phonetic=data["first_phonetic"], last_phonetic=data["last_phonetic"],
            emails=frozenset(data["emails"]), phones=frozenset(data["phones"]),
            card_tokens=frozenset(data["card_tokens"]), loyalty_ids=frozenset(data["loyalty_ids"]),
            birth_date=data["birth_date"], address=NormalisedAddress(**data["address"]),
        )


def split_name(customer: Customer) -> tuple[str, str]:
    """First and last name, folded; a single `name` field is split at its last token."""
    first, last = fold_name(customer.first_name), fold_name(customer.last_name)
    if not first and not last and customer.name:
        tokens = fold_name(customer.name).split()
        first, last = " ".join(tokens[:-1]), (tokens[-1] if tokens else "")
    return first, last


def customer_features(customer: Customer, *, email_provider_rules: bool = False) -> CustomerFeatures:
    first, last = split_name(customer)
    address = customer.address
    return CustomerFeatures(
        first_name=first,
        last_name=last,
        first_phonetic=phonetic_key(first),
        last_phonetic=phonetic_key(last),
        emails=_set(normalise_email(e, provider_rules=email_provider_rules) for e in customer.emails),
        phones=_set(normalise_phone(p) for p in customer.phones),
        card_tokens=_set(normalise_identifier(c) for c in customer.card_tokens),
        loyalty_ids=_set(normalise_identifier(i) for i in customer.loyalty_ids),
        birth_date=customer.birth_date.isoformat() if customer.birth_date else None,
        address=normalise_address(
            address.street, address.house_number, address.postcode, address.city, address.country
        ) if address else NormalisedAddress(None, None, None, None),
    )


def _set(values: Any) -> frozenset[str]:
    return frozenset(v for v in values if v)
