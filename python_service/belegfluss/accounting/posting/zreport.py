"""The Kassenabschluss (Z-report).

Booking mode `daily`: one balanced set per Z-report. Revenue per VAT rate (default product group)
and tips against the payment totals per method and provider; then the cash difference on its own
account: a surplus (counted more than expected) Kasse an Kassenüberschuss, a shortfall
Kassenfehlbetrag an Kasse.

Booking mode `per_receipt`: the receipts are already booked one by one, so the Z-report books only
its cash difference.

`cash_difference` is counted minus expected cash; the cash payment total is the expected cash.
"""

from __future__ import annotations

from decimal import Decimal

from ...model import ZReport
from ...model.money import ZERO
from ...profiles.model import LocationProfile
from ..booking import Booking
from ..settings import AccountingSettings, AccountMapping
from .common import accounting_of, ensure_cp1252, payment_leg
from .legs import Leg, RowContext, UnbalancedSet, merge_legs, pair_legs
from .result import PostingResult, posting_error
from .texts import belegfeld, rate_label


def book_z_report(report: ZReport, profile: LocationProfile) -> PostingResult:
    settings = accounting_of(profile, report.location_id, report.currency)
    mapping = settings.mapping
    context = RowContext(
        document_date=report.business_date,
        document_number=belegfeld(report.register_id, f"Z{report.z_number}"),
        text_prefix=f"Kasse {report.register_id} Z {report.z_number}",
        event_id=report.id,
        location_id=report.location_id,
        cost_center=settings.kost1 or "",
        currency=report.currency,
    )
    bookings: list[Booking] = []
    if settings.booking_mode == "daily":
        bookings += _daily_totals(report, mapping, settings, context)
    bookings += _cash_difference(report.cash_difference, mapping, context)
    ensure_cp1252(bookings)
    return PostingResult(bookings)


def _daily_totals(
    report: ZReport, mapping: AccountMapping, settings: AccountingSettings, context: RowContext
) -> list[Booking]:
    credits: list[Leg] = []
    for i, total in enumerate(report.totals_by_tax_rate):
        account, _ = mapping.revenue_account(None, total.tax_rate)
        if account is None:
            raise posting_error(
                "accounting.revenue_account_missing",
                f"$.totals_by_tax_rate[{i}].tax_rate",
                value=str(total.tax_rate),
                message=f"No revenue account for {rate_label(total.tax_rate)} VAT: set "
                f"accounting.accounts.revenue.default.{format(total.tax_rate.normalize(), 'f')}",
            )
        credits.append(
            Leg(
                account,
                total.gross,
                rate_label(total.tax_rate),
                mapping.bu_key(account, total.tax_rate),
                total.tax_rate,
            )
        )
    tips = sum((payment.tips for payment in report.totals_by_payment), ZERO)
    if tips:
        credits.append(_tips_leg(tips, mapping, settings, credits))
    debits = [
        payment_leg(
            mapping,
            settings,
            payment.method,
            payment.provider,
            payment.amount + payment.tips,
            f"$.totals_by_payment[{i}].method",
        )
        for i, payment in enumerate(report.totals_by_payment)
    ]
    try:
        return pair_legs(merge_legs(debits), merge_legs(credits), context)
    except UnbalancedSet as exc:
        raise posting_error(
            "accounting.unbalanced",
            "$.totals_by_payment",
            value=str(exc.debits),
            message=f"The Z-report's payment totals incl. tips ({exc.debits}) differ from its "
            f"revenue per tax "
            f"rate plus tips ({exc.credits})",
        ) from exc


def _tips_leg(
    tips: Decimal, mapping: AccountMapping, settings: AccountingSettings, revenue: list[Leg]
) -> Leg:
    if settings.tips == "staff":
        return Leg(mapping.tips_staff, tips, "Trinkgeld")
    main = max(revenue, key=lambda leg: (leg.amount, leg.tax_rate or ZERO)) if revenue else None
    rate = main.tax_rate if main is not None and main.tax_rate is not None else Decimal("19")
    account, _ = mapping.revenue_account(None, rate)
    assert account is not None
    return Leg(account, tips, f"Trinkgeld {rate_label(rate)}", mapping.bu_key(account, rate), rate)


def _cash_difference(difference: Decimal, mapping: AccountMapping, context: RowContext) -> list[Booking]:
    if difference > 0:
        return pair_legs(
            [Leg(mapping.cash, difference, "")],
            [Leg(mapping.cash_surplus, difference, "Kassendifferenz")],
            context,
        )
    if difference < 0:
        return pair_legs(
            [Leg(mapping.cash_shortfall, -difference, "")],
            [Leg(mapping.cash, -difference, "Kassendifferenz")],
            context,
        )
    return []
