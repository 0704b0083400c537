"""Legs and pairing: the bridge from "what moves where" to DATEV's two-account rows.

A posting rule states its debit legs (payments received) and credit legs (revenue, tips, vouchers),
each one account and amount. DATEV needs rows with one Konto and one Gegenkonto, so the legs are
paired in order: each row takes as much as both current legs still have. The same legs always give
the same rows, and a set whose debits and credits differ is refused before any row exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ...model.money import ZERO
from ..booking import Booking, DebitCredit, net_by_account
from .texts import buchungstext


class UnbalancedSet(ValueError):
    def __init__(self, debits: Decimal, credits: Decimal) -> None:
        super().__init__(f"debits {debits} ≠ credits {credits}")
        self.debits = debits
        self.credits = credits


@dataclass(frozen=True)
class Leg:
    account: int
    amount: Decimal
    label: str
    """What the leg is, for the Buchungstext ("19%", "Trinkgeld", "Bar", "SumUp")."""
    bu_key: str = ""
    tax_rate: Decimal | None = None


@dataclass(frozen=True)
class RowContext:
    """What every row of one event shares."""

    document_date: date
    document_number: str
    text_prefix: str
    event_id: str
    location_id: str
    cost_center: str
    currency: str
    debit_credit: DebitCredit = "S"
    reverses_event_id: str | None = None


def merge_legs(legs: Sequence[Leg]) -> list[Leg]:
    """Legs with the same account, label and key become one; order of first appearance is kept."""
    merged: dict[tuple[int, str, str, Decimal | None], Leg] = {}
    for leg in legs:
        key = (leg.account, leg.label, leg.bu_key, leg.tax_rate)
        merged[key] = replace(merged[key], amount=merged[key].amount + leg.amount) if key in merged else leg
    return list(merged.values())


def pair_legs(debits: Sequence[Leg], credits: Sequence[Leg], context: RowContext) -> list[Booking]:
    """Rows "debit account an credit account"; refuses an unbalanced set and checks the result."""
    # A negative leg (a discount line larger than its group, a negative payment) changes sides.
    debit_legs = [leg for leg in debits if leg.amount > 0] + [
        replace(leg, amount=-leg.amount) for leg in credits if leg.amount < 0
    ]
    credit_legs = [leg for leg in credits if leg.amount > 0] + [
        replace(leg, amount=-leg.amount) for leg in debits if leg.amount < 0
    ]
    debit_total = sum((leg.amount for leg in debit_legs), ZERO)
    credit_total = sum((leg.amount for leg in credit_legs), ZERO)
    if debit_total != credit_total:
        raise UnbalancedSet(debit_total, credit_total)

    rows: list[Booking] = []
    d_index = c_index = 0
    d_left = debit_legs[0].amount if debit_legs else ZERO
    c_left = credit_legs[0].amount if credit_legs else ZERO
    while d_index < len(debit_legs) and c_index < len(credit_legs):
        debit, credit = debit_legs[d_index], credit_legs[c_index]
        amount = min(d_left, c_left)
        rows.append(_row(debit, credit, amount, context))
        d_left -= amount
        c_left -= amount
        if d_left == 0:
            d_index += 1
            d_left = debit_legs[d_index].amount if d_index < len(debit_legs) else ZERO
        if c_left == 0:
            c_index += 1
            c_left = credit_legs[c_index].amount if c_index < len(credit_legs) else ZERO
    _check_rows_match_legs(rows, debit_legs, credit_legs, context.debit_credit)
    return rows


def _row(debit: Leg, credit: Leg, amount: Decimal, context: RowContext) -> Booking:
    # The tax key travels with the revenue side, whichever side of the row it is on.
    taxed = credit if credit.tax_rate is not None else debit
    return Booking(
        amount=amount,
        debit_credit=context.debit_credit,
        account=debit.account,
        contra_account=credit.account,
        bu_key=taxed.bu_key,
        document_date=context.document_date,
        document_number=context.document_number,
        text=buchungstext(context.text_prefix, credit.label, debit.label),
        event_id=context.event_id,
        location_id=context.location_id,
        cost_center=context.cost_center,
        reverses_event_id=context.reverses_event_id,
        tax_rate=taxed.tax_rate,
        currency=context.currency,
    )


def _check_rows_match_legs(
    rows: Sequence[Booking], debits: Sequence[Leg], credits: Sequence[Leg], direction: DebitCredit
) -> None:
    """The invariant every set keeps: per account, the rows move exactly what the legs say."""
    sign = Decimal(1) if direction == "S" else Decimal(-1)
    expected: dict[int, Decimal] = {}
    for leg in debits:
        expected[leg.account] = expected.get(leg.account, ZERO) + sign * leg.amount
    for leg in credits:
        expected[leg.account] = expected.get(leg.account, ZERO) - sign * leg.amount
    expected = {account: amount for account, amount in expected.items() if amount != ZERO}
    if net_by_account(rows) != expected:
        raise AssertionError(f"booking rows {net_by_account(rows)} do not carry the legs {expected}")
