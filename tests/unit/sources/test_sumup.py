"""SumUp transactions → canonical sales, on payloads shaped like SumUp's TransactionFull examples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from belegfluss.sources import MappingError, map_payload

from tests.unit.sources.helpers import error_codes_and_paths, gross_by_rate, lines_of, payments_of


def test_card_sale_keeps_gross_prices_and_puts_the_fee_on_the_payment(pos_payload):
    sale = map_payload("sumup", pos_payload("sumup", "card_sale_tax_inclusive"))

    assert sale.id == "sumup:TEENSK4W2K"
    assert (sale.type, sale.location_id, sale.register_id, sale.receipt_number) == (
        "sale",
        "cafe-berlin",
        "K1",
        "TEENSK4W2K",
    )
    assert sale.occurred_at.isoformat() == "2025-03-14T08:12:30.412000+00:00"
    assert sale.total == Decimal("9.10")
    assert lines_of(sale) == [
        ("Cappuccino", "2", "3.60", "0.00", "19"),
        ("Croissant", "1", "1.90", "0.00", "7"),
    ]
    assert payments_of(sale) == [("card", "9.10", "0.00", "0.13", "sumup")]
    assert sale.customer is None


def test_tip_is_taken_out_of_the_total_and_carried_by_the_wallet_payment(pos_payload):
    sale = map_payload("sumup", pos_payload("sumup", "wallet_sale_with_tip"))

    assert sale.total == Decimal("10.50")
    assert sale.lines_total == Decimal("10.50")
    assert payments_of(sale) == [("wallet", "10.50", "1.50", "0.17", "sumup")]
    assert sale.customer is not None and sale.customer.email == "mila.neumann@example.org"


def test_line_discount_and_cart_discount_are_spread_so_each_tax_rate_keeps_its_share(pos_payload):
    sale = map_payload("sumup", pos_payload("sumup", "cash_sale_with_line_and_cart_discount"))

    # Bagel 2 × 3.00 sold for 5.00 (1.00 off), lemonade 3.50; amount 7.65 = 0.85 cart discount,
    # spread 5.00 : 3.50 → 0.50 and 0.35.
    assert lines_of(sale) == [
        ("Bagel", "2", "3.00", "1.50", "7"),
        ("Zitronenlimonade", "1", "3.50", "0.35", "19"),
    ]
    assert gross_by_rate(sale) == {Decimal("7"): Decimal("4.50"), Decimal("19"): Decimal("3.15")}
    assert sale.total == sale.lines_total == Decimal("7.65")
    assert payments_of(sale) == [("cash", "7.65", "0.00", "0.00", None)]


def test_net_prices_become_exact_gross_lines_split_by_the_odd_cent(pos_payload):
    sale = map_payload("sumup", pos_payload("sumup", "card_sale_tax_exclusive_net_prices"))

    # 3 × 0.99 net at 19 % = 3.53 gross: 1 × 1.17 + 2 × 1.18
    assert lines_of(sale) == [
        ("Espresso Bohnen 100 g", "1", "1.17", "0.00", "19"),
        ("Espresso Bohnen 100 g", "2", "1.18", "0.00", "19"),
    ]
    assert sale.lines_total == sale.total == Decimal("3.53")


def test_split_bill_becomes_one_receipt_with_a_card_and_a_cash_payment(pos_payload):
    sale = map_payload("sumup", pos_payload("sumup", "split_bill_card_and_cash"))

    assert sale.id == "sumup:K1-20250314-0042"
    assert sale.receipt_number == "K1-20250314-0042"
    assert sale.occurred_at.isoformat() == "2025-03-14T12:32:02+00:00"  # the last part closes the receipt
    assert [line.name for line in sale.lines] == ["Flammkuchen", "Apfelschorle", "Käsekuchen"]
    assert sale.total == Decimal("15.50")
    assert payments_of(sale) == [
        ("card", "8.50", "0.00", "0.12", "sumup"),
        ("cash", "7.00", "0.00", "0.00", None),
    ]


def test_refund_references_the_refunded_transaction_code(pos_payload):
    refund = map_payload("sumup", pos_payload("sumup", "refund_of_card_sale"))

    assert refund.type == "refund"
    assert refund.id == "sumup:TEENSK4W2K:refund:8c1f3e55-2a9d-4c61-9e0b-5a7d2f1c0b77"
    assert refund.original_id == "sumup:TEENSK4W2K"
    assert refund.receipt_number == "8c1f3e55-2a9d-4c61-9e0b-5a7d2f1c0b77"
    assert refund.total == Decimal("3.60")
    assert lines_of(refund) == [("Cappuccino", "1", "3.60", "0.00", "19")]
    assert payments_of(refund) == [("card", "3.60", "0.00", "0.00", "sumup")]


def test_without_workflow_context_the_merchant_account_is_location_and_register(pos_payload):
    payload = pos_payload("sumup", "card_sale_tax_inclusive")
    del payload["location_id"], payload["register_id"]

    sale = map_payload("sumup", payload)

    assert (sale.location_id, sale.register_id) == ("MH4H92C7", "MH4H92C7")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("malformed_missing_transaction_code", [("sumup.missing_field", "$.transaction_code")]),
        ("malformed_failed_payment", [("sumup.unsupported_status", "$.status")]),
        (
            "malformed_comma_amount_and_missing_vat_rate",
            [("mapping.invalid_amount", "$.amount"), ("sumup.missing_field", "$.products[1].vat_rate")],
        ),
        ("malformed_timestamp_without_zone", [("mapping.invalid_timestamp", "$.timestamp")]),
    ],
)
def test_malformed_transactions_report_every_problem_with_its_path(pos_payload, fixture, expected):
    with pytest.raises(MappingError) as caught:
        map_payload("sumup", pos_payload("sumup", fixture))

    assert error_codes_and_paths(caught.value) == expected


def test_errors_name_the_field_as_sumup_calls_it_and_carry_the_value(pos_payload):
    with pytest.raises(MappingError) as caught:
        map_payload("sumup", pos_payload("sumup", "malformed_comma_amount_and_missing_vat_rate"))

    amount_error = caught.value.errors[0]
    assert "'amount'" in amount_error.message and "SumUp" in amount_error.message
    assert amount_error.value == "9,10"


def test_split_bill_parts_of_different_receipts_are_rejected(pos_payload):
    payload = pos_payload("sumup", "split_bill_card_and_cash")
    payload["transactions"][1]["foreign_transaction_id"] = "K1-20250314-0043"

    with pytest.raises(MappingError) as caught:
        map_payload("sumup", payload)

    assert error_codes_and_paths(caught.value) == [
        ("mapping.invalid_value", "$.transactions[1].foreign_transaction_id")
    ]
