"""Golden stories for the posting rules, each under SKR03 and SKR04 (the `chart` fixture).

Expected rows read (Umsatz, Soll/Haben, Konto, Gegenkonto, BU-Schlüssel), with the accounts by role
from the reference's tables (`ACCOUNTS` in stories.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from belegfluss.accounting.booking import Booking, net_by_account
from belegfluss.accounting.posting import (
    Payout,
    PostingError,
    PostingResult,
    book_event,
)

from tests.unit.accounting.stories import (
    line,
    make_profile,
    reversal_of,
    sale,
    z_report,
)


def rows(result: PostingResult) -> list[tuple[str, str, int, int, str]]:
    return [(str(b.amount), b.debit_credit, b.account, b.contra_account, b.bu_key) for b in result.bookings]


def test_cash_sale_books_gross_revenue_on_the_automatikkonto_without_bu(chart: str, accounts: dict) -> None:
    receipt = sale([line("119.00", "19")], [{"method": "cash", "amount": "119.00"}])
    result = book_event(receipt, make_profile(chart))
    assert rows(result) == [("119.00", "S", accounts["cash"], accounts["rev19"], "")]
    booking = result.bookings[0]
    assert booking.document_date == date(2026, 3, 14)
    assert booking.document_number == f"K1/{receipt.receipt_number}"
    assert booking.text == f"Kasse K1 Bon {receipt.receipt_number} 19% Bar"
    assert booking.event_id == receipt.id and result.warnings == []


def test_card_sale_books_on_the_providers_geldtransit_never_on_the_kasse(chart: str, accounts: dict) -> None:
    receipt = sale(
        [line("3.80", "19"), line("2.50", "7")], [{"method": "card", "provider": "sumup", "amount": "6.30"}]
    )
    assert rows(book_event(receipt, make_profile(chart))) == [
        ("3.80", "S", accounts["transit"], accounts["rev19"], ""),
        ("2.50", "S", accounts["transit"], accounts["rev7"], ""),
    ]


def test_provider_sub_account_from_the_profile_is_used() -> None:
    profile = make_profile(
        "SKR03", individual_accounts={1361: "Geldtransit SumUp"}, accounts={"geldtransit": {"sumup": 1361}}
    )
    receipt = sale([line("5.00")], [{"method": "wallet", "provider": "SumUp", "amount": "5.00"}])
    assert rows(book_event(receipt, profile)) == [("5.00", "S", 1361, 8400, "")]
    assert book_event(receipt, profile).bookings[0].text.endswith("19% SumUp")


def test_mixed_rates_and_split_payment_pair_into_balanced_rows(chart: str, accounts: dict) -> None:
    receipt = sale(
        [line("10.00", "19"), line("5.00", "7")],
        [{"method": "cash", "amount": "12.00"}, {"method": "card", "amount": "3.00"}],
    )
    result = book_event(receipt, make_profile(chart))
    assert rows(result) == [
        ("10.00", "S", accounts["cash"], accounts["rev19"], ""),
        ("2.00", "S", accounts["cash"], accounts["rev7"], ""),
        ("3.00", "S", accounts["transit"], accounts["rev7"], ""),
    ]
    assert net_by_account(result.bookings) == {
        accounts["cash"]: Decimal("12.00"),
        accounts["transit"]: Decimal("3.00"),
        accounts["rev19"]: Decimal("-10.00"),
        accounts["rev7"]: Decimal("-5.00"),
    }


def test_non_automatic_revenue_accounts_carry_bu_3_and_2(chart: str, accounts: dict) -> None:
    plain = 8200 if chart == "SKR03" else 4200
    profile = make_profile(chart, accounts={"revenue": {"merch": {"19": plain, "7": plain}}})
    receipt = sale(
        [line("20.00", "19", product_group="merch"), line("10.70", "7", product_group="merch")],
        [{"method": "cash", "amount": "30.70"}],
    )
    assert rows(book_event(receipt, profile)) == [
        ("20.00", "S", accounts["cash"], plain, "3"),
        ("10.70", "S", accounts["cash"], plain, "2"),
    ]


def test_discounts_reduce_the_revenue_booked(chart: str, accounts: dict) -> None:
    receipt = sale(
        [line("4.00", "19", quantity="3", discount="2.00"), line("2.50", "7", discount="0.50")],
        [{"method": "cash", "amount": "12.00"}],
    )
    assert rows(book_event(receipt, make_profile(chart))) == [
        ("10.00", "S", accounts["cash"], accounts["rev19"], ""),
        ("2.00", "S", accounts["cash"], accounts["rev7"], ""),
    ]


def test_refund_of_card_sale_reverses_geldtransit(chart: str, accounts: dict) -> None:
    profile = make_profile(chart)
    original = sale([line("3.80", "19"), line("2.50", "7")], [{"method": "card", "amount": "6.30"}])
    refund = reversal_of(original, "refund")
    result = book_event(refund, profile)
    assert rows(result) == [
        ("3.80", "H", accounts["transit"], accounts["rev19"], ""),
        ("2.50", "H", accounts["transit"], accounts["rev7"], ""),
    ]
    assert {b.reverses_event_id for b in result.bookings} == {original.id}
    assert result.bookings[0].text.startswith(f"Erstattung Kasse K1 Bon {refund.receipt_number}")
    assert net_by_account(book_event(original, profile).bookings + result.bookings) == {}


def test_storno_of_cash_sale_is_linked_and_nets_to_zero(chart: str, accounts: dict) -> None:
    profile = make_profile(chart)
    original = sale([line("119.00")], [{"method": "cash", "amount": "119.00"}])
    storno = reversal_of(original, "void")
    result = book_event(storno, profile)
    assert rows(result) == [("119.00", "H", accounts["cash"], accounts["rev19"], "")]
    assert result.bookings[0].reverses_event_id == original.id
    assert result.bookings[0].text.startswith("Storno Kasse K1")
    assert net_by_account(book_event(original, profile).bookings + result.bookings) == {}


def test_partial_refund_books_only_what_was_returned(chart: str, accounts: dict) -> None:
    original = sale([line("3.80", "19"), line("2.50", "7")], [{"method": "cash", "amount": "6.30"}])
    refund = sale(
        [line("2.50", "7")], [{"method": "cash", "amount": "2.50"}], type="refund", original_id=original.id
    )
    assert rows(book_event(refund, make_profile(chart))) == [
        ("2.50", "H", accounts["cash"], accounts["rev7"], "")
    ]


def test_staff_tip_on_card_goes_to_fremdgeld(chart: str, accounts: dict) -> None:
    receipt = sale([line("20.00", "19")], [{"method": "card", "amount": "20.00", "tip": "2.00"}])
    result = book_event(receipt, make_profile(chart, tips="staff"))
    assert rows(result) == [
        ("20.00", "S", accounts["transit"], accounts["rev19"], ""),
        ("2.00", "S", accounts["transit"], accounts["fremdgeld"], ""),
    ]
    assert result.bookings[1].text.endswith("Trinkgeld Karte")


def test_owner_tip_is_revenue_at_the_main_supplys_rate(chart: str, accounts: dict) -> None:
    receipt = sale(
        [line("4.00", "19"), line("16.00", "7")], [{"method": "card", "amount": "20.00", "tip": "1.00"}]
    )
    assert rows(book_event(receipt, make_profile(chart, tips="owner"))) == [
        ("4.00", "S", accounts["transit"], accounts["rev19"], ""),
        ("16.00", "S", accounts["transit"], accounts["rev7"], ""),
        ("1.00", "S", accounts["transit"], accounts["rev7"], ""),
    ]


def test_mehrzweck_voucher_sold_is_a_liability_and_revenue_at_redemption(chart: str, accounts: dict) -> None:
    profile = make_profile(chart)
    sold = sale(
        [line("50.00", "0", kind="multi_purpose_voucher", name="Gutschein")],
        [{"method": "cash", "amount": "50.00"}],
    )
    redeemed = sale([line("30.00", "19"), line("20.00", "7")], [{"method": "voucher", "amount": "50.00"}])
    assert rows(book_event(sold, profile)) == [("50.00", "S", accounts["cash"], accounts["voucher"], "")]
    assert rows(book_event(redeemed, profile)) == [
        ("30.00", "S", accounts["voucher"], accounts["rev19"], ""),
        ("20.00", "S", accounts["voucher"], accounts["rev7"], ""),
    ]
    both = book_event(sold, profile).bookings + book_event(redeemed, profile).bookings
    assert accounts["voucher"] not in net_by_account(both)


def test_einzweck_voucher_is_revenue_when_sold_and_not_again_when_redeemed(
    chart: str, accounts: dict
) -> None:
    profile = make_profile(
        chart, vouchers="einzweck", accounts={"single_purpose_voucher_redemption": accounts["rev19"]}
    )
    sold = sale([line("25.00", "19", kind="single_purpose_voucher")], [{"method": "cash", "amount": "25.00"}])
    redeemed = sale([line("25.00", "19")], [{"method": "voucher", "amount": "25.00"}])
    assert rows(book_event(sold, profile)) == [("25.00", "S", accounts["cash"], accounts["rev19"], "")]
    assert net_by_account(book_event(sold, profile).bookings + book_event(redeemed, profile).bookings) == {
        accounts["cash"]: Decimal("25.00"),
        accounts["rev19"]: Decimal("-25.00"),
    }


def test_payout_books_bank_and_fee_against_geldtransit_which_then_nets_to_zero(
    chart: str, accounts: dict
) -> None:
    profile = make_profile(chart)
    receipts = [
        sale([line("119.00")], [{"method": "card", "provider": "sumup", "amount": "119.00"}]),
        sale([line("21.40", "7")], [{"method": "card", "provider": "sumup", "amount": "21.40"}]),
    ]
    payout = Payout(
        id="sumup:payout-77",
        source="sumup",
        location_id="cafe-berlin",
        provider="sumup",
        reference="PO-77",
        paid_out_on=date(2026, 3, 16),
        gross=Decimal("140.40"),
        fee=Decimal("1.97"),
    )
    result = book_event(payout, profile)
    assert rows(result) == [
        ("138.43", "S", accounts["bank"], accounts["transit"], ""),
        ("1.97", "S", accounts["fees"], accounts["transit"], ""),
    ]
    assert [b.text for b in result.bookings] == ["Auszahlung SumUp PO-77", "Gebühr SumUp PO-77"]
    assert result.bookings[0].document_date == date(2026, 3, 16)
    assert result.bookings[0].document_number == "sumup/PO-77"
    everything: list[Booking] = [
        b for r in receipts for b in book_event(r, profile).bookings
    ] + result.bookings
    assert accounts["transit"] not in net_by_account(everything)


def test_daily_z_report_books_one_balanced_set_with_the_cash_difference(chart: str, accounts: dict) -> None:
    profile = make_profile(chart, booking_mode="daily")
    report = z_report(
        totals_by_tax_rate=[{"tax_rate": "19", "gross": "500.00"}, {"tax_rate": "7", "gross": "300.00"}],
        totals_by_payment=[
            {"method": "cash", "amount": "450.00"},
            {"method": "card", "provider": "sumup", "amount": "350.00", "tips": "12.00"},
        ],
        cash_counted="447.50",
        cash_difference="-2.50",
    )
    result = book_event(report, profile)
    assert rows(result) == [
        ("450.00", "S", accounts["cash"], accounts["rev19"], ""),
        ("50.00", "S", accounts["transit"], accounts["rev19"], ""),
        ("300.00", "S", accounts["transit"], accounts["rev7"], ""),
        ("12.00", "S", accounts["transit"], accounts["fremdgeld"], ""),
        ("2.50", "S", accounts["shortfall"], accounts["cash"], ""),
    ]
    assert {b.document_number for b in result.bookings} == {"K1/Z12"}
    assert result.bookings[-1].text == "Kasse K1 Z 12 Kassendifferenz"
    assert {b.document_date for b in result.bookings} == {date(2026, 3, 14)}


def test_cash_surplus_goes_to_its_own_account(chart: str, accounts: dict) -> None:
    report = z_report(cash_difference="3.10")
    assert rows(book_event(report, make_profile(chart))) == [
        ("3.10", "S", accounts["cash"], accounts["surplus"], "")
    ]


def test_per_receipt_mode_books_only_the_cash_difference_of_a_z_report(chart: str, accounts: dict) -> None:
    report = z_report(
        totals_by_tax_rate=[{"tax_rate": "19", "gross": "100.00"}],
        totals_by_payment=[{"method": "cash", "amount": "100.00"}],
        cash_difference="-1.00",
    )
    assert rows(book_event(report, make_profile(chart))) == [
        ("1.00", "S", accounts["shortfall"], accounts["cash"], "")
    ]


def test_daily_mode_books_receipts_with_their_z_report_not_alone() -> None:
    result = book_event(
        sale([line("1.00")], [{"method": "cash", "amount": "1.00"}]),
        make_profile("SKR03", booking_mode="daily"),
    )
    assert result.bookings == []
    assert [w.code for w in result.warnings] == ["accounting.booked_with_z_report"]


def test_unknown_product_group_is_booked_on_the_default_with_a_warning() -> None:
    result = book_event(
        sale([line("9.00", product_group="merch")], [{"method": "cash", "amount": "9.00"}]),
        make_profile("SKR03"),
    )
    assert rows(result) == [("9.00", "S", 1000, 8400, "")]
    assert [(w.code, w.path, w.value) for w in result.warnings] == [
        ("accounting.product_group_fallback", "$.lines[0].product_group", "merch")
    ]


def test_a_rate_without_revenue_account_is_an_error_naming_the_profile_field() -> None:
    with pytest.raises(PostingError) as caught:
        book_event(sale([line("9.00", "0")], [{"method": "cash", "amount": "9.00"}]), make_profile("SKR03"))
    assert caught.value.errors[0].code == "accounting.revenue_account_missing"
    assert "accounting.accounts.revenue.default.0" in caught.value.errors[0].message


def test_payments_that_do_not_cover_the_lines_cannot_be_booked() -> None:
    with pytest.raises(PostingError) as caught:
        book_event(sale([line("9.00")], [{"method": "cash", "amount": "5.00"}]), make_profile("SKR03"))
    assert caught.value.errors[0].code == "accounting.unbalanced"


def test_receipt_rounding_of_a_cent_goes_to_the_largest_revenue_line() -> None:
    receipt = sale(
        [line("3.33", quantity="1"), line("1.00", "7")], [{"method": "cash", "amount": "4.34"}], total="4.34"
    )
    result = book_event(receipt, make_profile("SKR03"))
    assert rows(result) == [("3.34", "S", 1000, 8400, ""), ("1.00", "S", 1000, 8300, "")]
    assert [w.code for w in result.warnings] == ["accounting.rounding_difference"]


def test_belegdatum_is_the_local_day_of_the_sale() -> None:
    late = sale(
        [line("5.00")], [{"method": "cash", "amount": "5.00"}], occurred_at="2026-03-31T22:30:00+00:00"
    )
    assert book_event(late, make_profile("SKR03")).bookings[0].document_date == date(2026, 4, 1)


def test_belegfeld_is_sanitised_to_datevs_character_set_and_texts_stay_within_60() -> None:
    receipt = sale(
        [line("5.00")],
        [{"method": "cash", "amount": "5.00"}],
        register_id="Kasse Süd #2",
        receipt_number="Bon.000123_Überlang-Nummer-mit-sehr-vielen-Zeichen",
    )
    booking = book_event(receipt, make_profile("SKR03")).bookings[0]
    assert booking.document_number == "rlang-Nummer-mit-sehr-vielen-Zeichen"  # the last 36 characters
    assert len(booking.text) <= 60 and booking.text.startswith("Kasse Kasse Süd #2 Bon")


def test_a_character_cp1252_cannot_carry_is_refused_at_booking() -> None:
    receipt = sale([line("5.00")], [{"method": "cash", "amount": "5.00"}], register_id="K✓")
    with pytest.raises(PostingError) as caught:
        book_event(receipt, make_profile("SKR03"))
    assert caught.value.errors[0].code == "accounting.not_cp1252" and "✓" in caught.value.errors[0].message


def test_kost1_of_the_location_is_on_every_row() -> None:
    result = book_event(
        sale([line("3.00"), line("2.00", "7")], [{"method": "cash", "amount": "5.00"}]),
        make_profile("SKR03", kost1="CAFE1"),
    )
    assert {b.cost_center for b in result.bookings} == {"CAFE1"}


@pytest.mark.parametrize(
    ("register", "receipt", "expected"),
    [
        ("K1", "4711", "K1/4711"),
        ("Kasse 1", "#4711", "Kasse-1/4711"),
        ("Café", "Bon.12", "Cafe/Bon-12"),
        ("Theke_Süd", "A 1/2", "Theke-Sued/A-1/2"),
    ],
)
def test_belegfeld_examples_from_the_documented_rules(register: str, receipt: str, expected: str) -> None:
    from belegfluss.accounting.posting import belegfeld

    assert belegfeld(register, receipt) == expected
