"""Square payments with their orders (and refunds with their return orders) → canonical sales."""

from __future__ import annotations

from decimal import Decimal

import pytest
from belegfluss.sources import MappingError, map_payload

from tests.unit.sources.helpers import error_codes_and_paths, lines_of, payments_of


def test_card_payment_with_inclusive_taxes_reads_minor_units_exactly(pos_payload):
    sale = map_payload("square", pos_payload("square", "card_payment_tax_inclusive"))

    assert sale.id == "square:CAISEM82RcpmcFE4uDxTqUs4bRWXYZ"
    assert (sale.location_id, sale.register_id, sale.receipt_number) == ("cafe-berlin", "K2", "Fz3E")
    assert sale.total == Decimal("10.70")
    assert lines_of(sale) == [
        ("Flat White", "2", "3.90", "0.00", "19"),
        ("Franzbrötchen", "1", "2.90", "0.00", "7"),
    ]
    assert payments_of(sale) == [("card", "10.70", "0.00", "0.18", "square")]
    assert sale.payments[0].card_token == "sq-1-Qzu7xd4aR5bWmE2K8f9sNpLcT0vYhGj"
    assert sale.customer is not None
    assert (sale.customer.email, sale.customer.card_token) == (
        "lena.schulz@example.de",
        "sq-1-Qzu7xd4aR5bWmE2K8f9sNpLcT0vYhGj",
    )


def test_tip_money_is_added_to_the_payment_and_left_out_of_the_total(pos_payload):
    sale = map_payload("square", pos_payload("square", "card_payment_with_tip"))

    assert sale.total == sale.lines_total == Decimal("4.50")
    assert payments_of(sale) == [("card", "4.50", "3.00", "0.12", "square")]


def test_inclusive_discount_stays_a_gross_line_discount(pos_payload):
    sale = map_payload("square", pos_payload("square", "order_with_discount"))

    assert lines_of(sale) == [
        ("Quiche Lorraine", "2", "6.50", "1.30", "7"),
        ("Rhabarberschorle", "1", "3.80", "0.00", "19"),
    ]
    assert sale.total == sale.lines_total == Decimal("15.50")


def test_two_tenders_become_two_payments_of_one_order(pos_payload):
    sale = map_payload("square", pos_payload("square", "split_tender_cash_and_card"))

    assert sale.receipt_number == "Iz6H"
    assert payments_of(sale) == [
        ("cash", "16.70", "0.00", "0.00", None),
        ("card", "16.70", "0.00", "0.28", "square"),
    ]
    assert sale.total == sale.payments_total == Decimal("33.40")


def test_additive_taxes_become_gross_prices_and_gross_discounts(pos_payload):
    sale = map_payload("square", pos_payload("square", "card_payment_tax_additive"))

    assert lines_of(sale) == [
        ("Espresso Bohnen 100 g", "1", "1.17", "0.00", "19"),
        ("Espresso Bohnen 100 g", "2", "1.18", "0.00", "19"),
        ("Siebträger Reinigungstabletten", "2", "11.90", "1.19", "19"),
    ]
    assert sale.total == sale.lines_total == Decimal("26.14")


def test_refund_names_the_order_its_return_came_from(pos_payload):
    refund = map_payload("square", pos_payload("square", "refund_of_card_payment"))

    assert refund.type == "refund"
    assert refund.id == "square:bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY_R7BXAcs9KU7fmKOIpDGQRLT"
    assert refund.original_id == "square:CAISEM82RcpmcFE4uDxTqUs4bRWXYZ"
    assert refund.note == "Falsches Getränk"
    assert lines_of(refund) == [("Flat White", "1", "3.90", "0.00", "19")]
    assert payments_of(refund) == [("card", "3.90", "0.00", "0.00", "square")]


def test_without_workflow_context_square_location_and_device_name_are_used(pos_payload):
    payload = pos_payload("square", "card_payment_tax_inclusive")
    del payload["location_id"], payload["register_id"]

    sale = map_payload("square", payload)

    assert (sale.location_id, sale.register_id) == ("L8GQ2V3E0YZ9K", "K2")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("malformed_major_unit_amount", [("mapping.invalid_amount", "$.payment.amount_money.amount")]),
        (
            "malformed_currency_mismatch",
            [("mapping.currency_mismatch", "$.order.line_items[1].total_money.currency")],
        ),
        ("malformed_failed_payment", [("square.unsupported_status", "$.payment.status")]),
        (
            "malformed_unknown_tax_uid_and_missing_order_id",
            [
                ("mapping.invalid_value", "$.order.line_items[0].applied_taxes[0].tax_uid"),
                ("square.missing_field", "$.order.id"),
            ],
        ),
    ],
)
def test_malformed_payloads_report_every_problem_with_its_path(pos_payload, fixture, expected):
    with pytest.raises(MappingError) as caught:
        map_payload("square", pos_payload("square", fixture))

    assert error_codes_and_paths(caught.value) == expected
