"""Payouts of a payment provider: Bank and fee against Geldtransit.

A card sale books the gross amount on the provider's Geldtransit account; the payout clears it:
Bank an Geldtransit (net) and Nebenkosten des Geldverkehrs an Geldtransit (fee). Once every sale's
payout is booked, the Geldtransit account nets to zero; a residue is an unmatched sale or payout.
Belegdatum is the payout date, not the sales day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ...model.money import ZERO, Money
from ...model.sale import EVENT_ID_PATTERN, CanonicalModel
from ...profiles.model import LocationProfile
from .common import accounting_of, ensure_cp1252
from .legs import Leg, RowContext, pair_legs
from .result import PostingResult, posting_error
from .texts import belegfeld, provider_label


class Payout(CanonicalModel):
    """A provider's payout to the bank account: `gross` leaves Geldtransit, `fee` is kept by the provider."""

    type: Literal["payout"] = "payout"
    id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    source: str
    location_id: str
    provider: str
    reference: str = Field(description="The provider's payout id, written to Belegfeld 1")
    paid_out_on: date
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    gross: Money
    fee: Money = ZERO

    @model_validator(mode="after")
    def _fee_within_gross(self) -> "Payout":
        if self.gross <= ZERO:
            raise ValueError("gross must be positive")
        if not ZERO <= self.fee <= self.gross:
            raise ValueError("fee must lie between 0 and the gross amount")
        return self

    @property
    def net(self) -> Decimal:
        return self.gross - self.fee


def book_payout(payout: Payout, profile: LocationProfile) -> PostingResult:
    settings = accounting_of(profile, payout.location_id, payout.currency)
    mapping = settings.mapping
    provider = provider_label(payout.provider, "Karte")
    context = RowContext(
        document_date=payout.paid_out_on,
        document_number=belegfeld(payout.provider, payout.reference),
        text_prefix="",
        event_id=payout.id,
        location_id=payout.location_id,
        cost_center=settings.kost1 or "",
        currency=payout.currency,
    )
    if not context.document_number:
        raise posting_error(
            "accounting.belegfeld_empty",
            "$.reference",
            "The payout reference leaves nothing for Belegfeld 1",
            payout.reference,
        )
    debits = [
        Leg(mapping.bank, payout.net, f"Auszahlung {provider} {payout.reference}"),
        Leg(mapping.fees, payout.fee, f"Gebühr {provider} {payout.reference}"),
    ]
    credits = [Leg(mapping.geldtransit_account(payout.provider), payout.gross, "")]
    bookings = pair_legs([leg for leg in debits if leg.amount], credits, context)
    ensure_cp1252(bookings)
    return PostingResult(bookings)
