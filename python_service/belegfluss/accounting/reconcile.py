"""Z-report reconciliation: does the Kassenabschluss agree with the receipts of its register and day?

Compares, per VAT rate and per payment method (and provider), the Z-report's totals with the sums
of the receipts (refunds and Storno subtract), and the tips per payment method. The answer lists
every difference (Z-report minus receipts) and a verdict:

- `match`: no difference at all;
- `within_threshold`: the largest difference is at most the profile's `reconcile_threshold`;
- `mismatch`: above it (the API opens a quarantine ticket for it).

Which receipts belong to the Z-report is the caller's choice; this function keeps those of the same
location and register whose local date (profile time zone) is the business date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from ..model import Sale, ZReport
from ..model.money import ZERO
from ..profiles.model import LocationProfile
from .posting.common import local_date
from .posting.sale import amounts_by_rate

Verdict = Literal["match", "within_threshold", "mismatch"]


@dataclass(frozen=True)
class Difference:
    dimension: Literal["tax_rate", "payment", "tips"]
    key: str
    """"19" for a VAT rate; "card/sumup", "cash" for a payment method and provider."""
    z_report: Decimal
    receipts: Decimal
    difference: Decimal
    """Z-report minus receipts."""


@dataclass(frozen=True)
class Reconciliation:
    z_report_id: str
    register_id: str
    business_date: date
    receipt_count: int
    threshold: Decimal
    verdict: Verdict
    largest_difference: Decimal
    differences: list[Difference] = field(default_factory=list)


def _payment_key(method: str, provider: str | None) -> str:
    return f"{method}/{provider.lower()}" if provider else method


def reconcile(report: ZReport, receipts: Iterable[Sale], profile: LocationProfile) -> Reconciliation:
    threshold = profile.accounting.reconcile_threshold if profile.accounting else ZERO
    by_rate: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_payment: dict[str, Decimal] = defaultdict(lambda: ZERO)
    tips: dict[str, Decimal] = defaultdict(lambda: ZERO)
    count = 0
    for receipt in receipts:
        if (receipt.location_id, receipt.register_id) != (report.location_id, report.register_id):
            continue
        if local_date(receipt.occurred_at, profile) != report.business_date:
            continue
        count += 1
        sign = Decimal(1) if receipt.type == "sale" else Decimal(-1)
        for line in receipt.lines:
            for rate, amount in amounts_by_rate(line):
                by_rate[_rate_key(rate)] += sign * amount
        for payment in receipt.payments:
            key = _payment_key(payment.method, payment.provider)
            by_payment[key] += sign * payment.amount
            tips[key] += sign * payment.tip

    z_rates: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for total in report.totals_by_tax_rate:
        z_rates[_rate_key(total.tax_rate)] += total.gross
    z_payments: dict[str, Decimal] = defaultdict(lambda: ZERO)
    z_tips: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for payment_total in report.totals_by_payment:
        key = _payment_key(payment_total.method, payment_total.provider)
        z_payments[key] += payment_total.amount
        z_tips[key] += payment_total.tips

    differences = (
        _compare("tax_rate", z_rates, by_rate)
        + _compare("payment", z_payments, by_payment)
        + _compare("tips", z_tips, tips)
    )
    largest = max((abs(d.difference) for d in differences), default=ZERO)
    verdict: Verdict = (
        "match" if not differences else "within_threshold" if largest <= threshold else "mismatch"
    )
    return Reconciliation(
        z_report_id=report.id,
        register_id=report.register_id,
        business_date=report.business_date,
        receipt_count=count,
        threshold=threshold,
        verdict=verdict,
        largest_difference=largest,
        differences=differences,
    )


def _rate_key(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _compare(
    dimension: Literal["tax_rate", "payment", "tips"],
    z_report: dict[str, Decimal],
    receipts: dict[str, Decimal],
) -> list[Difference]:
    differences = []
    for key in sorted(set(z_report) | set(receipts)):
        expected, actual = z_report.get(key, ZERO), receipts.get(key, ZERO)
        if expected != actual:
            differences.append(Difference(dimension, key, expected, actual, expected - actual))
    return differences
