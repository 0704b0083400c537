"""Line 1 of an EXTF file: the 31 header fields (reference/datev.md §1.2), filled from the profile.

One Buchungsstapel covers one period inside one Wirtschaftsjahr: DATEV dates a row only by TTMM, so
a file spanning two years would put rows in the wrong year. Such a period is refused here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from ..settings import AccountingSettings
from .errors import DatevExportError

HERKUNFT = "BF"
"""Header field 8, two letters naming the producing system (DATEV replaces it with "SV" on import)."""
EXPORTED_BY = "Belegfluss"
BEZEICHNUNG_MAX = 30


@dataclass(frozen=True)
class ExtfHeader:
    category: int
    format_name: str
    format_version: int
    created_at: datetime
    beraternummer: int
    mandantennummer: int
    fiscal_year_start: date
    sachkontenlaenge: int
    chart_code: str
    date_from: date | None = None
    date_to: date | None = None
    label: str = ""
    diktatkuerzel: str = ""
    festschreibung: bool = False

    def line(self) -> str:
        booking_batch = self.category == 21
        created = self.created_at.strftime("%Y%m%d%H%M%S") + f"{self.created_at.microsecond // 1000:03d}"
        fields = [
            '"EXTF"',
            "700",
            str(self.category),
            _quoted(self.format_name),
            str(self.format_version),
            created,
            "",
            _quoted(HERKUNFT),
            _quoted(EXPORTED_BY),
            '""',
            str(self.beraternummer),
            str(self.mandantennummer),
            _yyyymmdd(self.fiscal_year_start),
            str(self.sachkontenlaenge),
            _yyyymmdd(self.date_from),
            _yyyymmdd(self.date_to),
            _quoted(self.label),
            _quoted(self.diktatkuerzel),
            "1" if booking_batch else "",  # Buchungstyp 1 = Finanzbuchführung
            "0" if booking_batch else "",  # Rechnungslegungszweck 0 = unabhängig
            ("1" if self.festschreibung else "0") if booking_batch else "",
            _quoted("EUR") if booking_batch else '""',
            "",
            '""',
            "",
            "",
            _quoted(self.chart_code),
            "",
            "",
            '""',
            '""',
        ]
        assert len(fields) == 31
        return ";".join(fields)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _yyyymmdd(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def buchungsstapel_header(
    settings: AccountingSettings,
    location_id: str,
    date_from: date,
    date_to: date,
    created_at: datetime | None = None,
) -> ExtfHeader:
    if date_from > date_to:
        raise DatevExportError(f"the period starts ({date_from}) after it ends ({date_to})")
    datev = settings.datev
    fiscal_year_start = datev.fiscal_year_start(date_from)
    if date_to > datev.fiscal_year_end(date_from):
        raise DatevExportError(
            f"the period {date_from}–{date_to} spans two Wirtschaftsjahre (the one starting "
            f"{fiscal_year_start} "
            f"ends {datev.fiscal_year_end(date_from)}); export one file per Wirtschaftsjahr"
        )
    return ExtfHeader(
        category=21,
        format_name="Buchungsstapel",
        format_version=13,
        created_at=created_at or datetime.now(timezone.utc),
        beraternummer=datev.beraternummer,
        mandantennummer=datev.mandantennummer,
        fiscal_year_start=fiscal_year_start,
        sachkontenlaenge=datev.sachkontenlaenge,
        chart_code=settings.mapping.chart.datev_code,
        date_from=date_from,
        date_to=date_to,
        label=f"Belegfluss {location_id}"[:BEZEICHNUNG_MAX],
        diktatkuerzel=datev.diktatkuerzel,
        festschreibung=datev.festschreibung,
    )


def debitoren_kreditoren_header(
    settings: AccountingSettings, on: date, created_at: datetime | None = None
) -> ExtfHeader:
    datev = settings.datev
    return ExtfHeader(
        category=16,
        format_name="Debitoren/Kreditoren",
        format_version=5,
        created_at=created_at or datetime.now(timezone.utc),
        beraternummer=datev.beraternummer,
        mandantennummer=datev.mandantennummer,
        fiscal_year_start=datev.fiscal_year_start(on),
        sachkontenlaenge=datev.sachkontenlaenge,
        chart_code=settings.mapping.chart.datev_code,
    )


def buchungsstapel_filename(location_id: str, date_from: date, date_to: date) -> str:
    return f"EXTF_Buchungsstapel_{location_id}_{_yyyymmdd(date_from)}_{_yyyymmdd(date_to)}.csv"
