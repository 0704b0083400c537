"""An EXTF validator for the tests: checks any exported DATEV file against the format rules.

Written independently of the writer, from `reference/datev.md` and the column list copied to
`tests/golden/datev/reference/` (the oracle): line endings and encoding, the 31 header fields, the
column-name line, 125 (Buchungsstapel) or 254 (Debitoren/Kreditoren) fields per row, quoting of text
columns vs. bare number columns, and the field regexes (Umsatz, Soll/Haben, Konto, BU-Schlüssel,
Belegdatum, Belegfeld 1, Buchungstext length).

`validate_extf(data)` answers the list of problems (empty = valid); `assert_valid_extf(data)` fails a
test with all of them. It also returns the parsed rows for further assertions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "golden" / "datev" / "reference"

# Text columns of the Buchungsstapel per reference/datev.md §1.3 (derived from DATEV's sample file).
_BUCHUNGSSTAPEL_TEXT_COLUMNS = (
    "2,3,6,9,11,12,14,16,20-38,40,42,48-87,91,95,96,98,102,103,105,107,109,110,112,118,120,121,123"
)


def _number_set(spec: str) -> set[int]:
    numbers: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        numbers.update(range(int(low), int(high or low) + 1))
    return numbers


def _reference_columns(name: str) -> list[tuple[str, str]]:
    columns = []
    for line in (REFERENCE / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|")]
            columns.append((parts[1], parts[2] if len(parts) > 2 else ""))
    return columns


BUCHUNGSSTAPEL = _reference_columns("extf_buchungsstapel_v13_columns.txt")
DEBITOREN_KREDITOREN = _reference_columns("extf_debkred_v5_columns_oca.txt")

UMSATZ = re.compile(r"^\d{1,10},\d{2}$")
KONTO = re.compile(r"^\d{1,9}$")
BU_KEY = re.compile(r"^(\d{4})?$")
BELEGFELD = re.compile(r"^[A-Za-z0-9$&%*+\-/]{0,36}$")
NUMBER = re.compile(r"^(-?\d+(,\d+)?)?$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Field:
    value: str
    quoted: bool


@dataclass
class ExtfFile:
    header: list[Field]
    column_names: list[str]
    rows: list[list[Field]]
    problems: list[str] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        index = self.column_names.index(name)
        return [row[index].value for row in self.rows]


def split_fields(line: str) -> list[Field]:
    """Split one EXTF line at `;` outside quotes, remembering which fields were quoted."""
    fields: list[Field] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            value = []
            while True:
                if i >= n:
                    raise ValueError("unterminated quoted field")
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(line[i])
                i += 1
            fields.append(Field("".join(value), True))
            if i < n and line[i] != ";":
                raise ValueError(f"text after a closing quote at position {i}")
        else:
            end = line.find(";", i)
            end = n if end == -1 else end
            raw = line[i:end]
            if '"' in raw:
                raise ValueError(f"stray quote in unquoted field {raw!r}")
            fields.append(Field(raw, False))
            i = end
        if i >= n:
            return fields
        i += 1  # the separator
        if i == n:
            fields.append(Field("", False))
            return fields


def _valid_ttmm(value: str) -> bool:
    if not re.fullmatch(r"\d{4}", value):
        return False
    day, month = int(value[:2]), int(value[2:])
    try:
        date(2024, month, day)  # a leap year: 2902 is a valid Belegdatum
    except ValueError:
        return False
    return True


def _parse_yyyymmdd(value: str) -> date | None:
    try:
        return (
            date(int(value[:4]), int(value[4:6]), int(value[6:8])) if re.fullmatch(r"\d{8}", value) else None
        )
    except ValueError:
        return None


def validate_extf(data: bytes) -> ExtfFile:
    problems: list[str] = []
    if b"\n" in data.replace(b"\r\n", b""):
        problems.append("line ending: a line ends with LF without CR (EXTF needs CRLF)")
    if b"\r" in data.replace(b"\r\n", b""):
        problems.append("line ending: a bare CR")
    if not data.endswith(b"\r\n"):
        problems.append("line ending: the last line does not end with CRLF")
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append("encoding: UTF-8 BOM found; the file must be cp1252")
    if any(byte >= 0x80 for byte in data):
        try:
            data.decode("utf-8")
            problems.append(
                "encoding: the file is UTF-8 (non-ASCII characters as multi-byte sequences), not cp1252"
            )
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return ExtfFile([], [], [], [f"encoding: not cp1252 ({exc})"])
    lines = text.split("\r\n")[:-1]
    if len(lines) < 2:
        return ExtfFile([], [], [], problems + ["structure: fewer than two lines (header, column names)"])
    header = split_fields(lines[0])
    problems += _check_header(header)
    category = header[2].value if len(header) > 2 else ""
    reference = BUCHUNGSSTAPEL if category == "21" else DEBITOREN_KREDITOREN
    names = lines[1].split(";")
    expected_names = [name for name, _ in reference]
    if names != expected_names:
        wrong = [
            f"{i + 1}: {got!r} ≠ {want!r}"
            for i, (got, want) in enumerate(zip(names, expected_names, strict=False))
            if got != want
        ]
        problems.append(
            f"column names: {len(names)} names, expected {len(expected_names)}; differing {wrong[:5]}"
        )
    text_columns = (
        _BUCHUNGSSTAPEL_TEXT_COLUMNS_SET
        if category == "21"
        else {i for i, (_, kind) in enumerate(reference, start=1) if kind != "N"} - _DEBKRED_NUMBERS
    )
    rows = []
    for number, line in enumerate(lines[2:], start=1):
        try:
            row = split_fields(line)
        except ValueError as exc:
            problems.append(f"row {number}: {exc}")
            continue
        rows.append(row)
        if len(row) != len(reference):
            problems.append(f"row {number}: {len(row)} fields, expected {len(reference)}")
            continue
        problems += _check_quoting(number, row, text_columns, reference)
        if category == "21":
            problems += _check_booking_row(number, row, header)
        else:
            problems += _check_debitor_row(number, row, header)
    return ExtfFile(header, names, rows, problems)


_BUCHUNGSSTAPEL_TEXT_COLUMNS_SET = _number_set(_BUCHUNGSSTAPEL_TEXT_COLUMNS)
# Debitoren/Kreditoren number columns (a published implementation of the format): Konto, flags,
# dates, amounts.
_DEBKRED_NUMBERS = _number_set(
    "1,26-28,50,51,61,62,72,73,83,84,94-96,101,105,106,108-132,135,163,164,174,175,"
    "185,186,196,197,207,208,218,219,221,232-243,245,246,248,250-254"
)


def _check_quoting(
    number: int, row: list[Field], text_columns: set[int], reference: list[tuple[str, str]]
) -> list[str]:
    problems = []
    for index, value in enumerate(row, start=1):
        name = reference[index - 1][0]
        if index in text_columns and not value.quoted:
            problems.append(f"row {number}: text column {index} {name!r} is not quoted ({value.value!r})")
        if index not in text_columns and value.quoted:
            problems.append(f"row {number}: number column {index} {name!r} is quoted")
        if index not in text_columns and not NUMBER.match(value.value):
            problems.append(f"row {number}: number column {index} {name!r} holds {value.value!r}")
        if CONTROL.search(value.value):
            problems.append(f"row {number}: column {index} {name!r} holds a control character")
    return problems


def _check_booking_row(number: int, row: list[Field], header: list[Field]) -> list[str]:
    problems = []
    umsatz, sh, konto, gegenkonto, bu, belegdatum, belegfeld1, belegfeld2, text = (
        row[0].value,
        row[1].value,
        row[6].value,
        row[7].value,
        row[8].value,
        row[9].value,
        row[10].value,
        row[11].value,
        row[13].value,
    )
    if not UMSATZ.match(umsatz) or umsatz == "0,00" or umsatz.startswith("-"):
        problems.append(
            f"row {number}: Umsatz {umsatz!r} does not match ^\\d{{1,10}},\\d{{2}}$ (positive, not 0,00)"
        )
    if sh not in ("S", "H"):
        problems.append(f"row {number}: Soll/Haben-Kennzeichen {sh!r}")
    for name, value in (("Konto", konto), ("Gegenkonto", gegenkonto)):
        if not KONTO.match(value):
            problems.append(f"row {number}: {name} {value!r} does not match ^\\d{{1,9}}$")
    if not BU_KEY.match(bu):
        problems.append(f'row {number}: BU-Schlüssel "{bu}" does not match ^"\\d{{4}}"$')
    if not _valid_ttmm(belegdatum):
        problems.append(f"row {number}: Belegdatum {belegdatum!r} is not TTMM")
    elif len(header) > 15:
        start, end = _parse_yyyymmdd(header[14].value), _parse_yyyymmdd(header[15].value)
        if start and end:
            candidates = [
                date(year, int(belegdatum[2:]), int(belegdatum[:2]))
                for year in {start.year, end.year}
                if _valid_day(year, belegdatum)
            ]
            if not any(start <= day <= end for day in candidates):
                problems.append(
                    f"row {number}: Belegdatum {belegdatum} lies outside Datum vom–bis {start}–{end}"
                )
    if not belegfeld1 or not BELEGFELD.match(belegfeld1):
        problems.append(
            f"row {number}: Belegfeld 1 {belegfeld1!r} is empty, > 36 or outside [A-Za-z0-9$&%*+-/]"
        )
    if len(belegfeld2) > 12 or not BELEGFELD.match(belegfeld2):
        problems.append(f"row {number}: Belegfeld 2 {belegfeld2!r}")
    if len(text) > 60:
        problems.append(f"row {number}: Buchungstext longer than 60 ({len(text)})")
    if len(row[36].value) > 36:
        problems.append(f"row {number}: KOST1 longer than 36")
    for art in range(20, 36, 2):
        if len(row[art].value) > 20 or len(row[art + 1].value) > 210:
            problems.append(f"row {number}: Beleginfo {art // 2 - 9} too long")
    return problems


def _valid_day(year: int, ttmm: str) -> bool:
    try:
        date(year, int(ttmm[2:]), int(ttmm[:2]))
    except ValueError:
        return False
    return True


def _check_debitor_row(number: int, row: list[Field], header: list[Field]) -> list[str]:
    problems = []
    length = int(header[13].value) if len(header) > 13 and header[13].value.isdigit() else 4
    konto = row[0].value
    if not re.fullmatch(rf"\d{{{length + 1}}}", konto) or not 1 <= int(konto[0]) <= 6:
        problems.append(
            f"row {number}: Konto {konto!r} is not a Debitor (Sachkontenlänge + 1 digits, 1…6xxxx)"
        )
    if row[6].value not in ("", "0", "1", "2"):
        problems.append(f"row {number}: Adressattyp {row[6].value!r}")
    return problems


def _check_header(header: list[Field]) -> list[str]:
    problems: list[str] = []
    if len(header) != 31:
        return [f"header: {len(header)} fields, expected 31"]
    value = [f.value for f in header]
    quoted_positions = {1, 4, 8, 9, 10, 17, 18, 22, 24, 27, 30, 31}
    for position in range(1, 32):
        if (position in quoted_positions) != header[position - 1].quoted:
            problems.append(
                f"header field {position}: {'must' if position in quoted_positions else 'must not'} "
                f"be quoted ({value[position - 1]!r})"
            )
    expected = {1: "EXTF", 2: "700"}
    for position, want in expected.items():
        if value[position - 1] != want:
            problems.append(f"header field {position}: {value[position - 1]!r} ≠ {want!r}")
    category = (value[2], value[3], value[4])
    if category not in (("21", "Buchungsstapel", "13"), ("16", "Debitoren/Kreditoren", "5")):
        problems.append(
            f"header: category/name/version {category} is neither 21/Buchungsstapel/13 nor "
            f"16/Debitoren/Kreditoren/5"
        )
    if not re.fullmatch(r"\d{17}", value[5]):
        problems.append(f"header field 6 Erzeugt am: {value[5]!r} is not YYYYMMDDHHMMSSFFF")
    if len(value[7]) != 2:
        problems.append(f"header field 8 Herkunft: {value[7]!r} is not two characters")
    if len(value[8]) > 25:
        problems.append("header field 9 Exportiert von: longer than 25")
    if not value[10].isdigit() or not 1001 <= int(value[10]) <= 9999999:
        problems.append(f"header field 11 Beraternummer: {value[10]!r} outside 1001–9999999")
    if not value[11].isdigit() or not 1 <= int(value[11]) <= 99999:
        problems.append(f"header field 12 Mandantennummer: {value[11]!r} outside 1–99999")
    fiscal_year_start = _parse_yyyymmdd(value[12])
    if fiscal_year_start is None:
        problems.append(f"header field 13 WJ-Beginn: {value[12]!r} is not YYYYMMDD")
    if not value[13].isdigit() or not 4 <= int(value[13]) <= 8:
        problems.append(f"header field 14 Sachkontenlänge: {value[13]!r} outside 4–8")
    if value[26] not in ("03", "04"):
        problems.append(f"header field 27 Sachkontenrahmen: {value[26]!r}")
    if category[0] == "21":
        start, end = _parse_yyyymmdd(value[14]), _parse_yyyymmdd(value[15])
        if start is None or end is None:
            problems.append(
                f"header fields 15/16 Datum vom/bis: {value[14]!r}/{value[15]!r} are not YYYYMMDD"
            )
        elif start > end:
            problems.append("header: Datum vom after Datum bis")
        elif fiscal_year_start is not None:
            next_start = date(fiscal_year_start.year + 1, fiscal_year_start.month, fiscal_year_start.day)
            if not fiscal_year_start <= start <= end < next_start:
                problems.append(
                    f"header: Datum vom–bis {start}–{end} is not inside the Wirtschaftsjahr starting "
                    f"{fiscal_year_start}"
                )
        if len(value[16]) > 30:
            problems.append("header field 17 Bezeichnung: longer than 30")
        if not re.fullmatch(r"([A-Z]{2})?", value[17]):
            problems.append(f"header field 18 Diktatkürzel: {value[17]!r}")
        if value[18] not in ("1", "2"):
            problems.append(f"header field 19 Buchungstyp: {value[18]!r}")
        if value[20] not in ("0", "1"):
            problems.append(f"header field 21 Festschreibung: {value[20]!r}")
        if value[21] != "EUR":
            problems.append(f"header field 22 WKZ: {value[21]!r}")
    if len(value[30]) > 16:
        problems.append("header field 31 Anwendungsinformation: longer than 16")
    return problems


def assert_valid_extf(data: bytes) -> ExtfFile:
    parsed = validate_extf(data)
    assert not parsed.problems, "EXTF file invalid:\n" + "\n".join(parsed.problems[:30])
    return parsed
