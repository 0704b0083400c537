"""Delivery plans for HubSpot: the contacts to upsert and the purchase notes to write, grouped in
batches the size HubSpot's batch endpoints take (100 inputs per call), per delivery target (its
circuit breaker judges the batch as one call) and CRM address.

A contact is keyed by its golden id (custom unique property `belegfluss_golden_id`), so a repeat
customer updates one contact whatever e-mail spelling the POS sent this time; its properties come
from the sale's customer reference, the latest one winning within a batch. A note carries the golden
id it belongs to: the workflow associates it with the contact id HubSpot answers to the upsert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..crm.hubspot import contact_upsert_input, purchase_note
from ..identity.survivorship import GoldenRecord
from ..model.sale import CustomerRef, Sale
from ..store.database import dumps

HUBSPOT_BATCH_LIMIT = 100


@dataclass
class Delivery:
    """One sale bound for a CRM target, its customer resolved to a golden id."""

    sale: Sale
    target: str
    base_url: str
    golden_id: str


@dataclass
class HubSpotPlan:
    """A planning call's answer: one result per input item, and the HubSpot batches to send."""

    results: list[dict[str, Any]]
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"results": self.results, "deliveries": self.deliveries}


@dataclass
class _Batch:
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # golden id → upsert input
    deliveries: list[Delivery] = field(default_factory=list)


def contact_from_sale(golden_id: str, customer: CustomerRef) -> dict[str, Any]:
    """One input of `POST /crm/v3/objects/contacts/batch/upsert`, from what the POS knows: the
    same properties a golden record gives (`crm.hubspot`), so either path writes a contact alike."""
    name = " ".join((customer.name or "").split()) or None
    email = customer.email.strip().lower() if customer.email else None
    return contact_upsert_input(golden_id, GoldenRecord(name=name, email=email, phone=customer.phone))


def plan_batches(deliveries: list[Delivery], limit: int = HUBSPOT_BATCH_LIMIT) -> list[dict[str, Any]]:
    """Batches of at most `limit` contacts and `limit` notes per target and base URL, in input order."""
    open_batches: dict[tuple[str, str], _Batch] = {}
    closed: list[tuple[tuple[str, str], _Batch]] = []
    for delivery in deliveries:
        key = (delivery.target, delivery.base_url)
        batch = open_batches.setdefault(key, _Batch())
        if len(batch.deliveries) == limit:  # notes ≤ limit, so contacts ≤ limit too
            closed.append((key, batch))
            batch = open_batches[key] = _Batch()
        contact = contact_from_sale(delivery.golden_id, delivery.sale.customer or CustomerRef())
        known = batch.contacts.get(delivery.golden_id)
        if known is not None:
            contact["properties"] = {**known["properties"], **contact["properties"]}
        batch.contacts[delivery.golden_id] = contact
        batch.deliveries.append(delivery)
    closed.extend(open_batches.items())
    return [_as_json(target, base_url, batch) for (target, base_url), batch in closed]


def _as_json(target: str, base_url: str, batch: _Batch) -> dict[str, Any]:
    # The upsert body goes out as the text HubSpot takes: n8n then passes a string instead of
    # walking 100 contacts in an expression.
    return {
        "target": target,
        "base_url": base_url,
        "event_ids": [d.sale.id for d in batch.deliveries],
        "upsert_body": dumps({"inputs": list(batch.contacts.values())}),
        "notes": [{"golden_id": d.golden_id, **purchase_note(d.sale)} for d in batch.deliveries],
    }
