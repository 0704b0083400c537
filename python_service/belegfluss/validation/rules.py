"""Pure validation rules over one canonical event. Each rule returns the errors it finds.

Rules that need other events (refunds, TSE counters, receipt gaps) live in `sequence.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..model import CENT, ZERO, ItemError, Sale, ZReport
from ..profiles.model import LocationProfile
from . import codes

ALWAYS_VALID_RATES = frozenset({Decimal(19), Decimal(7), Decimal(0)})
# Second Corona tax relief act: reduced rates for supplies from 2020-07-01 to 2020-12-31.
TEMPORARY_RATES = (date(2020, 7, 1), date(2020, 12, 31), frozenset({Decimal(16), Decimal(5)}))


def valid_tax_rates(on: date) -> frozenset[Decimal]:
    start, end, rates = TEMPORARY_RATES
    return ALWAYS_VALID_RATES | rates if start <= on <= end else ALWAYS_VALID_RATES


def _euro(amount: Decimal) -> str:
    return format(amount, "f")


def _local_date(moment: datetime, profile: LocationProfile) -> date:
    return moment.astimezone(ZoneInfo(profile.timezone)).date()


def check_amounts_positive(sale: Sale) -> Iterator[ItemError]:
    if sale.total < ZERO:
        yield ItemError(code=codes.AMOUNT_NEGATIVE, path="$.total", value=_euro(sale.total),
                        message="Total must not be negative; a refund is a separate event with type 'refund'")
    for i, line in enumerate(sale.lines):
        if line.quantity <= 0:
            yield ItemError(code=codes.LINE_QUANTITY_NOT_POSITIVE, path=f"$.lines[{i}].quantity",
                            value=str(line.quantity), message=f"Quantity of line '{line.name}' must be positive")
        for field in ("unit_price", "discount"):
            amount = getattr(line, field)
            if amount < ZERO:
                yield ItemError(code=codes.AMOUNT_NEGATIVE, path=f"$.lines[{i}].{field}", value=_euro(amount),
                                message=f"{field.replace('_', ' ').capitalize()} of line '{line.name}' must not be negative")
    for i, payment in enumerate(sale.payments):
        for field in ("amount", "tip", "fee"):
            amount = getattr(payment, field)
            if amount < ZERO:
                yield ItemError(code=codes.AMOUNT_NEGATIVE, path=f"$.payments[{i}].{field}", value=_euro(amount),
                                message=f"Payment {field} must not be negative")


def check_lines(sale: Sale) -> Iterator[ItemError]:
    for i, line in enumerate(sale.lines):
        gross = line.quantity * line.unit_price
        if line.discount > gross:
            yield ItemError(code=codes.LINE_DISCOUNT_EXCEEDS_PRICE, path=f"$.lines[{i}].discount",
                            value=_euro(line.discount),
                            message=f"Discount of line '{line.name}' ({_euro(line.discount)}) exceeds its price")
        if line.components:
            parts = sum((c.amount for c in line.components), ZERO)
            if abs(parts - line.total) > CENT * len(line.components):
                yield ItemError(code=codes.LINE_COMPONENTS_MISMATCH, path=f"$.lines[{i}].components",
                                value=_euro(parts),
                                message=f"Bundle components of line '{line.name}' add up to {_euro(parts)}, "
                                        f"the line to {_euro(line.total)}")


def check_total(sale: Sale) -> Iterator[ItemError]:
    difference = sale.total - sale.lines_total
    if abs(difference) > CENT * len(sale.lines):
        yield ItemError(
            code=codes.SALE_LINES_TOTAL_MISMATCH, path="$.total", value=_euro(sale.total),
            message=f"Total ({_euro(sale.total)}) differs from the sum of the lines ({_euro(sale.lines_total)}) "
                    f"by more than 1 cent per line",
        )


def check_payments(sale: Sale) -> Iterator[ItemError]:
    if not sale.payments:
        yield ItemError(code=codes.PAYMENT_MISSING, path="$.payments", value=[],
                        message="A receipt needs at least one payment")
        return
    paid, tips = sale.payments_total, sale.tip_total
    tip_note = f" (tips of {_euro(tips)} come on top)" if tips else ""
    if paid < sale.total:
        yield ItemError(code=codes.PAYMENT_NOT_COVERING, path="$.payments", value=_euro(paid),
                        message=f"Payments ({_euro(paid)}) do not cover the total ({_euro(sale.total)}){tip_note}")
    elif paid > sale.total:
        yield ItemError(code=codes.PAYMENT_EXCEEDS_TOTAL, path="$.payments", value=_euro(paid),
                        message=f"Payments ({_euro(paid)}) exceed the total ({_euro(sale.total)}){tip_note}; "
                                f"a tip belongs in the payment's 'tip', change given back lowers the cash amount")


def check_tax_rates(sale: Sale, profile: LocationProfile) -> Iterator[ItemError]:
    on = _local_date(sale.occurred_at, profile)
    allowed = valid_tax_rates(on)
    allowed_text = ", ".join(f"{rate}%" for rate in sorted(allowed, reverse=True))
    for i, line in enumerate(sale.lines):
        if line.tax_rate not in allowed:
            yield ItemError(code=codes.TAX_RATE_INVALID, path=f"$.lines[{i}].tax_rate", value=str(line.tax_rate),
                            message=f"Tax rate {line.tax_rate}% of line '{line.name}' is not valid in Germany "
                                    f"on {on.isoformat()} (valid: {allowed_text})")
        for j, component in enumerate(line.components):
            if component.tax_rate not in allowed:
                yield ItemError(code=codes.TAX_RATE_INVALID, path=f"$.lines[{i}].components[{j}].tax_rate",
                                value=str(component.tax_rate),
                                message=f"Tax rate {component.tax_rate}% of bundle part '{component.name}' is not "
                                        f"valid in Germany on {on.isoformat()} (valid: {allowed_text})")


def check_currency(event: Sale | ZReport, profile: LocationProfile) -> Iterator[ItemError]:
    if event.currency not in profile.currencies:
        yield ItemError(code=codes.CURRENCY_NOT_ALLOWED, path="$.currency", value=event.currency,
                        message=f"Currency {event.currency} is not allowed for location '{profile.id}' "
                                f"(allowed: {', '.join(profile.currencies)})")


def check_not_in_future(sale: Sale, now: datetime, skew: timedelta) -> Iterator[ItemError]:
    if sale.occurred_at > now + skew:
        yield ItemError(code=codes.DATE_IN_FUTURE, path="$.occurred_at", value=sale.occurred_at.isoformat(),
                        message=f"Receipt date {sale.occurred_at.isoformat()} lies in the future "
                                f"(now {now.replace(microsecond=0).isoformat()}, tolerance {int(skew.total_seconds())} s)")


def check_tse_present(sale: Sale, profile: LocationProfile) -> Iterator[ItemError]:
    if sale.register_id in profile.kassensichv_registers and sale.tse is None:
        yield ItemError(code=codes.TSE_MISSING, path="$.tse", value=None,
                        message=f"Register '{sale.register_id}' is KassenSichV-bound: the receipt needs its TSE "
                                f"data (serial, transaction number, signature counter, times, signature)")


def check_zreport(report: ZReport, profile: LocationProfile) -> Iterator[ItemError]:
    by_rate = sum((t.gross for t in report.totals_by_tax_rate), ZERO)
    by_payment = sum((p.amount for p in report.totals_by_payment), ZERO)
    if by_rate != by_payment:
        yield ItemError(code=codes.ZREPORT_TOTALS_MISMATCH, path="$.totals_by_payment", value=_euro(by_payment),
                        message=f"Kassenabschluss Z{report.z_number}: payments ({_euro(by_payment)}) differ from "
                                f"the totals per tax rate ({_euro(by_rate)})")
    allowed = valid_tax_rates(report.business_date)
    for i, total in enumerate(report.totals_by_tax_rate):
        if total.tax_rate not in allowed:
            yield ItemError(code=codes.TAX_RATE_INVALID, path=f"$.totals_by_tax_rate[{i}].tax_rate",
                            value=str(total.tax_rate),
                            message=f"Tax rate {total.tax_rate}% is not valid in Germany on "
                                    f"{report.business_date.isoformat()}")


SaleRule = Callable[[Sale], Iterator[ItemError]]
SALE_RULES: tuple[SaleRule, ...] = (check_amounts_positive, check_lines, check_total, check_payments)


def check_event(event: Sale | ZReport, profile: LocationProfile, now: datetime | None = None,
                skew: timedelta = timedelta(minutes=5)) -> list[ItemError]:
    """All rules that need nothing but the event and its location profile."""
    now = now or datetime.now(timezone.utc)
    if isinstance(event, ZReport):
        return [*check_zreport(event, profile), *check_currency(event, profile)]
    errors: list[ItemError] = []
    for rule in SALE_RULES:
        errors.extend(rule(event))
    errors.extend(check_tax_rates(event, profile))
    errors.extend(check_currency(event, profile))
    errors.extend(check_not_in_future(event, now, skew))
    errors.extend(check_tse_present(event, profile))
    return errors
