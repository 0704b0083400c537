"""The canonical sale: one receipt of a cash register, whatever POS it came from.

Amounts are gross (VAT included) and always positive; `type` gives the direction
(sale, refund, void = Storno). A line's total is `quantity × unit_price − discount`;
the sale's `total` is the sum of its line totals and excludes tips, which ride on the
payments (`tip`, on top of each payment's `amount`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from .money import ZERO, Money, TaxRate, quantize_cents, to_decimal

EVENT_ID_PATTERN = r"^[a-z][a-z0-9_]*:\S+$"
SOURCES = ("sumup", "shopify", "square", "canonical", "dsfinvk", "generic")

SaleType = Literal["sale", "refund", "void"]
PaymentMethod = Literal["cash", "card", "wallet", "voucher", "other"]
LineKind = Literal["item", "multi_purpose_voucher", "single_purpose_voucher"]


class CanonicalModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BundleComponent(CanonicalModel):
    """A part of a bundle line (menu, gift box) with its own tax rate and share of the price."""

    sku: str | None = None
    name: str
    quantity: Decimal = Decimal(1)
    tax_rate: TaxRate
    amount: Money


class SaleLine(CanonicalModel):
    sku: str | None = None
    variant: str | None = None
    name: str
    quantity: Decimal = Decimal(1)
    unit_price: Money
    tax_rate: TaxRate
    discount: Money = ZERO
    product_group: str | None = None
    kind: LineKind = "item"
    components: list[BundleComponent] = Field(default_factory=list)

    @field_validator("quantity", mode="before")
    @classmethod
    def _exact_quantity(cls, value: object) -> Decimal:
        return to_decimal(value)

    @property
    def total(self) -> Decimal:
        return quantize_cents(self.quantity * self.unit_price) - self.discount


class Payment(CanonicalModel):
    """`amount` is what this payment pays of the sale's total (tip excluded); `tip` comes on top
    and `fee` is what the processor keeps of it. Over all payments, Σ amount = total, and the
    customer handed over Σ (amount + tip)."""

    method: PaymentMethod
    amount: Money
    tip: Money = ZERO
    fee: Money = ZERO
    provider: str | None = None
    card_token: str | None = None


class CustomerRef(CanonicalModel):
    """Who bought, as far as the POS knows; resolved to a golden customer by dedup."""

    email: str | None = None
    phone: str | None = None
    card_token: str | None = None
    loyalty_id: str | None = None
    name: str | None = None

    @property
    def identifies_someone(self) -> bool:
        """Whether dedup can resolve it and a CRM can keep it: a name alone identifies nobody."""
        return any((self.email, self.phone, self.card_token, self.loyalty_id))


class TseBlock(CanonicalModel):
    """KassenSichV data the TSE returned for the receipt (DSFinV-K transactions_tse.csv).

    `log_message` and `public_key` (base64 DER log message / SubjectPublicKeyInfo) are optional;
    when both are given, the signature is verified (TR-03151).
    """

    serial: str
    transaction_number: int
    signature_counter: int
    start: AwareDatetime
    end: AwareDatetime
    process_type: str
    process_data: str = ""
    signature: str
    signature_algorithm: str | None = None
    log_time_format: str | None = None
    log_message: str | None = None
    public_key: str | None = None


class Sale(CanonicalModel):
    type: SaleType = "sale"
    id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    source: str
    location_id: str
    register_id: str
    receipt_number: str
    occurred_at: AwareDatetime
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    total: Money
    lines: list[SaleLine] = Field(min_length=1)
    payments: list[Payment] = Field(default_factory=list)
    customer: CustomerRef | None = None
    tse: TseBlock | None = None
    original_id: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _id_names_its_source(self) -> "Sale":
        if not self.id.startswith(f"{self.source}:"):
            raise ValueError(f"id {self.id!r} must start with its source '{self.source}:'")
        if self.type in ("refund", "void") and not self.original_id:
            raise ValueError(f"a {self.type} must name the sale it reverses in original_id")
        return self

    @property
    def lines_total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)

    @property
    def tip_total(self) -> Decimal:
        return sum((payment.tip for payment in self.payments), ZERO)

    @property
    def payments_total(self) -> Decimal:
        """What the tenders paid towards the total (tips excluded)."""
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def business_time(self) -> datetime:
        return self.occurred_at
