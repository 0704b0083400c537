"""The accounting section of a location profile: chart defaults, overrides, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from tests.unit.accounting.stories import ACCOUNTS, load_example_profile, make_profile


def test_a_profile_without_overrides_books_to_the_charts_default_accounts(chart: str) -> None:
    mapping = make_profile(chart).accounting.mapping
    expected = ACCOUNTS[chart]
    assert (mapping.cash, mapping.bank, mapping.geldtransit_account("sumup"), mapping.fees) == (
        expected["cash"],
        expected["bank"],
        expected["transit"],
        expected["fees"],
    )
    assert (mapping.tips_staff, mapping.voucher_liability, mapping.cash_surplus, mapping.cash_shortfall) == (
        expected["fremdgeld"],
        expected["voucher"],
        expected["surplus"],
        expected["shortfall"],
    )
    assert mapping.revenue_account(None, Decimal("19")) == (expected["rev19"], None)
    assert mapping.revenue_account(None, Decimal("7")) == (expected["rev7"], None)


def test_revenue_automatikkonten_carry_no_bu_key_and_other_revenue_accounts_do(chart: str) -> None:
    plain_revenue = 8200 if chart == "SKR03" else 4200
    mapping = make_profile(
        chart, accounts={"revenue": {"merch": {"19": plain_revenue, "7": plain_revenue}}}
    ).accounting.mapping
    assert mapping.bu_key(ACCOUNTS[chart]["rev19"], Decimal("19")) == ""
    assert mapping.bu_key(plain_revenue, Decimal("19")) == "3"
    assert mapping.bu_key(plain_revenue, Decimal("7")) == "2"


def test_a_profile_overrides_only_what_differs() -> None:
    mapping = make_profile(
        "SKR03", individual_accounts={1361: "Geldtransit SumUp"}, accounts={"geldtransit": {"SumUp": 1361}}
    ).accounting.mapping
    assert mapping.geldtransit_account("sumup") == 1361
    assert mapping.geldtransit_account("square") == 1360
    assert mapping.cash == 1000


def test_unknown_product_group_falls_back_to_default_with_a_warning() -> None:
    mapping = make_profile("SKR04").accounting.mapping
    account, warning = mapping.revenue_account("merch", Decimal("19"))
    assert account == 4400
    assert warning is not None and warning.code == "accounting.product_group_fallback"
    assert "merch" in warning.message and "4400" in warning.message


def test_skr03_account_in_an_skr04_profile_is_rejected_naming_the_field() -> None:
    with pytest.raises(
        ValidationError, match=r"accounting\.accounts\.cash: account 1000 is not a SKR04 account"
    ):
        make_profile("SKR04", accounts={"cash": 1000})


def test_individual_account_not_declared_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"accounting\.accounts\.geldtransit\.sumup: account 1361"):
        make_profile("SKR03", accounts={"geldtransit": {"sumup": 1361}})


def test_a_required_mapping_left_open_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"accounting\.accounts\.cash_shortfall: .* left open"):
        make_profile("SKR03", accounts={"cash_shortfall": None})
    with pytest.raises(ValidationError, match=r"accounting\.accounts\.revenue\.drinks\.19: .* left open"):
        make_profile("SKR03", accounts={"revenue": {"drinks": {"19": None}}})


def test_einzweck_vouchers_need_a_redemption_account() -> None:
    with pytest.raises(ValidationError, match=r"accounting\.accounts\.single_purpose_voucher_redemption"):
        make_profile("SKR03", vouchers="einzweck")
    profile = make_profile("SKR03", vouchers="einzweck", accounts={"single_purpose_voucher_redemption": 8400})
    assert profile.accounting.mapping.single_purpose_voucher_redemption == 8400


def test_revenue_on_an_automatikkonto_of_another_rate_is_rejected() -> None:
    with pytest.raises(
        ValidationError,
        match=r"accounting\.accounts\.revenue\.food\.7: account 8400 is an "
        r"Automatikkonto for 19 %",
    ):
        make_profile("SKR03", accounts={"revenue": {"food": {"7": 8400}}})


def test_datev_numbers_out_of_range_are_rejected() -> None:
    with pytest.raises(ValidationError, match="beraternummer"):
        make_profile("SKR03", datev={"beraternummer": 999, "mandantennummer": 1})
    with pytest.raises(ValidationError, match="Wirtschaftsjahr-Beginn '02-29'"):
        make_profile(
            "SKR03", datev={"beraternummer": 1001, "mandantennummer": 1, "wirtschaftsjahr_beginn": "02-29"}
        )


def test_wirtschaftsjahr_of_a_july_start_runs_to_june() -> None:
    from datetime import date

    datev = load_example_profile("shop-hamburg").accounting.datev
    assert datev.fiscal_year_start(date(2026, 3, 14)) == date(2025, 7, 1)
    assert datev.fiscal_year_end(date(2026, 3, 14)) == date(2026, 6, 30)
    assert datev.fiscal_year_start(date(2026, 7, 1)) == date(2026, 7, 1)


def test_the_example_profiles_validate() -> None:
    cafe = load_example_profile("cafe-berlin")
    shop = load_example_profile("shop-hamburg")
    assert (
        cafe.chart,
        cafe.accounting.booking_mode,
        cafe.accounting.mapping.geldtransit_account("sumup"),
    ) == ("SKR03", "per_receipt", 1361)
    assert (
        shop.chart,
        shop.accounting.booking_mode,
        shop.accounting.mapping.geldtransit_account("shopify"),
    ) == ("SKR04", "daily", 1461)
