"""The Buchungsstapel writer: bookings in, cp1252 bytes out, in chunks.

It takes any iterator of bookings (a database cursor, a list) and yields encoded chunks of
`chunk_rows` lines, so a month of a million bookings is written in bounded memory and can be
streamed straight into an HTTP response.

Per row, only the columns a booking fills are formatted; the other ~110 columns are constant and
built once from the column table. File rules (reference/datev.md §1.1): `;` separated, CRLF,
text columns quoted with embedded quotes doubled (`""` when empty), number columns bare, decimal
comma without thousands separator, Umsatz positive with the Soll/Haben-Kennzeichen, Belegdatum TTMM.

Refused with the row number (`DatevExportError`), never written wrongly: a character cp1252 cannot
carry (never replaced by `?`), a Belegdatum outside the file's period (one file = one period inside
one Wirtschaftsjahr), an amount that is not positive or has more than 10 integer digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from ..booking import Booking
from .columns import BUCHUNGSSTAPEL_COLUMNS, Column
from .errors import DatevExportError
from .header import ExtfHeader

ENCODING = "cp1252"
CRLF = "\r\n"
BELEGINFO_ART = "Belegfluss-ID"
"""Beleginfo - Art 1: names what Beleginfo - Inhalt 1 holds, the id of the event a row comes from."""
MAX_AMOUNT = Decimal("9999999999.99")

# The columns a booking fills, in column order; every other column is written empty.
_FILLED = (1, 2, 3, 7, 8, 9, 10, 11, 14, 21, 22, 37)

_BELEGFELD = re.compile(r"^[A-Za-z0-9$&%*+\-/]{1,36}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _row_template(columns: tuple[Column, ...]) -> str:
    """A %-template with one `%s` per filled column (in `_FILLED` order) and the constant empties;
    built once from the column table, so a row costs one string formatting."""
    parts = []
    for column in columns:
        if column.number in _FILLED:
            parts.append('"%s"' if column.text else "%s")
        else:
            parts.append('""' if column.text else "")
    return ";".join(parts) + CRLF


ROW_TEMPLATE = _row_template(BUCHUNGSSTAPEL_COLUMNS)
COLUMN_NAMES_LINE = ";".join(column.name for column in BUCHUNGSSTAPEL_COLUMNS) + CRLF
# DATEV's regex for the BU-Schlüssel is four digits in quotes: "3" is written "0003".
_PADDED_BU_KEYS = {"": "", **{str(key): str(key).zfill(4) for key in range(100)}}


def format_amount(amount: Decimal) -> str:
    text = str(amount)
    if len(text) < 4 or text[-3] != ".":  # not exactly two decimals (stored amounts always are)
        text = f"{amount:.2f}"
    return text.replace(".", ",")


def check_booking(booking: Booking) -> list[tuple[str, str]]:
    """Field rules a stored booking meets by construction; used on bookings given from outside.
    Answers (DATEV field name, problem) pairs."""
    problems: list[tuple[str, str]] = []
    if not Decimal("0.01") <= booking.amount <= MAX_AMOUNT or booking.amount != booking.amount.quantize(
        Decimal("0.01")
    ):
        problems.append(("Umsatz", f"{booking.amount} is not a positive amount in cents with ≤ 10 digits"))
    if booking.debit_credit not in ("S", "H"):
        problems.append(("Soll/Haben-Kennzeichen", f"{booking.debit_credit!r} is neither S nor H"))
    for field, value in (("Konto", booking.account), ("Gegenkonto", booking.contra_account)):
        if not 1 <= value <= 999_999_999:
            problems.append((field, f"{value} is not an account number of 1 to 9 digits"))
    if booking.bu_key and not re.fullmatch(r"\d{1,4}", booking.bu_key):
        problems.append(("BU-Schlüssel", f"{booking.bu_key!r} is not 1 to 4 digits"))
    if not _BELEGFELD.match(booking.document_number):
        problems.append(
            (
                "Belegfeld 1",
                f"{booking.document_number!r} is empty, longer than 36 or has characters "
                f"outside A-Z a-z 0-9 $ & % * + - /",
            )
        )
    if len(booking.text) > 60 or _CONTROL.search(booking.text):
        problems.append(("Buchungstext", f"{booking.text!r} is longer than 60 or holds control characters"))
    if len(booking.cost_center) > 36 or _CONTROL.search(booking.cost_center):
        problems.append(("KOST1 - Kostenstelle", f"{booking.cost_center!r} is longer than 36"))
    if len(booking.event_id) > 210 or _CONTROL.search(booking.event_id):
        problems.append(("Beleginfo - Inhalt 1", f"{booking.event_id!r} is longer than 210"))
    return problems


def write_buchungsstapel(
    bookings: Iterable[Booking], header: ExtfHeader, chunk_rows: int = 5000
) -> Iterator[bytes]:
    """Yield the file as cp1252 chunks: header, column names, then one line per booking."""
    assert header.date_from is not None and header.date_to is not None
    yield (header.line() + CRLF + COLUMN_NAMES_LINE).encode(ENCODING)
    first_day, last_day = header.date_from, header.date_to
    ttmm_cache: dict[date, str] = {}
    lines: list[str] = []
    first_row_of_chunk = 1
    template = ROW_TEMPLATE
    append = lines.append
    for row, booking in enumerate(bookings, start=1):
        day = booking.document_date
        ttmm = ttmm_cache.get(day)
        if ttmm is None:
            if not first_day <= day <= last_day:
                raise DatevExportError(
                    f"Belegdatum {day} lies outside the file's period {first_day}–{last_day}",
                    row,
                    "Belegdatum",
                )
            ttmm = ttmm_cache[day] = day.strftime("%d%m")
        amount = booking.amount
        if not 0 < amount <= MAX_AMOUNT:
            raise DatevExportError(f"Umsatz {amount} must be positive with at most 10 digits", row, "Umsatz")
        bu_key = _PADDED_BU_KEYS.get(booking.bu_key)
        if bu_key is None:
            bu_key = booking.bu_key.zfill(4)
        append(
            template
            % (
                format_amount(amount),
                booking.debit_credit,
                booking.currency,
                booking.account,
                booking.contra_account,
                bu_key,
                ttmm,
                booking.document_number,
                booking.text.replace('"', '""'),
                BELEGINFO_ART,
                booking.event_id.replace('"', '""'),
                booking.cost_center.replace('"', '""'),
            )
        )
        if len(lines) >= chunk_rows:
            chunk = _encode(lines, first_row_of_chunk)
            lines.clear()  # `append` is bound to this list
            first_row_of_chunk = row + 1
            yield chunk
    if lines:
        yield _encode(lines, first_row_of_chunk)


def _encode(lines: list[str], first_row: int) -> bytes:
    try:
        return "".join(lines).encode(ENCODING)
    except UnicodeEncodeError:
        for offset, line in enumerate(lines):
            try:
                line.encode(ENCODING)
            except UnicodeEncodeError as exc:
                raise DatevExportError(
                    f"character {line[exc.start : exc.end]!r} cannot be written in cp1252 "
                    f"(in {line[max(0, exc.start - 20) : exc.end + 20]!r})",
                    first_row + offset,
                ) from exc
        raise
