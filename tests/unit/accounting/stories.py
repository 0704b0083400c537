"""Builders for the accounting stories: profiles per chart and canonical events, one story each."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

from belegfluss.model import EVENT_ADAPTER, Sale, ZReport
from belegfluss.profiles.model import LocationProfile
from belegfluss.profiles.registry import load_profile_file

PROFILES = Path(__file__).resolve().parents[3] / "workflows" / "profiles"

# The accounts a story expects, by role, as the reference's tables give them per chart.
ACCOUNTS = {
    "SKR03": {
        "cash": 1000,
        "bank": 1200,
        "transit": 1360,
        "rev19": 8400,
        "rev7": 8300,
        "fees": 4970,
        "fremdgeld": 1592,
        "voucher": 1796,
        "surplus": 2700,
        "shortfall": 4900,
    },
    "SKR04": {
        "cash": 1600,
        "bank": 1800,
        "transit": 1460,
        "rev19": 4400,
        "rev7": 4300,
        "fees": 6855,
        "fremdgeld": 1374,
        "voucher": 3786,
        "surplus": 4830,
        "shortfall": 6300,
    },
}

_numbers = itertools.count(4711)


def make_profile(chart: str = "SKR03", location: str = "cafe-berlin", **accounting: Any) -> LocationProfile:
    section: dict[str, Any] = {"datev": {"beraternummer": 29098, "mandantennummer": 55003}}
    section.update(accounting)
    return LocationProfile.model_validate(
        {"id": location, "name": "Test location", "chart": chart, "accounting": section}
    )


def load_example_profile(name: str) -> LocationProfile:
    return load_profile_file(PROFILES / f"{name}.yaml")


def line(price: str, rate: str = "19", quantity: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "name": extra.pop("name", f"Artikel {rate}%"),
        "quantity": quantity,
        "unit_price": price,
        "tax_rate": rate,
        **extra,
    }


def sale(lines: list[dict[str, Any]], payments: list[dict[str, Any]], **overrides: Any) -> Sale:
    number = next(_numbers)
    event: dict[str, Any] = {
        "id": f"canonical:bon-{number}",
        "source": "canonical",
        "location_id": "cafe-berlin",
        "register_id": "K1",
        "receipt_number": str(number),
        "occurred_at": "2026-03-14T09:30:00+01:00",
        "total": "0",
        "lines": lines,
        "payments": payments,
    }
    event.update(overrides)
    parsed = Sale.model_validate(event)
    return parsed.model_copy(update={"total": parsed.lines_total}) if event["total"] == "0" else parsed


def reversal_of(original: Sale, kind: str = "refund", **overrides: Any) -> Sale:
    """The full reversal of a sale: same lines and payments, type refund or void."""
    data = copy.deepcopy(original.model_dump(mode="json"))
    number = next(_numbers)
    data.update(
        {
            "type": kind,
            "id": f"canonical:{kind}-{number}",
            "receipt_number": str(number),
            "original_id": original.id,
            **overrides,
        }
    )
    return Sale.model_validate(data)


def z_report(**overrides: Any) -> ZReport:
    event: dict[str, Any] = {
        "type": "z_report",
        "id": "canonical:z-K1-12",
        "source": "canonical",
        "location_id": "cafe-berlin",
        "register_id": "K1",
        "z_number": 12,
        "business_date": "2026-03-14",
    }
    event.update(overrides)
    parsed = EVENT_ADAPTER.validate_python(event)
    assert isinstance(parsed, ZReport)
    return parsed


def example_day(name: str) -> tuple[LocationProfile, list, list]:
    """The worked example: a location's profile, its sample day's events and all their bookings."""
    from belegfluss.accounting.posting import BOOKABLE_EVENT_ADAPTER, book_event

    profile = load_example_profile(name)
    events = [
        BOOKABLE_EVENT_ADAPTER.validate_json(line)
        for line in (PROFILES / "examples" / f"{name}-2026-03-14.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    bookings = [booking for event in events for booking in book_event(event, profile).bookings]
    return profile, events, bookings
