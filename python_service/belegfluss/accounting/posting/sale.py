"""Receipts booked one by one (booking mode `per_receipt`): sales, refunds and Storno.

Revenue is booked per revenue account and VAT rate against the payment accounts: cash → Kasse,
card and wallet → the provider's Geldtransit account, vouchers → the voucher liability (Mehrzweck)
or the Einzweck redemption account. A refund or Storno books its lines and payments the same way
with "H" instead of "S", linked to the original sale, so that original and reversal net to zero.

Processor fees are not taken from the sale (`Payment.fee`): they are booked with the payout that
settles them (`payout.py`), where the provider states them for certain.
"""

from __future__ import annotations

from decimal import Decimal

from ...model import Sale
from ...model.errors import ItemError
from ...model.money import CENT, ZERO, quantize_cents
from ...model.sale import SaleLine
from ...profiles.model import LocationProfile
from ..settings import AccountingSettings, AccountMapping
from .common import accounting_of, ensure_cp1252, local_date, payment_leg
from .legs import Leg, RowContext, UnbalancedSet, merge_legs, pair_legs
from .result import PostingResult, posting_error
from .texts import belegfeld, rate_label

_REVERSAL_PREFIX = {"sale": "", "refund": "Erstattung", "void": "Storno"}


def book_sale(sale: Sale, profile: LocationProfile) -> PostingResult:
    settings = accounting_of(profile, sale.location_id, sale.currency)
    if settings.booking_mode == "daily":
        return PostingResult(
            [],
            [
                ItemError(
                    code="accounting.booked_with_z_report",
                    path="$",
                    value=sale.id,
                    message=f"Location '{profile.id}' books daily totals: this receipt is booked "
                    f"with its Z-report",
                )
            ],
        )
    mapping = settings.mapping
    warnings: list[ItemError] = []
    revenue = _revenue_legs(sale, mapping, warnings)
    _absorb_rounding(sale, revenue, warnings)
    credits = revenue + _tip_legs(sale, mapping, settings, revenue)
    debits = [
        payment_leg(
            mapping,
            settings,
            payment.method,
            payment.provider,
            payment.amount + payment.tip,
            f"$.payments[{i}].method",
        )
        for i, payment in enumerate(sale.payments)
    ]
    context = RowContext(
        document_date=local_date(sale.occurred_at, profile),
        document_number=belegfeld(sale.register_id, sale.receipt_number),
        text_prefix=" ".join(
            part
            for part in (_REVERSAL_PREFIX[sale.type], "Kasse", sale.register_id, "Bon", sale.receipt_number)
            if part
        ),
        event_id=sale.id,
        location_id=sale.location_id,
        cost_center=settings.kost1 or "",
        currency=sale.currency,
        debit_credit="S" if sale.type == "sale" else "H",
        reverses_event_id=sale.original_id if sale.type != "sale" else None,
    )
    if not context.document_number:
        raise posting_error(
            "accounting.belegfeld_empty",
            "$.receipt_number",
            "Register and receipt number leave nothing for Belegfeld 1 after removing the "
            "characters DATEV does not allow",
            sale.receipt_number,
        )
    try:
        bookings = pair_legs(merge_legs(debits), merge_legs(credits), context)
    except UnbalancedSet as exc:
        raise posting_error(
            "accounting.unbalanced",
            "$.payments",
            value=str(exc.debits),
            message=f"Payments incl. tips ({exc.debits}) do not match revenue, vouchers and tips "
            f"({exc.credits}); "
            f"the receipt cannot be booked balanced",
        ) from exc
    ensure_cp1252(bookings)
    return PostingResult(bookings, warnings)


def _revenue_legs(sale: Sale, mapping: AccountMapping, warnings: list[ItemError]) -> list[Leg]:
    legs: list[Leg] = []
    warned_groups: set[str] = set()
    for i, line in enumerate(sale.lines):
        if line.kind == "multi_purpose_voucher":
            # Mehrzweck: no supply yet, so no VAT; revenue arises at redemption (§ 3 Abs. 15 UStG).
            legs.append(Leg(mapping.voucher_liability, line.total, "MZ-Gutschein"))
            continue
        prefix = "EZ-Gutschein " if line.kind == "single_purpose_voucher" else ""
        for rate, amount in amounts_by_rate(line):
            account, warning = mapping.revenue_account(line.product_group, rate)
            if warning is not None and warning.value not in warned_groups:
                warned_groups.add(str(warning.value))
                warnings.append(warning.model_copy(update={"path": f"$.lines[{i}].product_group"}))
            if account is None:
                raise posting_error(
                    "accounting.revenue_account_missing",
                    f"$.lines[{i}].tax_rate",
                    value=str(rate),
                    message=f"No revenue account for {rate_label(rate)} VAT: set "
                    f"accounting.accounts.revenue.default.{format(rate.normalize(), 'f')} in the profile",
                )
            legs.append(
                Leg(account, amount, f"{prefix}{rate_label(rate)}", mapping.bu_key(account, rate), rate)
            )
    return merge_legs(legs)


def amounts_by_rate(line: SaleLine) -> list[tuple[Decimal, Decimal]]:
    """A bundle splits by its parts' rates; the cent the parts may miss goes to the largest part."""
    if not line.components:
        return [(line.tax_rate, line.total)]
    by_rate: dict[Decimal, Decimal] = {}
    for component in line.components:
        by_rate[component.tax_rate] = by_rate.get(component.tax_rate, ZERO) + component.amount
    remainder = line.total - sum(by_rate.values(), ZERO)
    if remainder:
        largest = max(by_rate, key=lambda rate: (by_rate[rate], rate))
        by_rate[largest] += remainder
    return list(by_rate.items())


def _absorb_rounding(sale: Sale, revenue: list[Leg], warnings: list[ItemError]) -> None:
    """POS systems round the receipt total, not each line: a difference of at most a cent per line
    between payments and lines is the receipt's rounding and goes to its largest revenue leg."""
    difference = sale.payments_total - sum((leg.amount for leg in revenue), ZERO)
    if difference == ZERO or abs(difference) > CENT * len(sale.lines) or not revenue:
        return
    index = max(range(len(revenue)), key=lambda i: (revenue[i].amount, -i))
    leg = revenue[index]
    revenue[index] = Leg(
        leg.account, quantize_cents(leg.amount + difference), leg.label, leg.bu_key, leg.tax_rate
    )
    warnings.append(
        ItemError(
            code="accounting.rounding_difference",
            path="$.payments",
            value=str(difference),
            message=f"Payments and lines differ by {difference} (receipt rounding); booked on "
            f"account {leg.account}",
        )
    )


def _tip_legs(
    sale: Sale, mapping: AccountMapping, settings: AccountingSettings, revenue: list[Leg]
) -> list[Leg]:
    tips = sale.tip_total
    if tips == ZERO:
        return []
    if settings.tips == "staff":
        return [Leg(mapping.tips_staff, tips, "Trinkgeld")]
    # Owner tips are taxable at the rate of the main supply: the rate with the most revenue.
    taxed = [leg for leg in revenue if leg.tax_rate is not None]
    rate = max(taxed, key=lambda leg: (leg.amount, leg.tax_rate)).tax_rate if taxed else Decimal("19")
    assert rate is not None
    account, _ = mapping.revenue_account(None, rate)
    if account is None:
        raise posting_error(
            "accounting.revenue_account_missing",
            "$.payments",
            value=str(rate),
            message=f"No revenue account for owner tips at {rate_label(rate)}",
        )
    return [Leg(account, tips, f"Trinkgeld {rate_label(rate)}", mapping.bu_key(account, rate), rate)]
