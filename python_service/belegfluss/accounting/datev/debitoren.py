"""Debitoren/Kreditoren master data (Formatkategorie 16, Formatversion 5, 254 columns).

Written for the customers that carry a Debitor number (invoice and B2B customers); POS walk-in
customers have none and are skipped. A Debitor is a Personenkonto of Sachkontenlänge + 1 digits in
the range 1…6 (10000–69999 with Sachkontenlänge 4); any other number is refused with its row.
Names and address fields longer than DATEV allows are cut to the allowed length.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...model import Customer
from .columns import DEBITOREN_KREDITOREN_COLUMNS
from .errors import DatevExportError
from .header import ExtfHeader
from .writer import CRLF, ENCODING

# Column number → (maximum length); only these are filled.
_LIMITS = {1: 9, 2: 50, 4: 30, 5: 30, 7: 1, 15: 3, 16: 36, 18: 10, 19: 30, 20: 2, 29: 60, 33: 60, 99: 15}
COLUMN_NAMES_LINE = ";".join(column.name for column in DEBITOREN_KREDITOREN_COLUMNS) + CRLF
NATURAL_PERSON, COMPANY = "1", "2"


def debitor_values(customer: Customer) -> dict[int, str]:
    values: dict[int, str] = {1: str(customer.debitor_number)}
    if customer.last_name or customer.first_name:
        values.update({4: customer.last_name or "", 5: customer.first_name or "", 7: NATURAL_PERSON})
    else:
        values.update({2: customer.name or "", 7: COMPANY})
    address = customer.address
    if address is not None:
        street = " ".join(part for part in (address.street, address.house_number) if part)
        values.update(
            {
                15: "STR",
                16: street,
                18: address.postcode or "",
                19: address.city or "",
                20: address.country or "",
            }
        )
    if customer.phones:
        values[29] = customer.phones[0]
    if customer.emails:
        values[33] = customer.emails[0]
    return {number: value[: _LIMITS[number]] for number, value in values.items()}


def _line(values: dict[int, str]) -> str:
    fields = []
    for column in DEBITOREN_KREDITOREN_COLUMNS:
        value = values.get(column.number, "")
        fields.append('"' + value.replace('"', '""') + '"' if column.text else value)
    return ";".join(fields) + CRLF


def write_debitoren(customers: Iterable[Customer], header: ExtfHeader) -> Iterator[bytes]:
    """Header, column names, one line per customer with a Debitor number; cp1252 chunks."""
    yield (header.line() + CRLF + COLUMN_NAMES_LINE).encode(ENCODING)
    digits = header.sachkontenlaenge + 1
    row = 0
    for customer in customers:
        if customer.debitor_number is None:
            continue
        row += 1
        number = str(customer.debitor_number)
        if len(number) != digits or number[0] not in "123456":
            raise DatevExportError(
                f"Debitor number {number} is not a Personenkonto of {digits} digits from 1…6 "
                f"(Sachkontenlänge {header.sachkontenlaenge} + 1)",
                row,
                "Konto",
            )
        line = _line(debitor_values(customer))
        try:
            yield line.encode(ENCODING)
        except UnicodeEncodeError as exc:
            raise DatevExportError(
                f"character {line[exc.start : exc.end]!r} cannot be written in cp1252", row
            ) from exc
