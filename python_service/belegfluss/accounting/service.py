"""The accounting jobs the API and the CLI share: book a batch, export DATEV, reconcile Z-reports.

Each is one function over the store and the pure core (posting rules, EXTF writer, reconciliation);
routers and CLI commands only translate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from ..model import Sale, ZReport
from ..model.errors import ItemError
from ..profiles.model import LocationProfile
from ..store import bookings as booking_store
from ..store import quarantine as quarantine_store
from ..store.database import Database, content_hash, loads
from ..store.events import events as events_table
from ..validation.pipeline import schema_errors
from .booking import BOOKING_LIST, Booking
from .datev.errors import DatevExportError
from .datev.header import buchungsstapel_filename, buchungsstapel_header
from .datev.writer import check_booking, write_buchungsstapel
from .posting import BOOKABLE_EVENT_ADAPTER, PostingError, book_event
from .reconcile import Reconciliation, reconcile

_JSON_BOOKINGS = TypeAdapter(list[Booking])


def bookings_json(rows: list[Booking]) -> list[dict[str, Any]]:
    return _JSON_BOOKINGS.dump_python(rows, mode="json")


def _error(code: str, path: str, message: str, value: Any = None) -> dict[str, Any]:
    return ItemError(code=code, path=path, message=message, value=value).model_dump()


def book_items(database: Database | None, profile: LocationProfile, items: list[Any]) -> list[dict[str, Any]]:
    """Book each item (sale, refund, void, Z-report, payout) under the profile; answer per item.

    With a database, each event's set is stored once: a replay answers `stored: duplicate` with the
    stored bookings, the same id with other content a `booking.conflict` error.
    """
    answers: dict[int, dict[str, Any]] = {}
    parsed: list[tuple[int, Any]] = []
    for index, item in enumerate(items):
        try:
            parsed.append((index, BOOKABLE_EVENT_ADAPTER.validate_python(item)))
        except ValidationError as exc:
            answers[index] = {"index": index, "ok": False, "errors": [e.model_dump() for e in schema_errors(exc)]}
    for (index, _event), answer in zip(parsed, book_events(database, profile, [event for _, event in parsed])):
        answers[index] = answer | {"index": index}
    return [answers[index] for index in range(len(items))]


def book_events(database: Database | None, profile: LocationProfile, events: list[Any], *,
                payload_hashes: list[str] | None = None, with_bookings: bool = True) -> list[dict[str, Any]]:
    """Parsed events booked under the profile, one answer per event (indexed by position); with a
    database their sets are stored once (see `store_booking_sets`). `payload_hashes`: the events'
    `content_hash` where the caller has it already (spares a dump and a hash); `with_bookings` off
    leaves the booking rows out of the answers (a caller that needs only the outcome)."""
    answers: list[dict[str, Any]] = []
    to_store: list[tuple[dict[str, Any], booking_store.NewSet]] = []
    for index, event in enumerate(events):
        try:
            result = book_event(event, profile)
        except PostingError as exc:
            answers.append({"index": index, "ok": False, "event_id": event.id,
                            "errors": [e.model_dump() for e in exc.errors]})
            continue
        warnings = [warning.model_dump() for warning in result.warnings]
        answer: dict[str, Any] = {"index": index, "ok": True, "event_id": event.id}
        answers.append(answer)
        if database is None:
            answer.update({"bookings": bookings_json(result.bookings), "warnings": warnings})
        else:
            event_hash = (payload_hashes[index] if payload_hashes is not None
                          else content_hash(event.model_dump(mode="json")))
            to_store.append((answer, booking_store.NewSet(
                event.id, event.location_id, event.type, event_hash, result.bookings, warnings)))
    if database is not None:
        stored_sets = booking_store.store_booking_sets(database, [new for _, new in to_store], with_rows=with_bookings)
        for (answer, new), stored in zip(to_store, stored_sets):
            if stored.outcome == "conflict":
                answer.update(ok=False, errors=[_error(
                    "booking.conflict", "$.id",
                    f"Event {new.event_id} was booked before with other content; corrections are new events "
                    f"(a refund or Storno and a new sale), never a second booking of the same id",
                    new.event_id)])
            else:
                answer.update({"stored": stored.outcome, "warnings": stored.warnings})
                if with_bookings:
                    answer["bookings"] = bookings_json(stored.bookings)
    return answers


class NothingToExport(LookupError):
    """The period holds no booking that waits for export."""


class ExportUnknown(LookupError):
    pass


@dataclass(frozen=True)
class DatevFile:
    filename: str
    chunks: Iterator[bytes]
    export_id: str | None = None
    batch: int | None = None
    row_count: int | None = None


def _require_accounting(profile: LocationProfile) -> None:
    if profile.accounting is None:
        raise DatevExportError(f"location profile '{profile.id}' has no accounting section")


def export_period(database: Database, profile: LocationProfile, date_from: date, date_to: date) -> DatevFile:
    """Export the period's bookings that no earlier export holds, as a new batch (Festschreibung)."""
    _require_accounting(profile)
    assert profile.accounting is not None
    buchungsstapel_header(profile.accounting, profile.id, date_from, date_to)  # refuses two Wirtschaftsjahre
    batch = booking_store.claim_export(database, profile.id, date_from, date_to)
    if batch is None:
        earlier = [
            e.export_id
            for e in booking_store.list_exports(database, profile.id)
            if e.date_from <= date_to and e.date_to >= date_from
        ]
        raise NothingToExport(
            f"No bookings of '{profile.id}' from {date_from} to {date_to} wait for export"
            + (
                f"; earlier exports of this period: {', '.join(earlier)} (fetch one again with export_id)"
                if earlier
                else ""
            )
        )
    return _export_file(database, profile, batch)


def export_again(database: Database, profile: LocationProfile, export_id: str) -> DatevFile:
    """A past export, byte for byte (same rows, same header timestamp)."""
    _require_accounting(profile)
    batch = booking_store.get_export(database, export_id)
    if batch is None or batch.location_id != profile.id:
        raise ExportUnknown(f"No export '{export_id}' of location '{profile.id}'")
    return _export_file(database, profile, batch)


def _export_file(database: Database, profile: LocationProfile, batch: booking_store.ExportBatch) -> DatevFile:
    assert profile.accounting is not None
    header = buchungsstapel_header(
        profile.accounting, profile.id, batch.date_from, batch.date_to, created_at=batch.created_at
    )
    name = buchungsstapel_filename(profile.id, batch.date_from, batch.date_to)
    if batch.batch > 1:
        name = name.removesuffix(".csv") + f"_{batch.batch}.csv"
    return DatevFile(
        name,
        write_buchungsstapel(booking_store.exported_bookings(database, batch.export_id), header),
        batch.export_id,
        batch.batch,
        batch.row_count,
    )


def export_given(
    profile: LocationProfile,
    raw_bookings: list[Any],
    date_from: date | None = None,
    date_to: date | None = None,
) -> DatevFile:
    """A file from bookings handed in (not stored, not marked). Every row is checked before the first
    byte is written, so a bad row is reported with its number instead of breaking a stream."""
    _require_accounting(profile)
    assert profile.accounting is not None
    try:
        rows = BOOKING_LIST.validate_python(raw_bookings)
    except ValidationError as exc:
        raise DatevExportError(
            "; ".join(
                f"bookings[{'.'.join(str(p) for p in e['loc'])}]: {e['msg']}"
                for e in exc.errors(include_url=False)[:10]
            )
        ) from exc
    if not rows:
        raise DatevExportError("no bookings given")
    problems = [
        f"row {i}: {field}: {problem}"
        for i, booking in enumerate(rows, start=1)
        for field, problem in check_booking(booking)
    ]
    for i, booking in enumerate(rows, start=1):
        for field, value in (
            ("Buchungstext", booking.text),
            ("Beleginfo", booking.event_id),
            ("KOST1", booking.cost_center),
        ):
            try:
                value.encode("cp1252")
            except UnicodeEncodeError as exc:
                problems.append(
                    f"row {i}: {field}: character {value[exc.start : exc.end]!r} cannot be written in cp1252"
                )
    if problems:
        raise DatevExportError("; ".join(problems[:20]))
    first = date_from or min(b.document_date for b in rows)
    last = date_to or max(b.document_date for b in rows)
    header = buchungsstapel_header(profile.accounting, profile.id, first, last)
    return DatevFile(buchungsstapel_filename(profile.id, first, last), write_buchungsstapel(rows, header))


def stored_receipts(database: Database, report: ZReport, profile: LocationProfile) -> list[Sale]:
    """The register's stored receipts around the business day; `reconcile` keeps the day's own."""
    zone = ZoneInfo(profile.timezone)
    # A day either side (stores written before timestamps were kept in UTC on SQLite may hold
    # local times); the exact day is decided on each receipt's own timestamp.
    start = datetime.combine(report.business_date - timedelta(days=1), time.min, zone)
    end = datetime.combine(report.business_date + timedelta(days=2), time.min, zone)
    with database.connect() as connection:
        payloads = connection.scalars(
            select(events_table.c.payload).where(
                events_table.c.location_id == report.location_id,
                events_table.c.register_id == report.register_id,
                events_table.c.kind.in_(("sale", "refund", "void")),
                events_table.c.occurred_at >= start,
                events_table.c.occurred_at < end,
            )
        ).all()
    return [Sale.model_validate(loads(payload)) for payload in payloads]


def reconciliation_json(result: Reconciliation) -> dict[str, Any]:
    data = asdict(result)
    return TypeAdapter(dict[str, Any]).dump_python(data, mode="json")


def reconcile_items(
    database: Database, profile: LocationProfile, items: list[Any], quarantine: bool = True
) -> list[dict[str, Any]]:
    """Reconcile each Z-report with the stored receipts; a mismatch opens a quarantine ticket."""
    answers = []
    for index, item in enumerate(items):
        try:
            report = TypeAdapter(ZReport).validate_python(item)
        except ValidationError as exc:
            answers.append(
                {"index": index, "ok": False, "errors": [e.model_dump() for e in schema_errors(exc)]}
            )
            continue
        result = reconcile(report, stored_receipts(database, report, profile), profile)
        answer = {"index": index, "ok": True, "event_id": report.id, **reconciliation_json(result)}
        if quarantine and result.verdict == "mismatch":
            errors = [
                _error(
                    "reconcile.difference",
                    f"$.{d.dimension}.{d.key}",
                    f"Z-report {d.dimension.replace('_', ' ')} {d.key}: {d.z_report} on the Z-report, "
                    f"{d.receipts} in the receipts (difference {d.difference})",
                    str(d.difference),
                )
                for d in result.differences
            ]
            [(ticket_id, _created)] = quarantine_store.add_tickets(
                database,
                [
                    quarantine_store.NewTicket(
                        stage="reconcile",
                        source=report.source,
                        payload=report.model_dump(mode="json"),
                        errors=errors,
                        reason=f"Z-report {report.z_number} of register {report.register_id} "
                        f"differs from its receipts "
                        f"by up to {result.largest_difference} (threshold {result.threshold})",
                        event_id=report.id,
                    )
                ],
            )
            answer["ticket_id"] = ticket_id
        answers.append(answer)
    return answers
