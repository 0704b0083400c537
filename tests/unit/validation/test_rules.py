"""Each validation rule on one event: a failing and a passing case, with the code a workflow sees."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from belegfluss.model import EVENT_ADAPTER
from belegfluss.profiles.model import LocationProfile
from belegfluss.validation import codes
from belegfluss.validation.rules import check_event, valid_tax_rates
from tests.builders import sale

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)
CAFE = LocationProfile(id="cafe-berlin", name="Café", kassensichv_registers=["K1"])
OPEN = LocationProfile(id="shop", name="Shop")


def errors_of(event: dict, profile: LocationProfile = OPEN) -> list[str]:
    return [error.code for error in check_event(EVENT_ADAPTER.validate_python(event), profile, NOW)]


def test_a_balanced_cash_sale_passes() -> None:
    assert errors_of(sale()) == []


def test_lines_must_sum_to_the_total_within_a_cent_per_line() -> None:
    # two lines: up to two cents of rounding are accepted, three are not
    assert errors_of(sale(total="6.32", payments=[{"method": "cash", "amount": "6.32"}])) == []
    assert errors_of(sale(total="6.33", payments=[{"method": "cash", "amount": "6.33"}])) == [
        codes.SALE_LINES_TOTAL_MISMATCH]
    one_line = sale(total="3.81", lines=sale()["lines"][:1], payments=[{"method": "cash", "amount": "3.81"}])
    assert errors_of(one_line) == []
    one_line_off = sale(total="3.82", lines=sale()["lines"][:1], payments=[{"method": "cash", "amount": "3.82"}])
    assert errors_of(one_line_off) == [codes.SALE_LINES_TOTAL_MISMATCH]


def test_the_error_names_the_field_and_the_value() -> None:
    [error] = check_event(EVENT_ADAPTER.validate_python(
        sale(total="9.99", payments=[{"method": "cash", "amount": "9.99"}])), OPEN, NOW)
    assert error.path == "$.total"
    assert error.value == "9.99"
    assert "6.30" in error.message and "9.99" in error.message


def test_payments_must_cover_the_total() -> None:
    short = sale(payments=[{"method": "cash", "amount": "5.00"}])
    assert errors_of(short) == [codes.PAYMENT_NOT_COVERING]


def test_payments_cover_the_total_and_tips_ride_on_top() -> None:
    assert errors_of(sale(payments=[{"method": "card", "amount": "7.00", "provider": "sumup"}])) == [
        codes.PAYMENT_EXCEEDS_TOTAL]
    # the customer hands over 7.00: 6.30 towards the total, 0.70 tip on top
    with_tip = sale(payments=[{"method": "card", "amount": "6.30", "tip": "0.70", "provider": "sumup"}])
    assert errors_of(with_tip) == []
    tip_counted_as_payment = sale(payments=[{"method": "card", "amount": "7.00", "tip": "0.70", "provider": "sumup"}])
    assert errors_of(tip_counted_as_payment) == [codes.PAYMENT_EXCEEDS_TOTAL]


def test_split_payment_covers_the_total() -> None:
    split = sale(payments=[{"method": "cash", "amount": "3.00"},
                           {"method": "card", "amount": "3.30", "provider": "sumup"}])
    assert errors_of(split) == []


def test_a_sale_without_payment_is_rejected() -> None:
    assert errors_of(sale(payments=[])) == [codes.PAYMENT_MISSING]


@pytest.mark.parametrize(("day", "rate", "valid"), [
    ("2025-03-14", "19", True), ("2025-03-14", "7", True), ("2025-03-14", "0", True),
    ("2025-03-14", "16", False), ("2025-03-14", "5", False), ("2025-03-14", "10.7", False),
    ("2020-07-01", "16", True), ("2020-12-31", "5", True), ("2020-06-30", "16", False),
    ("2021-01-01", "5", False), ("2020-09-15", "19", True),
])
def test_tax_rates_valid_in_germany_on_the_sale_date(day: str, rate: str, valid: bool) -> None:
    event = sale(occurred_at=f"{day}T12:00:00+01:00", total="3.80",
                 lines=[{"name": "Kaffee", "unit_price": "3.80", "tax_rate": rate}],
                 payments=[{"method": "cash", "amount": "3.80"}])
    assert (errors_of(event) == []) is valid
    if not valid:
        assert errors_of(event) == [codes.TAX_RATE_INVALID]


def test_tax_rate_date_is_the_local_date_of_the_location() -> None:
    # 2020-06-30 23:30 UTC is already 2020-07-01 in Berlin: 16 % was valid there.
    event = sale(occurred_at="2020-06-30T23:30:00+00:00", total="3.80",
                 lines=[{"name": "Kaffee", "unit_price": "3.80", "tax_rate": "16"}],
                 payments=[{"method": "cash", "amount": "3.80"}])
    assert errors_of(event) == []
    assert valid_tax_rates(datetime(2020, 6, 30).date()) == {0, 7, 19}


def test_currency_must_be_eur_unless_the_profile_allows_others() -> None:
    chf = sale(currency="CHF")
    assert errors_of(chf) == [codes.CURRENCY_NOT_ALLOWED]
    assert errors_of(chf, LocationProfile(id="basel", name="Basel", currencies=["EUR", "CHF"])) == []


def test_dates_may_not_lie_in_the_future_beyond_the_clock_skew() -> None:
    soon = (NOW + timedelta(minutes=2)).isoformat()
    later = (NOW + timedelta(hours=1)).isoformat()
    assert errors_of(sale(occurred_at=soon)) == []
    assert errors_of(sale(occurred_at=later)) == [codes.DATE_IN_FUTURE]


def test_kassensichv_bound_register_needs_a_tse_block() -> None:
    assert errors_of(sale(register_id="K1"), CAFE) == [codes.TSE_MISSING]
    assert errors_of(sale(register_id="K9"), CAFE) == []


def test_negative_amounts_and_quantities_are_rejected() -> None:
    event = sale(lines=[{"name": "Kaffee", "quantity": "-1", "unit_price": "3.80", "tax_rate": "19"},
                        {"name": "Croissant", "unit_price": "2.50", "tax_rate": "7"}])
    assert codes.LINE_QUANTITY_NOT_POSITIVE in errors_of(event)


def test_discount_reduces_the_line_and_may_not_exceed_it() -> None:
    discounted = sale(total="5.30", lines=[
        {"name": "Kaffee", "unit_price": "3.80", "tax_rate": "19", "discount": "1.00"},
        {"name": "Croissant", "unit_price": "2.50", "tax_rate": "7"}],
        payments=[{"method": "cash", "amount": "5.30"}])
    assert errors_of(discounted) == []
    too_much = sale(total="-0.70", lines=[
        {"name": "Kaffee", "unit_price": "3.80", "tax_rate": "19", "discount": "7.00"}],
        payments=[{"method": "cash", "amount": "0.00"}])
    assert codes.LINE_DISCOUNT_EXCEEDS_PRICE in errors_of(too_much)


def test_bundle_components_must_add_up_to_their_line() -> None:
    menu = {"name": "Frühstück", "unit_price": "6.30", "tax_rate": "19", "components": [
        {"name": "Kaffee", "tax_rate": "19", "amount": "3.80"},
        {"name": "Croissant", "tax_rate": "7", "amount": "2.50"}]}
    assert errors_of(sale(lines=[menu])) == []
    broken = {**menu, "components": [{"name": "Kaffee", "tax_rate": "19", "amount": "3.80"}]}
    assert errors_of(sale(lines=[broken])) == [codes.LINE_COMPONENTS_MISMATCH]


def test_z_report_totals_per_rate_must_match_payments() -> None:
    report = {"type": "z_report", "id": "canonical:z-12", "source": "canonical", "location_id": "cafe-berlin",
              "register_id": "K1", "z_number": 12, "business_date": "2025-03-14",
              "totals_by_tax_rate": [{"tax_rate": "19", "gross": "100.00"}, {"tax_rate": "7", "gross": "50.00"}],
              "totals_by_payment": [{"method": "cash", "amount": "90.00"},
                                    {"method": "card", "provider": "sumup", "amount": "60.00"}]}
    assert errors_of(report) == []
    report["totals_by_payment"][0]["amount"] = "80.00"
    assert errors_of(report) == [codes.ZREPORT_TOTALS_MISMATCH]
