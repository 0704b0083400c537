"""The DATEV Buchungsstapel and Debitoren/Kreditoren files, checked by the EXTF validator and golden files."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from belegfluss.accounting.datev.debitoren import write_debitoren
from belegfluss.accounting.datev.errors import DatevExportError
from belegfluss.accounting.datev.header import (
    buchungsstapel_filename,
    buchungsstapel_header,
    debitoren_kreditoren_header,
)
from belegfluss.accounting.datev.writer import write_buchungsstapel
from belegfluss.model import Customer

from tests.extf_validator import assert_valid_extf, validate_extf
from tests.unit.accounting.stories import example_day, line, make_profile, sale

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "datev"
CREATED = datetime(2026, 4, 1, 6, 30, 0, 123000, tzinfo=timezone.utc)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def export(name: str) -> tuple[str, bytes]:
    profile, _, bookings = example_day(name)
    header = buchungsstapel_header(profile.accounting, profile.id, *MARCH, created_at=CREATED)
    return buchungsstapel_filename(profile.id, *MARCH), b"".join(write_buchungsstapel(bookings, header))


@pytest.mark.parametrize("location", ["cafe-berlin", "shop-hamburg"])
def test_sample_day_export_matches_the_reviewed_golden_file(location: str) -> None:
    filename, data = export(location)
    golden = GOLDEN / filename
    if os.environ.get("BELEGFLUSS_UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()


@pytest.mark.parametrize("location", ["cafe-berlin", "shop-hamburg"])
def test_sample_day_export_passes_the_extf_validator(location: str) -> None:
    _, data = export(location)
    parsed = assert_valid_extf(data)
    assert all(len(row) == 125 for row in parsed.rows)
    assert parsed.column("Beleginfo - Art 1")[0] == "Belegfluss-ID"


def test_file_name_names_location_and_period() -> None:
    assert export("cafe-berlin")[0] == "EXTF_Buchungsstapel_cafe-berlin_20260301_20260331.csv"


def test_header_carries_the_profiles_datev_numbers() -> None:
    _, data = export("shop-hamburg")
    header = data.split(b"\r\n")[0].decode("cp1252")
    assert header == (
        '"EXTF";700;21;"Buchungsstapel";13;20260401063000123;;"BF";"Belegfluss";"";1234567;42;'
        '20250701;4;20260301;20260331;"Belegfluss shop-hamburg";"";1;0;0;"EUR";;"";;;"04";;;"";""'
    )


def test_umsatz_positive_with_decimal_comma_and_bu_key_padded() -> None:
    _, data = export("cafe-berlin")
    parsed = assert_valid_extf(data)
    takeaway = [row for row in parsed.rows if row[6].value == "1000" and row[7].value == "8301"]
    assert [(r[0].value, r[1].value, r[8].value, r[9].value, r[10].value) for r in takeaway] == [
        ("2,50", "S", "0002", "1403", "K1/1001"),
        ("2,50", "H", "0002", "1403", "K1/1005"),
    ]


def test_embedded_quotes_in_texts_are_doubled() -> None:
    profile = make_profile("SKR03")
    bookings = book(
        profile, sale([line("5.00")], [{"method": "cash", "amount": "5.00"}], register_id='Theke "A"')
    )
    data = b"".join(
        write_buchungsstapel(bookings, buchungsstapel_header(profile.accounting, profile.id, *MARCH))
    )
    assert b'"Kasse Theke ""A"" Bon' in data
    assert assert_valid_extf(data).rows[0][13].value.startswith('Kasse Theke "A" Bon')


def book(profile, receipt):  # type: ignore[no-untyped-def]
    from belegfluss.accounting.posting import book_event

    return book_event(receipt, profile).bookings


def test_a_character_cp1252_cannot_carry_is_reported_with_its_row_never_written_as_question_mark() -> None:
    profile, _, bookings = example_day("cafe-berlin")
    broken = bookings[:3] + [replace(bookings[3], text="Kasse K1 Bon 1003 ✓")] + bookings[4:]
    header = buchungsstapel_header(profile.accounting, profile.id, *MARCH)
    with pytest.raises(DatevExportError) as caught:
        b"".join(write_buchungsstapel(broken, header))
    assert caught.value.row == 4 and "✓" in str(caught.value)


def test_one_file_never_spans_two_wirtschaftsjahre() -> None:
    cafe, _, _ = example_day("cafe-berlin")  # calendar year
    with pytest.raises(DatevExportError, match="spans two Wirtschaftsjahre"):
        buchungsstapel_header(cafe.accounting, cafe.id, date(2025, 12, 1), date(2026, 1, 31))
    shop, _, _ = example_day("shop-hamburg")  # July to June
    with pytest.raises(DatevExportError, match="spans two Wirtschaftsjahre"):
        buchungsstapel_header(shop.accounting, shop.id, date(2026, 6, 1), date(2026, 7, 31))
    assert buchungsstapel_header(
        shop.accounting, shop.id, date(2025, 12, 1), date(2026, 1, 31)
    ).fiscal_year_start == date(2025, 7, 1)


def test_a_booking_outside_the_files_period_is_refused_with_its_row() -> None:
    profile, _, bookings = example_day("cafe-berlin")
    header = buchungsstapel_header(profile.accounting, profile.id, date(2026, 3, 1), date(2026, 3, 15))
    with pytest.raises(DatevExportError) as caught:
        b"".join(write_buchungsstapel(bookings, header))
    assert (
        caught.value.field == "Belegdatum" and caught.value.row == len(bookings) - 1
    )  # the payout of 16 March


def test_the_writer_streams_pulling_bookings_only_as_it_writes() -> None:
    profile, _, bookings = example_day("cafe-berlin")
    day_bookings = [b for b in bookings if b.document_date == date(2026, 3, 14)]
    pulled = 0

    def endless_day():  # type: ignore[no-untyped-def]
        nonlocal pulled
        while True:
            for booking in day_bookings:
                pulled += 1
                yield booking

    header = buchungsstapel_header(profile.accounting, profile.id, *MARCH)
    chunks = write_buchungsstapel(endless_day(), header, chunk_rows=1000)
    next(chunks)  # header and column names
    first_rows = next(chunks)
    assert first_rows.count(b"\r\n") == 1000 and pulled == 1000
    next(chunks)
    assert pulled == 2000


def test_debitoren_file_lists_customers_with_a_debitor_number() -> None:
    profile = make_profile("SKR04")
    customers = [
        Customer(
            first_name="Jana",
            last_name="Köhler",
            emails=["jana@example.org"],
            debitor_number=10001,
            address={
                "street": "Große Elbstraße",
                "house_number": "12",
                "postcode": "22767",
                "city": "Hamburg",
            },
        ),
        Customer(name="Walk-in without Debitor"),
        Customer(name='Reederei "Nord" GmbH', debitor_number=10002),
    ]
    header = debitoren_kreditoren_header(profile.accounting, date(2026, 3, 31), created_at=CREATED)
    data = b"".join(write_debitoren(customers, header))
    parsed = assert_valid_extf(data)
    assert data.split(b"\r\n")[0].decode("cp1252") == (
        '"EXTF";700;16;"Debitoren/Kreditoren";5;20260401063000123;;"BF";"Belegfluss";"";29098;55003;20260101;4;;;'
        '"";"";;;;"";;"";;;"04";;;"";""'
    )
    assert [(r[0].value, r[1].value, r[3].value, r[4].value, r[6].value) for r in parsed.rows] == [
        ("10001", "", "Köhler", "Jana", "1"),
        ("10002", 'Reederei "Nord" GmbH', "", "", "2"),
    ]
    assert parsed.rows[0][15].value == "Große Elbstraße 12" and parsed.rows[0][32].value == "jana@example.org"
    assert all(len(row) == 254 for row in parsed.rows)


def test_a_debitor_number_of_the_wrong_length_is_refused() -> None:
    profile = make_profile("SKR03")
    header = debitoren_kreditoren_header(profile.accounting, date(2026, 3, 31))
    with pytest.raises(DatevExportError, match="Debitor number 1234 "):
        b"".join(write_debitoren([Customer(name="Kunde", debitor_number=1234)], header))


class TestTheValidatorCatchesBrokenFiles:
    """The validator must fail where DATEV would: each case breaks one rule of a valid file."""

    @pytest.fixture
    def valid(self) -> bytes:
        return export("cafe-berlin")[1]

    def test_lf_line_endings(self, valid: bytes) -> None:
        assert any("CRLF" in p for p in validate_extf(valid.replace(b"\r\n", b"\n")).problems)

    def test_utf8_instead_of_cp1252(self, valid: bytes) -> None:
        assert b"Geb\xfchr" in valid
        utf8 = valid.decode("cp1252").encode("utf-8")
        assert any("UTF-8" in p for p in validate_extf(utf8).problems)

    def test_unpadded_bu_key(self, valid: bytes) -> None:
        assert any("BU-Schl" in p for p in validate_extf(valid.replace(b'"0002"', b'"2"', 1)).problems)

    def test_zero_amount(self, valid: bytes) -> None:
        lines = valid.split(b"\r\n")
        lines[2] = b"0,00" + lines[2][lines[2].index(b";") :]
        assert any("Umsatz" in p for p in validate_extf(b"\r\n".join(lines)).problems)

    def test_unquoted_text_column(self, valid: bytes) -> None:
        assert any("not quoted" in p for p in validate_extf(valid.replace(b';"S";', b";S;", 1)).problems)

    def test_missing_column(self, valid: bytes) -> None:
        lines = valid.split(b"\r\n")
        lines[2] = lines[2][: lines[2].rindex(b";")]
        assert any("124 fields" in p for p in validate_extf(b"\r\n".join(lines)).problems)

    def test_belegfeld_with_a_space(self, valid: bytes) -> None:
        assert any(
            "Belegfeld 1" in p for p in validate_extf(valid.replace(b'"K1/1001"', b'"K1 1001"', 1)).problems
        )

    def test_header_with_the_wrong_format_version(self, valid: bytes) -> None:
        assert any(
            "category" in p
            for p in validate_extf(valid.replace(b'"Buchungsstapel";13', b'"Buchungsstapel";12', 1)).problems
        )
