"""Z-report reconciliation against the receipts of its register and business day."""

from __future__ import annotations

from decimal import Decimal

from belegfluss.accounting.reconcile import Difference, reconcile
from belegfluss.model import Sale, ZReport

from tests.unit.accounting.stories import (
    example_day,
    line,
    make_profile,
    sale,
    z_report,
)


def cafe_day() -> tuple:  # type: ignore[type-arg]
    profile, events, _ = example_day("cafe-berlin")
    report = next(e for e in events if isinstance(e, ZReport))
    receipts = [e for e in events if isinstance(e, Sale)]
    return profile, report, receipts


def test_a_z_report_that_agrees_with_its_receipts_matches() -> None:
    profile, report, receipts = cafe_day()
    result = reconcile(report, receipts, profile)
    assert (result.verdict, result.differences, result.receipt_count) == ("match", [], 7)


def test_a_missing_receipt_shows_per_tax_rate_and_payment_method() -> None:
    profile, report, receipts = cafe_day()
    without_1002 = [r for r in receipts if r.receipt_number != "1002"]
    result = reconcile(report, without_1002, profile)
    assert result.verdict == "mismatch"
    assert result.differences == [
        Difference("tax_rate", "19", Decimal("20.50"), Decimal("12.90"), Decimal("7.60")),
        Difference("payment", "card/sumup", Decimal("7.60"), Decimal("0.00"), Decimal("7.60")),
        Difference("tips", "card/sumup", Decimal("1.00"), Decimal("0.00"), Decimal("1.00")),
    ]
    assert result.largest_difference == Decimal("7.60")


def test_a_difference_up_to_the_profiles_threshold_is_within_threshold() -> None:
    profile = make_profile("SKR03", reconcile_threshold="1.00")
    receipts = [sale([line("10.00")], [{"method": "cash", "amount": "10.00"}])]
    report = z_report(
        totals_by_tax_rate=[{"tax_rate": "19", "gross": "10.80"}],
        totals_by_payment=[{"method": "cash", "amount": "10.80"}],
    )
    assert reconcile(report, receipts, profile).verdict == "within_threshold"
    assert reconcile(report, receipts, make_profile("SKR03")).verdict == "mismatch"


def test_receipts_of_other_registers_and_days_are_not_counted() -> None:
    profile = make_profile("SKR03")
    receipts = [
        sale([line("10.00")], [{"method": "cash", "amount": "10.00"}]),
        sale([line("99.00")], [{"method": "cash", "amount": "99.00"}], register_id="K2"),
        sale(
            [line("50.00")], [{"method": "cash", "amount": "50.00"}], occurred_at="2026-03-13T23:30:00+01:00"
        ),
    ]
    report = z_report(
        totals_by_tax_rate=[{"tax_rate": "19", "gross": "10.00"}],
        totals_by_payment=[{"method": "cash", "amount": "10.00"}],
    )
    result = reconcile(report, receipts, profile)
    assert (result.verdict, result.receipt_count) == ("match", 1)
