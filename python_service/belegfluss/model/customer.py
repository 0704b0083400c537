"""A customer record as one system (POS, CRM, shop) knows it; dedup builds golden customers from these."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from .sale import CanonicalModel

ConsentPurpose = Literal["marketing", "newsletter", "profiling", "loyalty", "transactional"]


class PostalAddress(CanonicalModel):
    street: str | None = None
    house_number: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = "DE"


class Consent(CanonicalModel):
    purpose: str
    granted: bool
    timestamp: AwareDatetime
    source: str


class Customer(CanonicalModel):
    """`external_ids` maps a system ("sumup", "hubspot") to that system's id for this person."""

    external_ids: dict[str, str] = Field(default_factory=dict)
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    emails: list[str] = Field(default_factory=list)
    verified_emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    card_tokens: list[str] = Field(default_factory=list)
    loyalty_ids: list[str] = Field(default_factory=list)
    birth_date: date | None = Field(default=None, description="Optional; weighs heavily in dedup when both records have it.")
    address: PostalAddress | None = None
    consents: list[Consent] = Field(default_factory=list)
    debitor_number: int | None = None
    updated_at: AwareDatetime | None = None
