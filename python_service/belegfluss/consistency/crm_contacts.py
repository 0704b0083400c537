"""The fifth correction job: CRM contacts that still point at a golden customer which has since
been merged into another. The CRM is read by the workflow (the sidecar cannot reach it); the
sidecar answers, per contact, the golden id it should carry now.

A stale contact is fixed by the workflow (it updates the contact's golden-id property) and the
sidecar records the repointing in the audit trail; a contact naming a golden id the graph does
not know becomes a ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..model.errors import schema_errors
from ..store import audit
from ..store import quarantine as quarantine_store
from ..store.database import Database
from ..store.identity import golden_holders


class CrmContact(BaseModel):
    contact_id: str = Field(min_length=1, description="The contact's id in the CRM")
    golden_id: str = Field(min_length=1, description="The golden id the contact carries (belegfluss_golden_id)")


def check_crm_contacts(database: Database, target: str, items: Sequence[Any]) -> list[dict[str, Any]]:
    """One answer per item; the whole batch in one read of the graph, one write of tickets and one
    of audit entries."""
    answers: dict[int, dict[str, Any]] = {}
    contacts: dict[int, CrmContact] = {}
    for index, raw in enumerate(items):
        try:
            contacts[index] = CrmContact.model_validate(raw)
        except ValidationError as exc:
            answers[index] = {"index": index, "ok": False, "errors": [e.model_dump() for e in schema_errors(exc)]}
    with database.connect() as connection:
        holders = golden_holders(connection, [contact.golden_id for contact in contacts.values()])
    unknown: list[int] = []
    repointed: list[audit.Entry] = []
    for index, contact in contacts.items():
        current = holders[contact.golden_id][0] if contact.golden_id in holders else None
        answers[index] = {"index": index, "ok": True, "contact_id": contact.contact_id,
                          "golden_id": contact.golden_id, "current_golden_id": current,
                          "stale": current is not None and current != contact.golden_id}
        if current is None:
            unknown.append(index)
        elif answers[index]["stale"]:
            repointed.append(audit.Entry("belegfluss check", "crm_contact_repointed", f"{target}:{contact.contact_id}",
                                         {"from": contact.golden_id, "to": current,
                                          "reason": "the golden customer was merged; the workflow updates the contact"}))
    tickets = quarantine_store.add_tickets(database, [_unknown_golden_id_ticket(target, contacts[i]) for i in unknown])
    for index, (ticket_id, _created) in zip(unknown, tickets, strict=True):
        answers[index]["ticket_id"] = ticket_id
    audit.append_all(database, repointed)
    return [answers[index] for index in range(len(items))]


def _unknown_golden_id_ticket(target: str, contact: CrmContact) -> quarantine_store.NewTicket:
    message = (f"CRM contact {contact.contact_id} at {target} carries golden id {contact.golden_id}, "
               f"which the identity graph does not know")
    return quarantine_store.NewTicket(
        stage="check", source="check", reason=message,
        payload={"check": "crm_contact_golden_id", "target": target, **contact.model_dump()},
        errors=[{"code": "check.crm_contact_unknown_golden_id", "path": "$.golden_id",
                 "message": message, "value": contact.golden_id}])
