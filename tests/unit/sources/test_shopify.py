"""Shopify orders/create orders and refunds/create refunds → canonical sales."""

from __future__ import annotations

from decimal import Decimal

import pytest
from belegfluss.sources import MappingError, map_payload

from tests.unit.sources.helpers import error_codes_and_paths, gross_by_rate, lines_of, payments_of


def test_pos_order_with_tax_included_prices_keeps_them_as_gross_prices(pos_payload):
    sale = map_payload("shopify", pos_payload("shopify", "pos_order_tax_inclusive"))

    assert sale.id == "shopify:5940139491234"
    assert (sale.location_id, sale.register_id, sale.receipt_number) == ("71234567890", "4", "#1001")
    assert sale.occurred_at.isoformat() == "2025-03-14T10:15:02+01:00"
    assert sale.total == Decimal("53.80")
    assert lines_of(sale) == [
        ("Notizbuch A5 Leinen", "2", "14.90", "0.00", "19"),
        ("Kochbuch Berliner Küche", "1", "24.00", "0.00", "7"),
    ]
    assert (sale.lines[0].sku, sale.lines[0].variant) == ("NB-A5-LIN", "Salbeigrün")
    assert payments_of(sale) == [("card", "53.80", "0.00", "0.00", "shopify_payments")]
    assert sale.customer is not None
    assert (sale.customer.email, sale.customer.phone, sale.customer.name) == (
        "jonas.becker@example.com",
        "+49 30 1234567",
        "Jonas Becker",
    )


def test_tip_received_leaves_the_total_and_rides_on_the_card_payment(pos_payload):
    sale = map_payload("shopify", pos_payload("shopify", "pos_order_with_tip"))

    assert sale.total == sale.lines_total == Decimal("8.90")
    assert payments_of(sale) == [("card", "8.90", "2.00", "0.00", "shopify_payments")]


def test_discount_allocations_become_line_discounts(pos_payload):
    sale = map_payload("shopify", pos_payload("shopify", "pos_order_with_discount"))

    assert lines_of(sale) == [
        ("Leinentasche", "1", "12.00", "1.20", "19"),
        ("Postkarte Fernsehturm", "4", "1.50", "0.60", "19"),
    ]
    assert sale.total == sale.lines_total == Decimal("16.20")


def test_split_payment_follows_the_order_transactions(pos_payload):
    sale = map_payload("shopify", pos_payload("shopify", "pos_order_split_cash_and_card"))

    assert payments_of(sale) == [
        ("cash", "10.00", "0.00", "0.00", None),
        ("card", "15.50", "0.00", "0.00", "shopify_payments"),
    ]
    assert sale.payments_total == sale.total == Decimal("25.50")


def test_tax_exclusive_web_order_becomes_exact_gross_lines_with_shipping(pos_payload):
    sale = map_payload("shopify", pos_payload("shopify", "web_order_tax_exclusive_with_shipping"))

    # 3 × 0.99 net + 0.56 tax = 3.53; 2 × 10.00 − 1.00 net + 3.61 tax = 22.61 (gross discount 1.19);
    # shipping 4.90 + 0.93 = 5.83
    assert lines_of(sale) == [
        ("Espresso Bohnen 100 g", "1", "1.17", "0.00", "19"),
        ("Espresso Bohnen 100 g", "2", "1.18", "0.00", "19"),
        ("Siebträger Reinigungstabletten", "2", "11.90", "1.19", "19"),
        ("Shipping: DHL Paket", "1", "5.83", "0.00", "19"),
    ]
    assert sale.lines[-1].product_group == "shipping"
    assert sale.total == sale.lines_total == Decimal("31.97")
    assert (sale.location_id, sale.register_id) == ("online", "web")
    assert sale.customer is not None and sale.customer.email == "f.yilmaz@example.net"


def test_refund_payload_becomes_a_refund_of_its_order(pos_payload):
    refund = map_payload("shopify", pos_payload("shopify", "refund_of_pos_order"))

    assert refund.type == "refund"
    assert refund.id == "shopify:refund:909011"
    assert refund.original_id == "shopify:5940139491234"
    assert refund.location_id == "71234567890"
    assert refund.note == "Notizbuch doppelt gekauft"
    # the refunded 14.90 equals the subtotal: the shop's prices include tax
    assert lines_of(refund) == [("Notizbuch A5 Leinen", "1", "14.90", "0.00", "19")]
    assert payments_of(refund) == [("card", "14.90", "0.00", "0.00", "shopify_payments")]
    assert refund.total == Decimal("14.90")


def test_refund_of_a_net_price_shop_adds_the_refunded_tax(pos_payload):
    payload = pos_payload("shopify", "refund_of_pos_order")
    payload["transactions"][0]["amount"] = "17.28"  # 14.90 net + 2.38 tax

    refund = map_payload("shopify", payload)

    assert gross_by_rate(refund) == {Decimal("19"): Decimal("17.28")}


def test_gift_card_sale_is_a_multi_purpose_voucher_line(pos_payload):
    payload = pos_payload("shopify", "pos_order_with_tip")
    payload["line_items"][0].update(title="Gutschein 25 €", price="25.00", gift_card=True, tax_lines=[])
    payload.update(total_price="27.00")

    sale = map_payload("shopify", payload)

    assert (sale.lines[0].kind, str(sale.lines[0].tax_rate), sale.total) == (
        "multi_purpose_voucher",
        "0",
        Decimal("25.00"),
    )


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("malformed_order_without_line_items", [("shopify.missing_field", "$.line_items")]),
        (
            "malformed_two_gateways_without_transactions",
            [("shopify.ambiguous_payments", "$.payment_gateway_names")],
        ),
        (
            "malformed_comma_price_and_missing_name",
            [("mapping.invalid_amount", "$.line_items[1].price"), ("shopify.missing_field", "$.name")],
        ),
        ("malformed_refund_amount_mismatch", [("shopify.refund_amount_mismatch", "$.transactions")]),
    ],
)
def test_malformed_orders_report_every_problem_with_its_path(pos_payload, fixture, expected):
    with pytest.raises(MappingError) as caught:
        map_payload("shopify", pos_payload("shopify", fixture))

    assert error_codes_and_paths(caught.value) == expected
