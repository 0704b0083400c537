"""The monthly DATEV export template in a real n8n: a booked month ends as an EXTF file in the export
folder that the tax advisor imports as it is; exported bookings are final (Festschreibung), so a
second run of the same month writes nothing, and a receipt booked later comes as the next batch."""

from __future__ import annotations

import json
import uuid
from calendar import monthrange
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from e2e_helpers import TemplateVariant, call_webhook

from tests.extf_validator import ExtfFile, assert_valid_extf

REPO = Path(__file__).resolve().parents[2]
CAFE_DAY = REPO / "workflows" / "profiles" / "examples" / "cafe-berlin-2026-03-14.jsonl"
EXPORT_WEBHOOK = "belegfluss/datev-export-e2e"

# The template as a user sets it up: its export folder inside the folder n8n may write to.
TEMPLATE_VARIANTS = [TemplateVariant(REPO / "workflows" / "monthly-datev-export" / "monthly-datev-export.json", "e2e",
                                     {"Export settings": {"folder": "__FILES_DIR__/datev"}})]


def cafe_day_in(year: int, month: int) -> list[dict[str, Any]]:
    """The café's example day (receipts, refund, Storno, Z-report, payout) moved into the given
    month, under event ids of its own."""
    marker = uuid.uuid4().hex[:6]
    text = (CAFE_DAY.read_text(encoding="utf-8").replace("2026-03-", f"{year:04d}-{month:02d}-")
            .replace('"canonical:cafe-K1-', f'"canonical:{marker}-K1-').replace('"sumup:payout-', f'"sumup:{marker}-'))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def book(sidecar, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = sidecar.post("/v1/book", json={"profile": "cafe-berlin", "items": events})
    answer.raise_for_status()
    results = answer.json()["results"]
    assert all(r["ok"] for r in results), results
    return [booking for r in results for booking in r["bookings"]]


def file_rows(extf: ExtfFile) -> list[tuple[str, ...]]:
    columns = ["Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
               "Belegfeld 1", "Beleginfo - Inhalt 1"]
    return sorted(zip(*(extf.column(name) for name in columns)))


def booking_rows(bookings: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted((b["amount"].replace(".", ","), b["debit_credit"], str(b["account"]), str(b["contra_account"]),
                   b["document_number"], b["event_id"]) for b in bookings)


@pytest.fixture
def export_folder(n8n) -> Path:
    folder = n8n.files_dir / "datev"
    folder.mkdir(exist_ok=True)  # as the README asks: the folder exists before the first run
    return folder


def last_month() -> tuple[int, int]:
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def test_scheduled_run_writes_last_months_bookings_as_a_valid_extf_file(n8n, sidecar, export_folder):
    year, month = last_month()
    bookings = book(sidecar, cafe_day_in(year, month))

    call_webhook(n8n, EXPORT_WEBHOOK, {})  # no period named: last month, as on the 1st at 06:00

    last_day = monthrange(year, month)[1]
    written = export_folder / f"EXTF_Buchungsstapel_cafe-berlin_{year:04d}{month:02d}01_{year:04d}{month:02d}{last_day}.csv"
    assert written.exists(), sorted(p.name for p in export_folder.iterdir())
    extf = assert_valid_extf(written.read_bytes())
    assert file_rows(extf) == booking_rows(bookings)


def test_second_export_of_a_month_writes_nothing_and_a_late_receipt_comes_as_next_batch(n8n, sidecar, export_folder):
    period = {"from": "2025-11-01", "to": "2025-11-30"}
    first_day = cafe_day_in(2025, 11)
    book(sidecar, first_day)
    call_webhook(n8n, EXPORT_WEBHOOK, period)
    first_file = export_folder / "EXTF_Buchungsstapel_cafe-berlin_20251101_20251130.csv"
    assert_valid_extf(first_file.read_bytes())
    files_after_first_export = sorted(export_folder.iterdir())

    call_webhook(n8n, EXPORT_WEBHOOK, period)  # Festschreibung: nothing is left to export

    assert sorted(export_folder.iterdir()) == files_after_first_export
    late_receipt = {**first_day[0], "id": f"{first_day[0]['id']}-late", "receipt_number": "1099"}
    late_bookings = book(sidecar, [late_receipt])

    call_webhook(n8n, EXPORT_WEBHOOK, period)

    next_batch = export_folder / "EXTF_Buchungsstapel_cafe-berlin_20251101_20251130_2.csv"
    assert file_rows(assert_valid_extf(next_batch.read_bytes())) == booking_rows(late_bookings)
