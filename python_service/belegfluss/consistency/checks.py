"""The consistency checks, one function each. A check reads the store and answers findings; what
to do about a finding (fix or ticket) is decided in `runner.py`.

- undelivered sales: stored sales with a customer, older than a grace period, that no CRM delivery
  was reported for;
- missing bookings: stored receipts (per-receipt mode) or Z-reports (daily mode) without bookings;
- Geldtransit: a transit account whose balance up to the last payout is not zero;
- receipt sequence: gaps and duplicate numbers per register (GoBD completeness).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from ..model.sale import CustomerRef
from ..profiles.model import LocationProfile
from ..store.bookings import booking_sets, bookings
from ..store.database import Database, loads
from ..store.deliveries import deliveries
from ..store.events import events

GAP_LIST_LIMIT = 50


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    payload: Any = None


def undelivered_sales(database: Database, profiles: list[LocationProfile], now: datetime,
                      grace: timedelta) -> Iterator[Finding]:
    for profile in profiles:
        target = profile.delivery_target
        if target is None:
            continue
        delivered = (deliveries.c.event_id == events.c.event_id) & (deliveries.c.target == target)
        with database.connect() as connection:
            rows = connection.execute(
                select(events.c.event_id, events.c.payload)
                .select_from(events.outerjoin(deliveries, delivered))
                .where(events.c.location_id == profile.id, events.c.kind == "sale",
                       events.c.stored_at < now - grace, deliveries.c.event_id.is_(None))
                .order_by(events.c.occurred_at)
            ).all()
        for row in rows:
            payload = loads(row.payload)
            # A sale without a customer reference has nothing to deliver to a CRM.
            if CustomerRef.model_validate(payload.get("customer") or {}).identifies_someone:
                yield Finding("undelivered_sale", row.event_id,
                              f"Sale {row.event_id} was stored but never reported as delivered to {target}",
                              {"target": target}, payload)


def missing_bookings(database: Database, profiles: list[LocationProfile]) -> Iterator[Finding]:
    for profile in profiles:
        if profile.accounting is None:
            continue
        kinds = ("z_report",) if profile.accounting.booking_mode == "daily" else ("sale", "refund", "void")
        with database.connect() as connection:
            rows = connection.execute(
                select(events.c.event_id, events.c.kind, events.c.payload)
                .select_from(events.outerjoin(booking_sets, booking_sets.c.event_id == events.c.event_id))
                .where(events.c.location_id == profile.id, events.c.kind.in_(kinds),
                       booking_sets.c.event_id.is_(None))
                .order_by(events.c.occurred_at)
            ).all()
        for row in rows:
            yield Finding("missing_booking", row.event_id,
                          f"{row.kind.replace('_', '-').capitalize()} {row.event_id} is stored but not booked",
                          {"profile": profile.id}, loads(row.payload))


def geldtransit_not_netting(database: Database, profiles: list[LocationProfile]) -> Iterator[Finding]:
    """Up to the last payout booked on a Geldtransit account, its balance must be zero: every card
    receipt before that payout has been paid out (or its fee booked)."""
    signed = case((bookings.c.debit_credit == "S", bookings.c.amount_cents), else_=-bookings.c.amount_cents)
    for profile in profiles:
        if profile.accounting is None:
            continue
        for provider, account in sorted(profile.accounting.mapping.geldtransit.items()):
            with database.connect() as connection:
                last_payout = connection.scalar(
                    select(func.max(bookings.c.document_date)).select_from(
                        bookings.join(booking_sets, booking_sets.c.event_id == bookings.c.event_id))
                    .where(bookings.c.location_id == profile.id, booking_sets.c.kind == "payout",
                           bookings.c.contra_account == account))
                if last_payout is None:
                    continue
                debit = connection.scalar(select(func.coalesce(func.sum(signed), 0)).where(
                    bookings.c.location_id == profile.id, bookings.c.account == account,
                    bookings.c.document_date <= last_payout)) or 0
                credit = connection.scalar(select(func.coalesce(func.sum(signed), 0)).where(
                    bookings.c.location_id == profile.id, bookings.c.contra_account == account,
                    bookings.c.document_date <= last_payout)) or 0
            balance = debit - credit
            if balance:
                yield Finding("geldtransit_not_netting", f"{profile.id}:{account}",
                              f"Geldtransit {account} ({provider}) of {profile.id} stands at "
                              f"{balance / 100:.2f} EUR after the payout of {last_payout.isoformat()}; "
                              f"expected 0.00: a payout or fee is missing or a receipt was paid out twice",
                              {"profile": profile.id, "account": account, "provider": provider,
                               "balance": f"{balance / 100:.2f}", "up_to": last_payout.isoformat()})


def receipt_sequence(database: Database) -> Iterator[Finding]:
    per_register: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    with database.connect() as connection:
        rows = connection.execute(
            select(events.c.location_id, events.c.register_id, events.c.receipt_seq, events.c.event_id)
            .where(events.c.receipt_seq.is_not(None), events.c.kind.in_(("sale", "refund", "void")))
            .order_by(events.c.location_id, events.c.register_id, events.c.receipt_seq))
        for row in rows:
            per_register[(row.location_id, row.register_id)].append((row.receipt_seq, row.event_id))
    for (location_id, register_id), numbers in per_register.items():
        gaps, duplicates = [], []
        for (previous, previous_id), (current, current_id) in zip(numbers, numbers[1:]):
            if current == previous:
                duplicates.append({"number": current, "events": [previous_id, current_id]})
            elif current > previous + 1:
                gaps.append({"after": previous, "before": current, "missing": current - previous - 1})
        if gaps or duplicates:
            missing = sum(gap["missing"] for gap in gaps)
            yield Finding("receipt_sequence", f"{location_id}:{register_id}",
                          f"Register {register_id} of {location_id}: {missing} receipt numbers missing in "
                          f"{len(gaps)} gaps, {len(duplicates)} numbers used twice",
                          {"gaps": gaps[:GAP_LIST_LIMIT], "duplicates": duplicates[:GAP_LIST_LIMIT]})


__all__ = ["Finding", "geldtransit_not_netting", "missing_bookings", "receipt_sequence",
           "undelivered_sales"]
