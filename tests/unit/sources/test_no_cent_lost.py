"""Property: mapping never loses or invents a cent.

Vendor payloads are generated with integer-cent arithmetic done the vendor's way (SumUp floats,
Shopify strings, Square minor units); the canonical sale must add up to the vendor's gross total,
line totals plus tips, and to the vendor's gross per tax rate.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from belegfluss.sources import map_payload
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.sources.helpers import gross_by_rate

RATES = [0, 7, 19]
CENT = Decimal("0.01")


def cents(value: int) -> Decimal:
    return Decimal(value) * CENT


def tax_cents(net_cents: int, rate: int) -> int:
    """VAT on a net amount, rounded half up to the cent, as the POS computes it."""
    return int((Decimal(net_cents) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


articles = st.lists(
    st.tuples(st.integers(1, 6), st.integers(1, 9_999), st.sampled_from(RATES), st.integers(0, 100)),
    min_size=1,
    max_size=6,
)  # (quantity, unit price in cents, VAT rate, discount in % of the line)
tips = st.integers(0, 800)


def assert_exact(sale, vendor_gross: Decimal, vendor_by_rate: dict[int, int]) -> None:
    assert sale.lines_total + sale.tip_total == vendor_gross
    assert sale.total == sale.lines_total == sale.payments_total
    expected_by_rate = {Decimal(rate): cents(total) for rate, total in vendor_by_rate.items()}
    assert {rate: total for rate, total in gross_by_rate(sale).items()} == expected_by_rate
    assert all(
        line.unit_price >= 0 and 0 <= line.discount <= line.quantity * line.unit_price for line in sale.lines
    )


@settings(max_examples=150, deadline=None)
@given(articles, tips, st.booleans())
def test_sumup_floats_add_up_to_the_transaction_amount(items, tip, net_prices):
    products, by_rate = [], defaultdict(int)
    for quantity, price, rate, _ in items:
        if net_prices:  # price is net: SumUp adds VAT on the line
            gross = quantity * price + tax_cents(quantity * price, rate)
            products.append(
                {"name": "Artikel", "price": price / 100, "vat_rate": rate / 100, "quantity": quantity}
            )
        else:
            gross = quantity * price
            products.append(
                {
                    "name": "Artikel",
                    "price_with_vat": price / 100,
                    "vat_rate": rate / 100,
                    "quantity": quantity,
                    "total_with_vat": gross / 100,
                }
            )
        by_rate[rate] += gross
    amount = sum(by_rate.values()) + tip
    payload = {
        "transaction_code": "TPROP00001",
        "status": "SUCCESSFUL",
        "amount": amount / 100,
        "currency": "EUR",
        "timestamp": "2025-03-14T10:00:00Z",
        "payment_type": "POS",
        "tip_amount": tip / 100,
        "merchant_code": "MPROP",
        "products": products,
    }

    sale = map_payload("sumup", payload)

    assert_exact(sale, cents(amount), by_rate)
    assert sale.payments_total + sale.tip_total == cents(amount)


@settings(max_examples=100, deadline=None)
@given(articles, st.integers(0, 5_000))
def test_sumup_cart_discount_is_spread_without_losing_a_cent(items, discount_wish):
    products, undiscounted = [], 0
    for quantity, price, rate, _ in items:
        products.append(
            {"name": "Artikel", "price_with_vat": price / 100, "vat_rate": rate / 100, "quantity": quantity}
        )
        undiscounted += quantity * price
    amount = undiscounted - min(discount_wish, undiscounted)
    payload = {
        "transaction_code": "TPROP00002",
        "status": "SUCCESSFUL",
        "amount": amount / 100,
        "currency": "EUR",
        "timestamp": "2025-03-14T10:00:00Z",
        "payment_type": "CASH",
        "merchant_code": "MPROP",
        "products": products,
    }

    sale = map_payload("sumup", payload)

    assert sale.lines_total == sale.total == cents(amount)
    assert all(0 <= line.discount <= line.quantity * line.unit_price for line in sale.lines)


@settings(max_examples=150, deadline=None)
@given(articles, tips, st.booleans(), st.integers(0, 100))
def test_shopify_strings_add_up_to_the_total_price(items, tip, taxes_included, cash_share):
    line_items, by_rate = [], defaultdict(int)
    for quantity, price, rate, discount_percent in items:
        discount = quantity * price * discount_percent // 100
        if taxes_included:
            gross = quantity * price - discount
            tax = gross - int(
                (Decimal(gross) * 100 / (100 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
        else:
            tax = tax_cents(quantity * price - discount, rate)
            gross = quantity * price - discount + tax
        by_rate[rate] += gross
        line_items.append(
            {
                "title": "Artikel",
                "quantity": quantity,
                "price": f"{cents(price)}",
                "tax_lines": [{"title": "MwSt", "rate": rate / 100, "price": f"{cents(tax)}"}]
                if rate
                else [],
                "discount_allocations": [{"amount": f"{cents(discount)}"}] if discount else [],
            }
        )
    total = sum(by_rate.values()) + tip
    cash = (total - tip) * cash_share // 100  # the tip goes with the card
    transactions = [
        {"kind": "sale", "status": "success", "gateway": "cash", "amount": f"{cents(cash)}"},
        {
            "kind": "sale",
            "status": "success",
            "gateway": "shopify_payments",
            "amount": f"{cents(total - cash)}",
        },
    ]
    payload = {
        "id": 1,
        "name": "#1",
        "created_at": "2025-03-14T10:00:00+01:00",
        "currency": "EUR",
        "taxes_included": taxes_included,
        "total_price": f"{cents(total)}",
        "total_tip_received": f"{cents(tip)}",
        "location_id": 7,
        "source_name": "pos",
        "line_items": line_items,
        "transactions": transactions,
    }

    sale = map_payload("shopify", payload)

    assert_exact(sale, cents(total), by_rate)
    assert sale.payments_total + sale.tip_total == cents(total)
    assert all(payment.amount >= 0 for payment in sale.payments)


@settings(max_examples=150, deadline=None)
@given(articles, tips, st.booleans(), st.integers(1, 3))
def test_square_minor_units_add_up_to_the_payments(items, tip, additive, tenders):
    taxes = [
        {"uid": f"t{rate}", "percentage": str(rate), "type": "ADDITIVE" if additive else "INCLUSIVE"}
        for rate in RATES
    ]
    line_items, by_rate = [], defaultdict(int)
    for quantity, price, rate, discount_percent in items:
        discount = quantity * price * discount_percent // 100
        gross = quantity * price - discount
        if additive:
            gross += tax_cents(gross, rate)
        by_rate[rate] += gross
        line_items.append(
            {
                "name": "Artikel",
                "quantity": str(quantity),
                "base_price_money": {"amount": price, "currency": "EUR"},
                "total_discount_money": {"amount": discount, "currency": "EUR"},
                "total_money": {"amount": gross, "currency": "EUR"},
                "applied_taxes": [{"tax_uid": f"t{rate}"}],
            }
        )
    order_total = sum(by_rate.values())
    shares = [order_total // tenders] * tenders
    shares[0] += order_total - sum(shares)
    payments = [
        {
            "status": "COMPLETED",
            "source_type": "CARD",
            "amount_money": {"amount": share, "currency": "EUR"},
            "tip_money": {"amount": tip if index == 0 else 0, "currency": "EUR"},
        }
        for index, share in enumerate(shares)
    ]
    payload = {
        "payments": payments,
        "order": {
            "id": "ORDER",
            "location_id": "LOC",
            "created_at": "2025-03-14T10:00:00Z",
            "total_money": {"amount": order_total + tip, "currency": "EUR"},
            "total_tip_money": {"amount": tip, "currency": "EUR"},
            "line_items": line_items,
            "taxes": taxes,
        },
    }

    sale = map_payload("square", payload)

    assert_exact(sale, cents(order_total + tip), by_rate)
    assert sale.payments_total == sale.total
