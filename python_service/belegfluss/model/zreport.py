"""The Kassenabschluss (Z-report): a register's totals for one business day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from .money import ZERO, Money, TaxRate
from .sale import EVENT_ID_PATTERN, CanonicalModel, PaymentMethod


class TaxRateTotal(CanonicalModel):
    tax_rate: TaxRate
    gross: Money


class PaymentTotal(CanonicalModel):
    method: PaymentMethod
    provider: str | None = None
    amount: Money
    tips: Money = ZERO


class ZReport(CanonicalModel):
    type: Literal["z_report"] = "z_report"
    id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    source: str
    location_id: str
    register_id: str
    z_number: int = Field(ge=1)
    business_date: date
    closed_at: AwareDatetime | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    totals_by_tax_rate: list[TaxRateTotal] = Field(default_factory=list)
    totals_by_payment: list[PaymentTotal] = Field(default_factory=list)
    cash_counted: Money | None = None
    cash_difference: Money = ZERO
