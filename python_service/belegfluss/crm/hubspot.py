"""HubSpot: a golden customer as a contact (upserted by the golden id) and a sale as a note.

The golden id lives in a custom contact property (`belegfluss_golden_id`, unique) that the
batch-upsert call names as `idProperty`, so a repeat customer updates one contact and never
creates a second. Marketing consent is sent only when the marketing purpose is granted: an absent
or refused consent sends nothing (purpose limitation), it never writes "false" over a CRM opt-in
collected elsewhere.
"""

from __future__ import annotations

from typing import Any

from ..identity.survivorship import GoldenRecord
from ..model.sale import Sale
from .notes import purchase_text

GOLDEN_ID_PROPERTY = "belegfluss_golden_id"
MARKETING_CONSENT_PROPERTY = "belegfluss_marketing_consent"
NOTE_TO_CONTACT = 202  # HUBSPOT_DEFINED association type: note → contact


def contact_properties(golden_id: str, record: GoldenRecord) -> dict[str, str]:
    address = record.address
    properties = {
        GOLDEN_ID_PROPERTY: golden_id,
        "firstname": record.first_name or _split(record.name)[0],
        "lastname": record.last_name or _split(record.name)[1],
        "email": record.email,
        "phone": record.phone,
        "address": " ".join(p for p in (address.street, address.house_number) if p) if address else None,
        "zip": address.postcode if address else None,
        "city": address.city if address else None,
        "country": address.country if address else None,
        "date_of_birth": record.birth_date.isoformat() if record.birth_date else None,
    }
    marketing = next((c for c in record.consents if c.purpose == "marketing"), None)
    if marketing is not None and marketing.granted:
        properties[MARKETING_CONSENT_PROPERTY] = "true"
        properties["belegfluss_marketing_consent_date"] = marketing.timestamp.isoformat()
    return {key: value for key, value in properties.items() if value}


def contact_upsert_input(golden_id: str, record: GoldenRecord) -> dict[str, Any]:
    """One input of `POST /crm/v3/objects/contacts/batch/upsert`."""
    return {"idProperty": GOLDEN_ID_PROPERTY, "id": golden_id, "properties": contact_properties(golden_id, record)}


def purchase_note(sale: Sale, contact_id: str | None = None) -> dict[str, Any]:
    """One input of `POST /crm/v3/objects/notes/batch/create`, associated with the contact if known."""
    note: dict[str, Any] = {"properties": {"hs_timestamp": sale.occurred_at.isoformat(),
                                           "hs_note_body": purchase_text(sale)}}
    if contact_id:
        note["associations"] = [{"to": {"id": contact_id}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_CONTACT}]}]
    return note


def _split(name: str | None) -> tuple[str | None, str | None]:
    if not name:
        return None, None
    first, _, last = name.strip().rpartition(" ")
    return (first or None), last
