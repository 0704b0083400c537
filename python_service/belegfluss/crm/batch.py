"""`POST /v1/map` with a `target`: golden customers → CRM contacts, sales → purchase notes.

An item naming a `golden_id` is a customer (its golden record is read from the identity graph,
following merges); any other item is a sale, bare or as `{"sale": {...}, "contact_id": "..."}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ..identity.survivorship import GoldenRecord
from ..model.errors import schema_errors
from ..model.sale import Sale
from ..store.database import Database
from ..store.identity import current_golden_records
from . import CrmTarget, customer_payload, purchase_payload

Goldens = dict[str, tuple[str, dict[str, Any]]]


def _is_customer(item: Any) -> bool:
    return isinstance(item, dict) and "golden_id" in item


def map_to_crm(database: Database, target: CrmTarget, items: Sequence[Any]) -> list[dict[str, Any]]:
    golden_ids = [str(item["golden_id"]) for item in items if _is_customer(item)]
    goldens = current_golden_records(database, golden_ids)
    return [_map_one(goldens, target, index, item) for index, item in enumerate(items)]


def _map_one(goldens: Goldens, target: CrmTarget, index: int, item: Any) -> dict[str, Any]:
    if _is_customer(item):
        found = goldens.get(str(item["golden_id"]))
        if found is None:
            return {"index": index, "ok": False, "errors": [{
                "code": "identity.unknown_golden_id", "path": "$.golden_id", "value": item["golden_id"],
                "message": f"No golden customer '{item['golden_id']}'"}]}
        golden_id, record = found
        return {"index": index, "ok": True, "kind": "customer", "golden_id": golden_id,
                "payload": customer_payload(target, golden_id, GoldenRecord.model_validate(record))}
    wrapped = isinstance(item, dict) and isinstance(item.get("sale"), dict)
    try:
        sale = Sale.model_validate(item["sale"] if wrapped else item)
    except ValidationError as exc:
        return {"index": index, "ok": False, "errors": [e.model_dump() for e in schema_errors(exc)]}
    contact_id = item.get("contact_id") if wrapped else None
    return {"index": index, "ok": True, "kind": "purchase", "event_id": sale.id,
            "payload": purchase_payload(target, sale, contact_id)}
