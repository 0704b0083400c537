"""Validate a batch of canonical events and store the ones that pass, idempotently.

Per item, in input order:
1. schema (pydantic) → `schema.*` errors;
2. a replay of a stored event (same id, same content) answers `stored: duplicate` at once; the
   same id with other content is an `event.conflict`, which always goes to quarantine;
3. rules on the event alone (`rules.py`, `tse.py`), then rules against the store and the batch
   so far (`sequence.py`);
4. events without errors are stored; failed items become quarantine tickets on request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from ..model import EVENT_ADAPTER, ItemError, Sale, ZReport
from ..model.errors import schema_errors
from ..profiles.model import LocationProfile
from ..store import events as event_store
from ..store import quarantine as quarantine_store
from ..store.database import Database, content_hash
from ..store.events import receipt_sequence
from . import codes
from .rules import check_event
from .sequence import SequenceState, check_reference, check_tse_counter, receipt_warnings
from .tse import check_tse_block

ProfileLookup = Callable[[str], LocationProfile]


@dataclass
class ValidationResult:
    index: int
    errors: list[ItemError] = field(default_factory=list)
    warnings: list[ItemError] = field(default_factory=list)
    event: Sale | ZReport | None = None
    payload: dict[str, Any] | None = None
    stored: str | None = None
    ticket_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @cached_property
    def payload_hash(self) -> str:
        """The payload's `content_hash`, computed once for the replay check, the event store and the
        booking store."""
        assert self.payload is not None
        return content_hash(self.payload)

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"index": self.index, "ok": self.ok}
        if self.event is not None:
            answer["event_id"] = self.event.id
        if self.stored:
            answer["stored"] = self.stored
        answer["errors"] = [error.model_dump() for error in self.errors]
        answer["warnings"] = [warning.model_dump() for warning in self.warnings]
        if self.ticket_id:
            answer["ticket_id"] = self.ticket_id
        return answer


def parse_event(item: Any) -> tuple[Sale | ZReport | None, list[ItemError]]:
    try:
        return EVENT_ADAPTER.validate_python(item), []
    except ValidationError as exc:
        return None, schema_errors(exc)


def _prefetch(database: Database, sales: Sequence[Sale]) -> SequenceState:
    originals = {sale.original_id for sale in sales if sale.original_id}
    registers = {(sale.location_id, sale.register_id) for sale in sales}
    wanted = set()
    for sale in sales:
        seq = receipt_sequence(sale.receipt_number)
        if seq is not None:
            wanted.update({(sale.location_id, sale.register_id, seq), (sale.location_id, sale.register_id, seq - 1)})
    return SequenceState(
        originals=event_store.load_events(database, originals),
        reversed_cents=event_store.reversed_cents(database, originals),
        tse_counters=event_store.last_tse_counters(database, {s.tse.serial for s in sales if s.tse}),
        receipts=event_store.known_receipt_numbers(database, wanted),
        lowest_receipt=event_store.lowest_receipt_numbers(database, registers),
    )


def validate_events(
    database: Database,
    items: Sequence[Any],
    profile_for: ProfileLookup,
    *,
    store: bool = True,
    quarantine: bool = False,
    source: str = "canonical",
    now: datetime | None = None,
    clock_skew: timedelta = timedelta(minutes=5),
) -> list[ValidationResult]:
    results = [ValidationResult(index=i) for i in range(len(items))]
    for result, item in zip(results, items):
        result.event, result.errors = parse_event(item)
        if result.event is not None:
            result.payload = result.event.model_dump(mode="json")
    check_events(database, [r for r in results if r.event is not None], profile_for, store=store, now=now,
                 clock_skew=clock_skew)
    quarantine_failures(database, results, items, stage="validate", source=source, everything=quarantine)
    return results


def check_events(
    database: Database,
    parsed: list[ValidationResult],
    profile_for: ProfileLookup,
    *,
    store: bool = True,
    now: datetime | None = None,
    clock_skew: timedelta = timedelta(minutes=5),
) -> None:
    """Steps 2–4 for results that already hold their event and its JSON payload (from `parse_event`
    or straight from a mapper, which spares the second parse when map and validate run together)."""
    now = now or datetime.now(timezone.utc)
    stored = event_store.load_events(database, [r.event.id for r in parsed]) if store else {}
    fresh: list[ValidationResult] = []
    for result in parsed:
        previous = stored.get(result.event.id)
        if previous is None:
            fresh.append(result)
        elif previous.content_hash == result.payload_hash:
            result.stored = "duplicate"
        else:
            result.errors.append(_conflict(result.event.id))

    state = _prefetch(database, [r.event for r in fresh if isinstance(r.event, Sale)])
    for result in fresh:
        event = result.event
        profile = profile_for(event.location_id)
        result.errors.extend(check_event(event, profile, now, clock_skew))
        if isinstance(event, Sale):
            if event.tse is not None:
                result.errors.extend(check_tse_block(event.tse))
            result.errors.extend(check_reference(event, state))
            result.errors.extend(check_tse_counter(event, state))
            result.warnings.extend(receipt_warnings(event, state))
            if result.ok:
                state.accept(event)

    if store:
        passing = [r for r in fresh if r.ok]
        outcomes = event_store.store_events(database, [(r.event, r.payload) for r in passing],
                                            [r.payload_hash for r in passing])
        for result, outcome in zip(passing, outcomes):
            if outcome == "conflict":
                result.errors.append(_conflict(result.event.id))
            else:
                result.stored = outcome


def _conflict(event_id: str) -> ItemError:
    return ItemError(code=codes.EVENT_CONFLICT, path="$.id", value=event_id,
                     message=f"Event '{event_id}' was stored before with other content; corrections are new "
                             f"events (refund or void and a new sale), never edits")


def quarantine_failures(database: Database, results: list[ValidationResult], items: Sequence[Any], *,
                        stage: str, source: str, everything: bool,
                        origin: quarantine_store.TicketOrigin = quarantine_store.TicketOrigin(),
                        reason_for: Callable[[ValidationResult], str] | None = None) -> None:
    """Conflicts always become tickets (a changed event must be looked at); other failures on request.
    The ticket keeps the item as it came in (`items[index]`), so a retry runs the same path again."""
    failed = [
        r for r in results
        if r.errors and r.ticket_id is None
        and (everything or any(e.code == codes.EVENT_CONFLICT for e in r.errors))
    ]
    if not failed:
        return
    tickets = quarantine_store.add_tickets(database, [
        quarantine_store.NewTicket(
            stage=stage, source=source, payload=items[r.index],
            errors=[e.model_dump() for e in r.errors],
            event_id=r.event.id if r.event is not None else None,
            workflow=origin.workflow, node=origin.node, execution_id=origin.execution_id,
            reason=reason_for(r) if reason_for else "",
        ) for r in failed
    ])
    for result, (ticket_id, _created) in zip(failed, tickets):
        result.ticket_id = ticket_id
