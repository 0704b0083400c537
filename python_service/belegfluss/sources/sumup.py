"""SumUp: a transaction as SumUp's Transactions API returns it (`TransactionFull`) → canonical `Sale`.

Fields read, by SumUp's names: `id`, `transaction_code`, `type` (PAYMENT | REFUND | CHARGE_BACK, as the
transaction history lists it; absent means PAYMENT), `status`, `amount` (float, major units, tip
included), `currency`, `timestamp`, `payment_type` (CASH, POS, ECOM, MOTO, RECURRING, APM, ...),
`entry_mode`, `tip_amount`, `fee_amount`, `merchant_code`, `foreign_transaction_id` and `products[]`
{`name`, `price` (net unit), `vat_rate` (fraction, 0.19), `single_vat_amount`, `price_with_vat`,
`quantity`, `total_with_vat`}. Floats are read through their shortest repr (`Decimal(str(x))`).

Rules:

- Only `status` SUCCESSFUL maps; anything else is `sumup.unsupported_status` (a failed or pending
  card payment is no receipt). `events[]` (payouts, refunds) are not read: each refund arrives as its
  own record (below).
- Sale: id `sumup:<transaction_code>`, receipt number = `transaction_code`.
- Refund (and chargeback): the record the history lists with `type` REFUND (CHARGE_BACK), its own
  `id`, and the `transaction_code` of the payment it refunds, with the returned `products`, a
  positive `amount`. It becomes a canonical refund `sumup:<transaction_code>:refund:<id>` with
  `original_id` `sumup:<transaction_code>` and receipt number = its `id`.
- Split bill: `{"transactions": [t1, t2, ...]}`, the SumUp transactions that paid one receipt, all
  carrying the receipt's `foreign_transaction_id`. Each pays for the products it lists; they become
  one sale `sumup:<foreign_transaction_id>` with one payment per transaction.
- Lines: gross unit price = `price_with_vat`; without it (net prices) = `price` + `single_vat_amount`
  (or `price` × `vat_rate`). The line total is `total_with_vat` when given; a shortfall against
  quantity × gross unit price is the line's discount. A tax-exclusive line whose gross is not a
  multiple of its quantity is written as two lines of the same product (see `_lines.unit_lines`).
- Total = `amount` − `tip_amount`. When the products add up to more, the difference is a cart
  discount, spread over the lines in proportion to their totals (so each VAT rate keeps its share).
- Payment: `amount` − `tip_amount` (a canonical payment's amount excludes the tip), with
  `tip_amount` as tip and `fee_amount` as fee. Method: CASH →
  cash; `entry_mode` apple pay / google pay / paypal → wallet; sumup gift card → voucher; POS, ECOM,
  MOTO, RECURRING → card; else other. Provider "sumup" unless cash.
- Location and register: SumUp knows only the merchant account. The workflow may add
  `location_id` and `register_id` to the payload; otherwise both fall back to `merchant_code`
  (one SumUp account = one location with one register).
- Customer: SumUp transactions carry no customer. The workflow may add the receipt request's
  `customer_email` / `customer_phone` (named like the SumUp SDK's checkout fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from belegfluss.model import ZERO, Sale, quantize_cents

from . import errors as codes
from ._build import build_sale, customer_ref
from ._lines import allocate, percent_from_fraction, unit_lines
from ._reader import PayloadReader

SOURCE = "sumup"
_ONE = Decimal(1)
_REFUND_TYPES = {"REFUND": None, "CHARGE_BACK": "chargeback"}
_CARD_TYPES = frozenset({"POS", "ECOM", "MOTO", "RECURRING"})
_ENTRY_MODE_METHODS = {
    "apple pay": "wallet",
    "google pay": "wallet",
    "paypal": "wallet",
    "sumup gift card": "voucher",
}


def map_sumup(payload: Mapping[str, Any]) -> Sale:
    reader = PayloadReader(SOURCE, "SumUp")
    parts = _transactions(reader, payload)
    first_path, first = parts[0] if parts else ("$", payload)
    kind = first.get("type") or "PAYMENT"
    if kind != "PAYMENT" and kind not in _REFUND_TYPES:
        reader.fail(
            codes.INVALID_VALUE, f"{first_path}.type", "SumUp field 'type' has an unknown value", kind
        )
    currency = reader.text(first, "currency", first_path)

    articles: list[tuple[dict[str, Any], Decimal, Decimal, Decimal]] = []
    payments: list[dict[str, Any]] = []
    occurred_at: datetime | None = None
    total = ZERO
    for path, part in parts:
        status = reader.field(part, "status", path)
        if status is not None and status != "SUCCESSFUL":
            reader.fail(
                f"{SOURCE}.{codes.UNSUPPORTED_STATUS}",
                f"{path}.status",
                f"SumUp field 'status' is {status}: only SUCCESSFUL transactions are receipts",
                status,
            )
        if part is not first and part.get("currency") != currency:
            reader.fail(
                codes.CURRENCY_MISMATCH,
                f"{path}.currency",
                f"SumUp field 'currency' differs from the first transaction's {currency}",
                part.get("currency"),
            )
        moment = reader.timestamp(part, "timestamp", path)
        if moment is not None and (occurred_at is None or moment > occurred_at):
            occurred_at = moment
        payment = _payment(reader, part, path)
        payments.append(payment)
        total += payment["amount"]
        for index, product in enumerate(reader.objects(part, "products", path)):
            articles.append(_product(reader, product, f"{path}.products[{index}]"))

    lines = _lines(articles, total)

    event_id, original_id, receipt = _identity(reader, parts, kind)

    merchant = first.get("merchant_code")
    location = payload.get("location_id") or merchant
    if not location:
        reader.missing(first_path, "merchant_code")

    return build_sale(
        reader,
        {
            "type": "refund" if kind in _REFUND_TYPES else "sale",
            "id": event_id,
            "source": SOURCE,
            "location_id": str(location or ""),
            "register_id": str(payload.get("register_id") or merchant or location or ""),
            "receipt_number": receipt,
            "occurred_at": occurred_at,
            "currency": currency,
            "total": total,
            "lines": lines,
            "payments": payments,
            "customer": customer_ref(
                email=payload.get("customer_email"), phone=payload.get("customer_phone")
            ),
            "original_id": original_id,
            "note": _REFUND_TYPES.get(kind),
        },
    )


def _identity(
    reader: PayloadReader, parts: list[tuple[str, Mapping[str, Any]]], kind: str
) -> tuple[str, str | None, str | None]:
    """(event id, original id, receipt number) of a payment, refund or split bill."""
    first_path, first = parts[0] if parts else ("$", {})
    if len(parts) > 1:
        receipt = reader.text(first, "foreign_transaction_id", first_path)
        for path, part in parts[1:]:
            if part.get("foreign_transaction_id") != receipt:
                reader.fail(
                    codes.INVALID_VALUE,
                    f"{path}.foreign_transaction_id",
                    "SumUp field 'foreign_transaction_id' must be the same for every part of a split bill",
                    part.get("foreign_transaction_id"),
                )
        return f"{SOURCE}:{receipt}", None, receipt
    code = reader.text(first, "transaction_code", first_path)
    if kind not in _REFUND_TYPES:
        return f"{SOURCE}:{code}", None, code
    own_id = reader.text(first, "id", first_path)
    return f"{SOURCE}:{code}:refund:{own_id}", f"{SOURCE}:{code}", own_id


def _transactions(reader: PayloadReader, payload: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    if "transactions" not in payload:
        return [("$", payload)]
    parts: list[tuple[str, Mapping[str, Any]]] = []
    for index, part in enumerate(reader.items(payload, "transactions", "$")):
        path = f"$.transactions[{index}]"
        if isinstance(part, dict):
            parts.append((path, part))
        else:
            reader.fail(codes.INVALID_VALUE, path, "SumUp field 'transactions' must hold transactions", part)
    return parts


def _payment(reader: PayloadReader, part: Mapping[str, Any], path: str) -> dict[str, Any]:
    payment_type = reader.field(part, "payment_type", path)
    method = _method(payment_type, part.get("entry_mode"))
    tip = reader.amount(part, "tip_amount", path, required=False)
    return {
        "method": method,
        "amount": reader.amount(part, "amount", path) - tip,
        "tip": tip,
        "fee": reader.amount(part, "fee_amount", path, required=False),
        "provider": None if method == "cash" else SOURCE,
    }


def _method(payment_type: Any, entry_mode: Any) -> str:
    if payment_type == "CASH":
        return "cash"
    by_entry_mode = _ENTRY_MODE_METHODS.get(str(entry_mode).lower()) if entry_mode else None
    if by_entry_mode:
        return by_entry_mode
    return "card" if payment_type in _CARD_TYPES else "other"


def _product(
    reader: PayloadReader, product: Mapping[str, Any], path: str
) -> tuple[dict[str, Any], Decimal, Decimal, Decimal]:
    """(shared line fields, quantity, gross before discount, line total)."""
    quantity = reader.number(product, "quantity", path, required=False, default=_ONE)
    rate = reader.number(product, "vat_rate", path)
    if product.get("price_with_vat") is not None:
        unit = reader.amount(product, "price_with_vat", path)
    else:
        net = reader.amount(product, "price", path)
        single_vat = (
            reader.amount(product, "single_vat_amount", path)
            if product.get("single_vat_amount") is not None
            else net * rate
        )
        unit = net + single_vat
    gross = quantize_cents(unit * quantity)
    line_total = (
        quantize_cents(reader.amount(product, "total_with_vat", path))
        if product.get("total_with_vat") is not None
        else gross
    )
    article = {"name": reader.text(product, "name", path), "tax_rate": percent_from_fraction(rate)}
    return article, quantity, max(gross, line_total), line_total


def _lines(
    articles: list[tuple[dict[str, Any], Decimal, Decimal, Decimal]], total: Decimal
) -> list[dict[str, Any]]:
    line_totals = [line_total for _, _, _, line_total in articles]
    cart_discount = sum(line_totals, ZERO) - quantize_cents(total)
    shares = allocate(cart_discount, line_totals) if cart_discount > 0 else [ZERO] * len(articles)
    lines: list[dict[str, Any]] = []
    for (article, quantity, gross, line_total), share in zip(articles, shares, strict=True):
        lines.extend(unit_lines(article, quantity, gross, gross - line_total + share))
    return lines
