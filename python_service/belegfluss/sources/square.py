"""Square: a payment together with its order (or a refund together with its return order) → canonical `Sale`.

Payload: `{"payment": Payment, "order": Order}`; several tenders: `{"payments": [...], "order": ...}`;
a refund: `{"refund": PaymentRefund, "order": <the return order>}` (or `"refunds": [...]`). A workflow
may add `location_id` and `register_id` beside them.

Fields read, by Square's names (money is `{"amount": <integer minor units>, "currency": "EUR"}`):
Payment `id`, `status`, `amount_money` (tip excluded), `tip_money`, `total_money`, `processing_fee[]`
{`amount_money`}, `source_type`, `card_details.card` {`card_brand`, `fingerprint`},
`external_details.type`, `receipt_number`, `buyer_email_address`, `device_details` {`device_id`,
`device_name`}; Order `id`, `location_id`, `created_at`, `closed_at`, `total_money`, `total_tip_money`,
`line_items[]` {`name`, `variation_name`, `catalog_object_id`, `quantity` (string), `total_money`,
`total_discount_money`, `applied_taxes[]` {`tax_uid`}}, `service_charges[]` {`name`, `total_money`,
`applied_taxes`}, `taxes[]` {`uid`, `percentage` (string, percent), `type` ADDITIVE | INCLUSIVE},
`returns[]` {`source_order_id`, `return_line_items[]` (fields as line items), `return_taxes[]`};
PaymentRefund `id`, `status`, `amount_money`, `created_at`, `location_id`, `destination_type`, `reason`.

Rules:

- Only payments and refunds with `status` COMPLETED map; else `square.unsupported_status`.
- Sale id `square:<order id>` (one order, however many tenders); receipt number = the first payment's
  `receipt_number`; occurred at the order's `closed_at` (else `created_at`).
- Every money field must be in the order's currency (`mapping.currency_mismatch`).
- Lines: a line's gross total is its `total_money`. With INCLUSIVE taxes the discount
  (`total_discount_money`) is gross already; with ADDITIVE taxes it is net and gets the line's VAT
  added. The gross unit price is written as two lines where needed (`_lines.unit_lines`). VAT rate =
  the sum of the applied taxes' `percentage`. Service charges become lines of product group
  "service_charge".
- Total = order `total_money` − `total_tip_money`.
- Payments: one per Square payment: `amount_money` (tip excluded, as a canonical payment's amount)
  with `tip_money` as tip and the sum of
  `processing_fee[].amount_money` as fee. `source_type` CARD → card (SQUARE_GIFT_CARD brand → voucher),
  CASH → cash, WALLET → wallet, EXTERNAL → by `external_details.type` (gift cards and food vouchers →
  voucher, CARD → card, else other), others → other. Card fingerprint = card token.
- Refund: `square:<refund id>` with `original_id` `square:<returns[0].source_order_id>`; lines from
  the return order's `return_line_items` (taxes from `return_taxes`); total and payments = the
  refunds' `amount_money` (method by `destination_type`, card when absent). Fees given back on a
  refund are left to payout reconciliation.
- Location: the workflow's `location_id`, else Square's; register: the workflow's `register_id`, else
  the payment's `device_details.device_name` (or `device_id`), else "default".
- Customer: the payments' `buyer_email_address` and the first card fingerprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from belegfluss.model import ZERO, Sale, from_minor_units
from belegfluss.model.money import MoneyError

from . import errors as codes
from ._build import build_sale, customer_ref
from ._lines import gross_from_net, unit_lines
from ._reader import PayloadReader, optional_object

SOURCE = "square"
_ONE = Decimal(1)
_SOURCE_TYPE_METHODS: dict[str | None, str] = {"CARD": "card", "CASH": "cash", "WALLET": "wallet"}
_EXTERNAL_METHODS: dict[str | None, str] = {
    "CARD": "card",
    "OTHER_GIFT_CARD": "voucher",
    "FOOD_VOUCHER": "voucher",
    "STORED_BALANCE": "voucher",
}


def map_square(payload: Mapping[str, Any]) -> Sale:
    reader = PayloadReader(SOURCE, "Square")
    order = reader.mapping(payload, "order", "$")
    currency = _currency(reader, order)
    if "refund" in payload or "refunds" in payload:
        return _map_refund(reader, payload, order, currency)

    taxes = _taxes(reader, order, "taxes", "$.order")
    lines: list[dict[str, Any]] = []
    for index, item in enumerate(reader.objects(order, "line_items", "$.order")):
        lines.extend(_item_lines(reader, item, f"$.order.line_items[{index}]", taxes, currency))
    for index, charge in enumerate(reader.objects(order, "service_charges", "$.order", required=False)):
        path = f"$.order.service_charges[{index}]"
        rate, _ = _applied_rate(reader, charge, path, taxes)
        article = {
            "name": reader.text(charge, "name", path),
            "product_group": "service_charge",
            "tax_rate": rate,
        }
        lines.extend(unit_lines(article, _ONE, _money(reader, charge, "total_money", path, currency)))

    payments = []
    email = None
    tenders = _many(reader, payload, "payment", "payments")
    for path, payment in tenders:
        _require_completed(reader, payment, path)
        payments.append(_payment(reader, payment, path, currency))
        email = email or payment.get("buyer_email_address")
    card_token = next((payment["card_token"] for payment in payments if payment["card_token"]), None)
    first = tenders[0][1] if tenders else {}
    device = optional_object(first, "device_details")

    total = _money(reader, order, "total_money", "$.order", currency) - _money(
        reader, order, "total_tip_money", "$.order", currency, required=False
    )
    order_id = reader.text(order, "id", "$.order")
    return build_sale(
        reader,
        {
            "id": f"{SOURCE}:{order_id}",
            "source": SOURCE,
            "location_id": str(
                payload.get("location_id") or reader.text(order, "location_id", "$.order") or ""
            ),
            "register_id": str(
                payload.get("register_id")
                or device.get("device_name")
                or device.get("device_id")
                or "default"
            ),
            "receipt_number": first.get("receipt_number") or order_id,
            "occurred_at": reader.timestamp(
                order, "closed_at" if order.get("closed_at") else "created_at", "$.order"
            ),
            "currency": currency,
            "total": total,
            "lines": lines,
            "payments": payments,
            "customer": customer_ref(email=email, card_token=card_token),
        },
    )


def _map_refund(
    reader: PayloadReader, payload: Mapping[str, Any], order: Mapping[str, Any], currency: str | None
) -> Sale:
    returns = reader.objects(order, "returns", "$.order")
    lines: list[dict[str, Any]] = []
    for return_index, returned in enumerate(returns):
        return_path = f"$.order.returns[{return_index}]"
        taxes = _taxes(reader, returned, "return_taxes", return_path)
        for index, item in enumerate(reader.objects(returned, "return_line_items", return_path)):
            lines.extend(
                _item_lines(reader, item, f"{return_path}.return_line_items[{index}]", taxes, currency)
            )
    original = reader.text(returns[0], "source_order_id", "$.order.returns[0]") if returns else None

    refunds = _many(reader, payload, "refund", "refunds")
    payments = []
    total = ZERO
    for path, refund in refunds:
        _require_completed(reader, refund, path)
        amount = _money(reader, refund, "amount_money", path, currency)
        method = _SOURCE_TYPE_METHODS.get(refund.get("destination_type") or "CARD", "other")
        payments.append(
            {"method": method, "amount": amount, "provider": None if method == "cash" else SOURCE}
        )
        total += amount
    first_path, first = refunds[0] if refunds else ("$", {})
    refund_id = reader.text(first, "id", first_path)
    return build_sale(
        reader,
        {
            "type": "refund",
            "id": f"{SOURCE}:{refund_id}",
            "source": SOURCE,
            "location_id": str(
                payload.get("location_id")
                or first.get("location_id")
                or reader.text(order, "location_id", "$.order")
                or ""
            ),
            "register_id": str(payload.get("register_id") or "default"),
            "receipt_number": refund_id,
            "occurred_at": reader.timestamp(first, "created_at", first_path),
            "currency": currency,
            "total": total,
            "lines": lines,
            "payments": payments,
            "original_id": f"{SOURCE}:{original}",
            "note": first.get("reason") or None,
        },
    )


def _currency(reader: PayloadReader, order: Mapping[str, Any]) -> str | None:
    total = order.get("total_money")
    if isinstance(total, dict) and total.get("currency"):
        return str(total["currency"])
    if order:
        reader.missing("$.order", "total_money.currency")
    return None


def _many(
    reader: PayloadReader, payload: Mapping[str, Any], one: str, many: str
) -> list[tuple[str, Mapping[str, Any]]]:
    if one in payload:
        return [(f"$.{one}", reader.mapping(payload, one, "$"))]
    return [
        (f"$.{many}[{index}]", element) for index, element in enumerate(reader.objects(payload, many, "$"))
    ]


def _require_completed(reader: PayloadReader, obj: Mapping[str, Any], path: str) -> None:
    status = reader.field(obj, "status", path)
    if status is not None and status != "COMPLETED":
        reader.fail(
            f"{SOURCE}.{codes.UNSUPPORTED_STATUS}",
            f"{path}.status",
            f"Square field 'status' is {status}: only COMPLETED ones are receipts",
            status,
        )


def _taxes(
    reader: PayloadReader, holder: Mapping[str, Any], key: str, holder_path: str
) -> dict[str, tuple[Decimal, bool]]:
    """uid → (rate in percent, additive?)."""
    taxes = {}
    for index, tax in enumerate(reader.objects(holder, key, holder_path, required=False)):
        path = f"{holder_path}.{key}[{index}]"
        taxes[str(tax.get("uid"))] = (reader.number(tax, "percentage", path), tax.get("type") == "ADDITIVE")
    return taxes


def _applied_rate(
    reader: PayloadReader, item: Mapping[str, Any], path: str, taxes: Mapping[str, tuple[Decimal, bool]]
) -> tuple[Decimal, bool]:
    rate, additive = ZERO, False
    for index, applied in enumerate(reader.objects(item, "applied_taxes", path, required=False)):
        tax = taxes.get(str(applied.get("tax_uid")))
        if tax is None:
            reader.fail(
                codes.INVALID_VALUE,
                f"{path}.applied_taxes[{index}].tax_uid",
                "Square field 'tax_uid' names no tax of the order",
                applied.get("tax_uid"),
            )
            continue
        rate += tax[0]
        additive = additive or tax[1]
    return rate, additive


def _item_lines(
    reader: PayloadReader,
    item: Mapping[str, Any],
    path: str,
    taxes: Mapping[str, tuple[Decimal, bool]],
    currency: str | None,
) -> list[dict[str, Any]]:
    rate, additive = _applied_rate(reader, item, path, taxes)
    line_total = _money(reader, item, "total_money", path, currency)
    discount = _money(reader, item, "total_discount_money", path, currency, required=False)
    gross_discount = gross_from_net(discount, rate) if additive else discount
    article = {
        "name": reader.text(item, "name", path),
        "variant": item.get("variation_name") or None,
        "sku": item.get("catalog_object_id") or None,
        "tax_rate": rate,
    }
    return unit_lines(
        article, reader.number(item, "quantity", path), line_total + gross_discount, gross_discount
    )


def _payment(
    reader: PayloadReader, payment: Mapping[str, Any], path: str, currency: str | None
) -> dict[str, Any]:
    source_type = payment.get("source_type")
    card_details = optional_object(payment, "card_details")
    card = optional_object(card_details, "card")
    method = _SOURCE_TYPE_METHODS.get(source_type, "other")
    if method == "card" and card.get("card_brand") == "SQUARE_GIFT_CARD":
        method = "voucher"
    if source_type == "EXTERNAL":
        external = optional_object(payment, "external_details")
        method = _EXTERNAL_METHODS.get(external.get("type"), "other")
    fee = ZERO
    for index, processing_fee in enumerate(reader.objects(payment, "processing_fee", path, required=False)):
        fee += _money(reader, processing_fee, "amount_money", f"{path}.processing_fee[{index}]", currency)
    amount = _money(reader, payment, "amount_money", path, currency)
    tip = _money(reader, payment, "tip_money", path, currency, required=False)
    return {
        "method": method,
        "amount": amount,
        "tip": tip,
        "fee": fee,
        "provider": None if method == "cash" else SOURCE,
        "card_token": card.get("fingerprint") or None,
    }


def _money(
    reader: PayloadReader,
    obj: Mapping[str, Any],
    key: str,
    path: str,
    currency: str | None,
    required: bool = True,
) -> Decimal:
    """A Money object `{"amount": <integer minor units>, "currency": "EUR"}` in the order's currency."""
    money = reader.mapping(obj, key, path, required)
    if not money:
        return ZERO
    amount = money.get("amount")
    try:
        value = from_minor_units(amount)  # type: ignore[arg-type]  # checked there
    except MoneyError:
        reader.fail(
            codes.INVALID_AMOUNT,
            f"{path}.{key}.amount",
            f"Square field '{key}.amount' must be an integer in minor units",
            amount,
        )
        return ZERO
    if currency is not None and money.get("currency") != currency:
        reader.fail(
            codes.CURRENCY_MISMATCH,
            f"{path}.{key}.currency",
            f"Square field '{key}.currency' differs from the order's currency {currency}",
            money.get("currency"),
        )
    return value
