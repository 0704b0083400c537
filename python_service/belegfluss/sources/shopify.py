"""Shopify: an `orders/create` webhook order (POS or online) or a `refunds/create` refund → canonical `Sale`.

Order fields read, by Shopify's names (amounts are strings, "10.00"): `id`, `name` ("#1001"),
`created_at`, `processed_at`, `currency`, `taxes_included`, `total_price` (tip included),
`total_tip_received`, `line_items[]` {`title`, `variant_title`, `sku`, `quantity`, `price`,
`gift_card`, `tax_lines[]` {`price`, `rate` (fraction)}, `discount_allocations[]` {`amount`}},
`shipping_lines[]` (same money fields), `transactions[]` {`kind`, `status`, `amount`, `gateway`},
`payment_gateway_names`, `location_id`, `device_id`, `source_name`, `email`, `phone`, `customer`.

Rules:

- Sale id `shopify:<id>`, receipt number = `name`; occurred at `processed_at` (else `created_at`).
- `taxes_included` true: `price` is the gross unit price and `discount_allocations` are gross.
  False: `price` and the discounts are net, and each line's gross total is price × quantity −
  discounts + its `tax_lines` prices, exactly; its gross discount is the net discount plus VAT, and
  its gross unit price is written as two lines where needed (`_lines.unit_lines`). VAT rate = the sum
  of the line's `tax_lines` rates in percent (no tax lines: 0 %).
- Order-level discounts are read from the per-line `discount_allocations` (Shopify allocates them),
  not from `total_discounts`. Shipping lines become lines of product group "shipping". Gift-card
  line items are multi-purpose vouchers.
- Total = `total_price` − `total_tip_received`.
- Payments: successful `transactions` of kind sale or capture, one payment each (split payments).
  Without transactions, a single `payment_gateway_names` entry pays `total_price`; several gateways
  without transactions cannot be split without guessing: `shopify.ambiguous_payments`.
  Gateway → method: cash → cash, shopify_payments → card, gift_card → voucher, paypal → wallet,
  others → other; the provider is the gateway (none for cash). The tip rides on the first
  non-cash payment (else the first), whose amount then excludes it. Fees are not in the order
  (they come with payouts).
- Location: `location_id` (Shopify's, or a workflow's override); orders from outside a store
  (`source_name` other than "pos") have none and get location "online". Register: a workflow's
  `register_id`, else `device_id` (POS), else `source_name` ("web").
- Customer: `email` / `phone` of the order, else of its `customer`, and the customer's name.
- Refunds: an order's own `refunds[]` are not read; each refund is mapped from its `refunds/create`
  payload (a Refund: `id`, `order_id`, `created_at`, `processed_at`, `refund_line_items[]`
  {`quantity`, `subtotal`, `total_tax`, `location_id`, `line_item`}, `transactions[]`). It becomes
  `shopify:refund:<id>` with `original_id` `shopify:<order_id>`. A refund line's gross is `subtotal`
  (+ `total_tax` when prices exclude tax). A Refund does not say whether they do: the payload's
  `taxes_included` (a workflow may copy the order's) decides, else the refund transactions do
  (Σ subtotal or Σ subtotal + total_tax must equal the money refunded; otherwise
  `shopify.refund_amount_mismatch`). `order_adjustments` (refunded shipping, fees) are not mapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from belegfluss.model import ZERO, Sale, quantize_cents

from . import errors as codes
from ._build import build_sale, customer_ref
from ._lines import gross_from_net, percent_from_fraction, unit_lines
from ._reader import PayloadReader, optional_object

SOURCE = "shopify"
_ONE = Decimal(1)
_GATEWAY_METHODS = {"cash": "cash", "shopify_payments": "card", "gift_card": "voucher", "paypal": "wallet"}
_PAYMENT_KINDS = frozenset({"sale", "capture"})
ONLINE_LOCATION = "online"
"""The location of orders placed outside a store (online shop, apps): Shopify gives them no `location_id`."""


def map_shopify(payload: Mapping[str, Any]) -> Sale:
    reader = PayloadReader(SOURCE, "Shopify")
    if "refund_line_items" in payload and "order_id" in payload:
        return _map_refund(reader, payload)
    return _map_order(reader, payload)


def _map_order(reader: PayloadReader, order: Mapping[str, Any]) -> Sale:
    taxes_included = order.get("taxes_included") is True
    lines: list[dict[str, Any]] = []
    for index, item in enumerate(reader.objects(order, "line_items", "$")):
        path = f"$.line_items[{index}]"
        article = {
            "name": reader.text(item, "title", path),
            "sku": item.get("sku") or None,
            "variant": item.get("variant_title") or None,
            "kind": "multi_purpose_voucher" if item.get("gift_card") else "item",
        }
        lines.extend(
            _priced_lines(reader, item, path, article, reader.number(item, "quantity", path), taxes_included)
        )
    for index, shipping in enumerate(reader.objects(order, "shipping_lines", "$", required=False)):
        path = f"$.shipping_lines[{index}]"
        article = {"name": f"Shipping: {shipping.get('title') or 'shipping'}", "product_group": "shipping"}
        lines.extend(_priced_lines(reader, shipping, path, article, _ONE, taxes_included))

    total_price = reader.amount(order, "total_price", "$")
    tip = reader.amount(order, "total_tip_received", "$", required=False)
    order_id = reader.text(order, "id", "$")
    customer = optional_object(order, "customer")
    full_name = " ".join(part for part in (customer.get("first_name"), customer.get("last_name")) if part)
    return build_sale(
        reader,
        {
            "id": f"{SOURCE}:{order_id}",
            "source": SOURCE,
            "location_id": _location(reader, order),
            "register_id": str(
                order.get("register_id") or order.get("device_id") or order.get("source_name") or ""
            ),
            "receipt_number": reader.text(order, "name", "$"),
            "occurred_at": reader.timestamp(
                order, "processed_at" if order.get("processed_at") else "created_at", "$"
            ),
            "currency": reader.text(order, "currency", "$"),
            "total": total_price - tip,
            "lines": lines,
            "payments": _order_payments(reader, order, total_price, tip),
            "customer": customer_ref(
                email=order.get("email") or customer.get("email"),
                phone=order.get("phone") or customer.get("phone"),
                name=full_name,
            ),
        },
    )


def _location(reader: PayloadReader, order: Mapping[str, Any]) -> str | None:
    if order.get("location_id") is None and order.get("source_name") not in (None, "pos"):
        return ONLINE_LOCATION
    return reader.text(order, "location_id", "$")


def _priced_lines(
    reader: PayloadReader,
    item: Mapping[str, Any],
    path: str,
    article: dict[str, Any],
    quantity: Decimal,
    taxes_included: bool,
) -> list[dict[str, Any]]:
    price = reader.amount(item, "price", path)
    rate = tax = discount = ZERO
    for index, tax_line in enumerate(reader.objects(item, "tax_lines", path, required=False)):
        tax_path = f"{path}.tax_lines[{index}]"
        rate += reader.number(tax_line, "rate", tax_path)
        tax += reader.amount(tax_line, "price", tax_path)
    for index, allocation in enumerate(reader.objects(item, "discount_allocations", path, required=False)):
        discount += reader.amount(allocation, "amount", f"{path}.discount_allocations[{index}]")
    article["tax_rate"] = percent_from_fraction(rate)
    undiscounted = quantize_cents(price * quantity)
    if taxes_included:
        return unit_lines(article, quantity, undiscounted, discount)
    gross_discount = gross_from_net(discount, article["tax_rate"])
    line_total = undiscounted - discount + tax
    return unit_lines(article, quantity, line_total + gross_discount, gross_discount)


def _order_payments(
    reader: PayloadReader, order: Mapping[str, Any], total_price: Decimal, tip: Decimal
) -> list[dict[str, Any]]:
    payments = []
    for index, transaction in enumerate(reader.objects(order, "transactions", "$", required=False)):
        if transaction.get("kind") in _PAYMENT_KINDS and transaction.get("status", "success") == "success":
            payments.append(
                _payment(
                    transaction.get("gateway"),
                    reader.amount(transaction, "amount", f"$.transactions[{index}]"),
                )
            )
    if not payments and total_price > 0:
        gateways = order.get("payment_gateway_names") or ([order["gateway"]] if order.get("gateway") else [])
        if not gateways:
            reader.missing("$", "payment_gateway_names")
        elif len(gateways) > 1:
            reader.fail(
                f"{SOURCE}.{codes.AMBIGUOUS_PAYMENTS}",
                "$.payment_gateway_names",
                "Shopify field 'payment_gateway_names' names several gateways but the order carries no "
                "'transactions' telling how much each paid",
                gateways,
            )
        else:
            payments.append(_payment(gateways[0], total_price))
    if payments and tip:
        carrier = next((payment for payment in payments if payment["method"] != "cash"), payments[0])
        carrier["amount"] -= tip
        carrier["tip"] = tip
    return payments


def _payment(gateway: Any, amount: Decimal) -> dict[str, Any]:
    method = _GATEWAY_METHODS.get(gateway, "other") if isinstance(gateway, str) else "other"
    return {"method": method, "amount": amount, "provider": None if method == "cash" else gateway}


def _map_refund(reader: PayloadReader, refund: Mapping[str, Any]) -> Sale:
    refunded = ZERO
    payments = []
    currency = None
    for index, transaction in enumerate(reader.objects(refund, "transactions", "$")):
        if transaction.get("kind") == "refund" and transaction.get("status", "success") == "success":
            amount = reader.amount(transaction, "amount", f"$.transactions[{index}]")
            refunded += amount
            payments.append(_payment(transaction.get("gateway"), amount))
            currency = currency or reader.text(transaction, "currency", f"$.transactions[{index}]")

    refunded_items = []
    location = refund.get("location_id")
    for index, item in enumerate(reader.objects(refund, "refund_line_items", "$")):
        path = f"$.refund_line_items[{index}]"
        line_item = reader.mapping(item, "line_item", path)
        rate = ZERO
        for tax_index, tax_line in enumerate(
            reader.objects(line_item, "tax_lines", f"{path}.line_item", False)
        ):
            rate += reader.number(tax_line, "rate", f"{path}.line_item.tax_lines[{tax_index}]")
        article = {
            "name": reader.text(line_item, "title", f"{path}.line_item"),
            "sku": line_item.get("sku") or None,
            "variant": line_item.get("variant_title") or None,
            "kind": "multi_purpose_voucher" if line_item.get("gift_card") else "item",
            "tax_rate": percent_from_fraction(rate),
        }
        refunded_items.append(
            (
                article,
                reader.number(item, "quantity", path),
                reader.amount(item, "subtotal", path),
                reader.amount(item, "total_tax", path),
            )
        )
        location = location or item.get("location_id")

    taxes_included = refund.get("taxes_included")
    if not isinstance(taxes_included, bool):
        subtotals = sum((subtotal for _, _, subtotal, _ in refunded_items), ZERO)
        taxes = sum((tax for _, _, _, tax in refunded_items), ZERO)
        taxes_included = subtotals == refunded
        if not taxes_included and subtotals + taxes != refunded and payments:
            reader.fail(
                f"{SOURCE}.{codes.REFUND_AMOUNT_MISMATCH}",
                "$.transactions",
                f"Shopify refund 'transactions' return {refunded}, which matches neither the refund "
                f"line items' 'subtotal' ({subtotals}) nor 'subtotal' + 'total_tax' ({subtotals + taxes})",
                str(refunded),
            )
    lines: list[dict[str, Any]] = []
    for article, quantity, subtotal, tax in refunded_items:
        lines.extend(unit_lines(article, quantity, subtotal if taxes_included else subtotal + tax))

    refund_id = reader.text(refund, "id", "$")
    if not location:
        reader.missing("$", "location_id")
    return build_sale(
        reader,
        {
            "type": "refund",
            "id": f"{SOURCE}:refund:{refund_id}",
            "source": SOURCE,
            "location_id": str(location or ""),
            "register_id": str(refund.get("register_id") or "default"),
            "receipt_number": refund_id,
            "occurred_at": reader.timestamp(
                refund, "processed_at" if refund.get("processed_at") else "created_at", "$"
            ),
            "currency": currency,
            "total": refunded
            if payments
            else sum((line["quantity"] * line["unit_price"] for line in lines), ZERO),
            "lines": lines,
            "payments": payments,
            "original_id": f"{SOURCE}:{reader.text(refund, 'order_id', '$')}",
            "note": refund.get("note") or None,
        },
    )
