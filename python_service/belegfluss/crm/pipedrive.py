"""Pipedrive: a golden customer as a person, a sale as a note on that person.

Pipedrive keys custom fields by a hash the account generates; the golden id's field key is
therefore a parameter (the location profile names it). `marketing_status` is sent only as
`subscribed`, and only when the marketing purpose is granted (purpose limitation).
"""

from __future__ import annotations

from typing import Any

from ..identity.survivorship import GoldenRecord
from ..model.sale import Sale
from .notes import purchase_text

DEFAULT_GOLDEN_ID_FIELD = "belegfluss_golden_id"


def person(golden_id: str, record: GoldenRecord, golden_id_field: str = DEFAULT_GOLDEN_ID_FIELD) -> dict[str, Any]:
    name = " ".join(p for p in (record.first_name, record.last_name) if p) or record.name or golden_id
    body: dict[str, Any] = {
        "name": name,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "email": [{"value": e, "primary": e == record.email, "label": "home"} for e in record.emails],
        "phone": [{"value": p, "primary": p == record.phone, "label": "mobile"} for p in record.phones],
        golden_id_field: golden_id,
    }
    marketing = next((c for c in record.consents if c.purpose == "marketing"), None)
    if marketing is not None and marketing.granted:
        body["marketing_status"] = "subscribed"
    return {key: value for key, value in body.items() if value not in (None, [])}


def purchase_note(sale: Sale, person_id: str | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"content": purchase_text(sale), "add_time": sale.occurred_at.strftime("%Y-%m-%d %H:%M:%S")}
    if person_id:
        note["person_id"] = int(person_id) if person_id.isdigit() else person_id
    return note
