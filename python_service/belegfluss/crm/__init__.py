"""CRM targets: a golden customer as a HubSpot contact or a Pipedrive person, and a sale as a
purchase note. Pure functions over canonical models; the templates send what they return."""

from __future__ import annotations

from typing import Any, Literal

from ..identity.survivorship import GoldenRecord
from ..model.sale import Sale
from . import hubspot, pipedrive

CrmTarget = Literal["hubspot", "pipedrive"]
TARGETS: tuple[CrmTarget, ...] = ("hubspot", "pipedrive")


def customer_payload(target: CrmTarget, golden_id: str, record: GoldenRecord) -> dict[str, Any]:
    if target == "hubspot":
        return hubspot.contact_upsert_input(golden_id, record)
    return pipedrive.person(golden_id, record)


def purchase_payload(target: CrmTarget, sale: Sale, crm_contact_id: str | None = None) -> dict[str, Any]:
    if target == "hubspot":
        return hubspot.purchase_note(sale, crm_contact_id)
    return pipedrive.purchase_note(sale, crm_contact_id)
