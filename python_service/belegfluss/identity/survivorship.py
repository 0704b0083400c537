"""Survivorship: the golden record built from a golden customer's source records.

Rules, in the words of the issue: the most recent verified e-mail is the primary e-mail; the most
complete address wins; otherwise a source priority decides (then recency). Consent is never merged
upwards: per purpose, an opt-out in any record wins over every grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from ..model.customer import Customer, PostalAddress
from .normalise import normalise_address, normalise_email, normalise_phone
from .settings import MatchSettings


@dataclass(frozen=True, slots=True)
class SourceRecord:
    record_id: str
    system: str
    customer: Customer
    received_at: datetime


class ConsentState(BaseModel):
    purpose: str
    granted: bool
    timestamp: AwareDatetime
    source: str


class GoldenRecord(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = Field(None, description="Primary e-mail: the most recent verified one, else the best source's.")
    emails: list[str] = Field(default_factory=list)
    phone: str | None = None
    phones: list[str] = Field(default_factory=list)
    card_tokens: list[str] = Field(default_factory=list)
    loyalty_ids: list[str] = Field(default_factory=list)
    birth_date: date | None = None
    address: PostalAddress | None = None
    consents: list[ConsentState] = Field(default_factory=list)
    debitor_number: int | None = None
    updated_at: AwareDatetime | None = None

    def consent(self, purpose: str) -> bool:
        return any(c.purpose == purpose and c.granted for c in self.consents)


def build_golden_record(records: list[SourceRecord], settings: MatchSettings) -> GoldenRecord:
    if not records:
        return GoldenRecord()
    ranked = sorted(records, key=lambda r: _rank(r, settings))
    best = _first(ranked, lambda c: c.first_name or c.last_name or c.name)
    return GoldenRecord(
        first_name=best.first_name if best else None,
        last_name=best.last_name if best else None,
        name=best.name if best else None,
        email=_primary_email(ranked, settings),
        emails=_union(ranked, lambda c: [normalise_email(e) for e in c.emails]),
        phone=next(iter(_union(ranked, lambda c: [normalise_phone(p) for p in c.phones])), None),
        phones=_union(ranked, lambda c: [normalise_phone(p) for p in c.phones]),
        card_tokens=_union(ranked, lambda c: c.card_tokens),
        loyalty_ids=_union(ranked, lambda c: c.loyalty_ids),
        birth_date=_value(ranked, lambda c: c.birth_date),
        address=_most_complete_address(ranked),
        consents=_consents(records),
        debitor_number=_value(ranked, lambda c: c.debitor_number),
        updated_at=max((r.customer.updated_at or r.received_at for r in records), default=None),
    )


def _rank(record: SourceRecord, settings: MatchSettings) -> tuple[int, float]:
    """Sort key: listed sources first in their order, then the most recently updated."""
    priority = settings.source_priority
    position = priority.index(record.system) if record.system in priority else len(priority)
    return position, -_recency(record)


def _recency(record: SourceRecord) -> float:
    return (record.customer.updated_at or record.received_at).timestamp()


def _first(ranked: list[SourceRecord], has: Any) -> Customer | None:
    return next((r.customer for r in ranked if has(r.customer)), None)


def _value(ranked: list[SourceRecord], get: Any) -> Any:
    return next((get(r.customer) for r in ranked if get(r.customer) is not None), None)


def _union(ranked: list[SourceRecord], values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for record in ranked:
        for value in values(record.customer):
            if value:
                seen.setdefault(value, None)
    return list(seen)


def _primary_email(ranked: list[SourceRecord], settings: MatchSettings) -> str | None:
    by_recency = sorted(ranked, key=_recency, reverse=True)
    for record in by_recency:
        for email in record.customer.verified_emails:
            if normalised := normalise_email(email):
                return normalised
    return next(iter(_union(ranked, lambda c: [normalise_email(e) for e in c.emails])), None)


def _most_complete_address(ranked: list[SourceRecord]) -> PostalAddress | None:
    """Most parts known wins; among equals the ranking (source priority, recency) decides."""
    best: PostalAddress | None = None
    best_parts = 0
    for record in ranked:
        address = record.customer.address
        if address is None:
            continue
        parts = normalise_address(address.street, address.house_number, address.postcode, address.city,
                                  address.country).completeness
        if parts > best_parts:
            best, best_parts = address, parts
    return best


def _consents(records: list[SourceRecord]) -> list[ConsentState]:
    """Per purpose: the latest opt-out if there is any (it wins over any grant), else the latest grant."""
    by_purpose: dict[str, list[Any]] = {}
    for record in records:
        for consent in record.customer.consents:
            by_purpose.setdefault(consent.purpose, []).append(consent)
    states = []
    for purpose, consents in sorted(by_purpose.items()):
        opt_outs = [c for c in consents if not c.granted]
        deciding = max(opt_outs or consents, key=lambda c: c.timestamp)
        states.append(ConsentState(purpose=purpose, granted=deciding.granted, timestamp=deciding.timestamp,
                                   source=deciding.source))
    return states
