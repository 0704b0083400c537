"""A local stand-in for the HubSpot CRM v3 API subset the Belegfluss templates call.

HubSpot cannot be reached from test machines, so the templates take the CRM base URL from the
location profile and the tests point it here. The stand-in speaks the documented shapes of:

- ``POST /crm/v3/objects/contacts/batch/upsert``  (``idProperty`` email or any unique property)
- ``POST /crm/v3/objects/contacts/batch/update``  (by record id: ``{"inputs": [{"id", "properties"}]}``)
- ``POST /crm/v3/objects/contacts/search``        (filterGroups: OR of groups, AND of filters)
- ``GET  /crm/v3/objects/contacts``               (list, paged with ``after``)
- ``POST /crm/v3/objects/contacts/merge``         (``primaryObjectId`` keeps its values, ``objectIdToMerge`` goes)
- ``POST /crm/v3/objects/notes`` and ``POST /crm/v3/objects/notes/batch/create`` (with associations)
- ``GET  /crm/v3/objects/notes``                  (list, paged)

with private-app-token auth (``Authorization: Bearer <token>``). For the tests it also offers:

- ``GET /__standin/state``    everything it received (contacts, notes, request counts, notifications, merges)
- ``POST /__standin/reset``   forget it all
- ``POST /__standin/faults``  ``{"status": 429, "count": 3, "retry_after": 1}``: the next ``count``
  CRM calls answer ``status`` (429 with ``Retry-After``, or 503), so retry paths are exercised;
  ``DELETE /__standin/faults`` drops the pending ones
- ``POST /__standin/notify``  a Slack-compatible incoming-webhook sink (``{"text": ...}``) for the
  error handler's notification

Run it as a process: ``python tests/standins/hubspot.py --port 0 --token T`` prints
``listening on http://127.0.0.1:<port>`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

BATCH_LIMIT = 100  # HubSpot's documented maximum of inputs per batch call
NOTE_TO_CONTACT = 202  # HUBSPOT_DEFINED association type id: note → contact
DEFAULT_CONTACT_PROPERTIES = ("firstname", "lastname", "email")
ALWAYS_RETURNED = ("createdate", "lastmodifieddate", "hs_object_id")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HubSpotError(Exception):
    """An error answered in HubSpot's error shape."""

    def __init__(self, status: int, message: str, category: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.category, self.headers = status, message, category, headers or {}


class Fault(BaseModel):
    status: int = Field(ge=400, le=599)
    count: int = Field(default=1, ge=1)
    retry_after: int | None = Field(default=None, ge=0)


class CrmObject(BaseModel):
    id: str
    properties: dict[str, Any]
    createdAt: str
    updatedAt: str
    archived: bool = False
    associations: dict[str, Any] | None = None

    def view(self, wanted: list[str] | None) -> dict[str, Any]:
        """The object as HubSpot returns it: only the requested properties plus the default ones."""
        names = list(wanted or DEFAULT_CONTACT_PROPERTIES) + list(ALWAYS_RETURNED)
        shown = {name: self.properties.get(name) for name in names if name in self.properties}
        body = self.model_dump(exclude_none=True)
        body["properties"] = shown
        return body


class UpsertInput(BaseModel):
    idProperty: str = "hs_object_id"
    id: str
    properties: dict[str, Any] = Field(default_factory=dict)
    objectWriteTraceId: str | None = None


class UpdateInput(BaseModel):
    id: str
    properties: dict[str, Any] = Field(default_factory=dict)


class BatchUpdate(BaseModel):
    inputs: list[UpdateInput]


class BatchUpsert(BaseModel):
    inputs: list[UpsertInput]


class MergeInput(BaseModel):
    primaryObjectId: str
    objectIdToMerge: str


class AssociationType(BaseModel):
    associationCategory: str = "HUBSPOT_DEFINED"
    associationTypeId: int


class AssociationTarget(BaseModel):
    id: str | int


class Association(BaseModel):
    to: AssociationTarget
    types: list[AssociationType]


class NoteInput(BaseModel):
    properties: dict[str, Any]
    associations: list[Association] = Field(default_factory=list)


class BatchNotes(BaseModel):
    inputs: list[NoteInput]


class Filter(BaseModel):
    propertyName: str
    operator: str
    value: Any = None
    values: list[Any] | None = None


class FilterGroup(BaseModel):
    filters: list[Filter] = Field(default_factory=list)


class SearchRequest(BaseModel):
    filterGroups: list[FilterGroup] = Field(default_factory=list)
    properties: list[str] | None = None
    limit: int = Field(default=10, ge=1, le=200)
    after: str | None = None


def _matches(obj: CrmObject, condition: Filter) -> bool:
    value = obj.properties.get(condition.propertyName)
    text = None if value is None else str(value)
    match condition.operator:
        case "EQ":
            return text is not None and text.lower() == str(condition.value).lower()
        case "NEQ":
            return text is None or text.lower() != str(condition.value).lower()
        case "IN":
            return text is not None and text.lower() in {str(v).lower() for v in condition.values or []}
        case "HAS_PROPERTY":
            return text not in (None, "")
        case "NOT_HAS_PROPERTY":
            return text in (None, "")
        case "CONTAINS_TOKEN":
            return text is not None and str(condition.value).strip("*").lower() in text.lower()
    raise HubSpotError(400, f"Unsupported filter operator {condition.operator}", "VALIDATION_ERROR")


class CrmState:
    """Everything the stand-in holds; one lock keeps concurrent n8n calls consistent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.ids = itertools.count(1001)
        self.contacts: dict[str, CrmObject] = {}
        self.notes: dict[str, CrmObject] = {}
        self.requests: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.notifications: list[dict[str, Any]] = []
        self.merges: list[dict[str, str]] = []
        self.faults: list[Fault] = []

    def next_fault(self) -> Fault | None:
        if not self.faults:
            return None
        fault = self.faults[0]
        fault.count -= 1
        if fault.count == 0:
            self.faults.pop(0)
        return fault

    def find_contact(self, prop: str, value: str) -> CrmObject | None:
        if prop == "hs_object_id":
            return self.contacts.get(value)
        wanted = value.lower() if prop == "email" else value
        for contact in self.contacts.values():
            current = contact.properties.get(prop)
            if current is not None and (current.lower() if prop == "email" else current) == wanted:
                return contact
        return None

    def create(self, store: dict[str, CrmObject], properties: dict[str, Any]) -> CrmObject:
        object_id, now = str(next(self.ids)), _now()
        props = {**properties, "hs_object_id": object_id, "createdate": now, "lastmodifieddate": now}
        store[object_id] = obj = CrmObject(id=object_id, properties=props, createdAt=now, updatedAt=now)
        return obj

    def create_note(self, note: NoteInput) -> CrmObject:
        targets = []
        for association in note.associations:
            contact_id = str(association.to.id)
            if contact_id not in self.contacts:
                raise HubSpotError(400, f"Contact {contact_id} does not exist", "VALIDATION_ERROR")
            if not any(t.associationTypeId == NOTE_TO_CONTACT for t in association.types):
                raise HubSpotError(400, "Only note → contact associations (202) are supported", "VALIDATION_ERROR")
            targets.append({"id": contact_id, "type": "note_to_contact"})
        if "hs_timestamp" not in note.properties:
            raise HubSpotError(400, "Property hs_timestamp is required for notes", "VALIDATION_ERROR")
        obj = self.create(self.notes, note.properties)
        obj.associations = {"contacts": {"results": targets}}
        return obj

    def merge_contacts(self, primary_id: str, merged_id: str) -> CrmObject:
        """As HubSpot merges: the primary keeps its values and takes only those it lacks; the merged
        contact's e-mail becomes an additional e-mail, its notes move over, and it is gone."""
        primary, merged = self.contacts.get(primary_id), self.contacts.get(merged_id)
        if primary is None or merged is None:
            raise HubSpotError(404, f"Contact {primary_id if primary is None else merged_id} does not exist",
                               "OBJECT_NOT_FOUND")
        if primary is merged:
            raise HubSpotError(400, "A contact cannot be merged with itself", "VALIDATION_ERROR")
        for name, value in merged.properties.items():
            if name not in ALWAYS_RETURNED and primary.properties.get(name) in (None, ""):
                primary.properties[name] = value
        if merged.properties.get("email") and merged.properties["email"] != primary.properties.get("email"):
            known = [e for e in (primary.properties.get("hs_additional_emails") or "").split(";") if e]
            primary.properties["hs_additional_emails"] = ";".join([*known, merged.properties["email"]])
        for note in self.notes.values():
            for target in (note.associations or {}).get("contacts", {}).get("results", []):
                if target["id"] == merged_id:
                    target["id"] = primary_id
        del self.contacts[merged_id]
        primary.updatedAt = primary.properties["lastmodifieddate"] = _now()
        self.merges.append({"primary": primary_id, "merged": merged_id})
        return primary

    def snapshot(self) -> dict[str, Any]:
        return {
            "contacts": [c.model_dump(exclude_none=True) for c in self.contacts.values()],
            "notes": [n.model_dump(exclude_none=True) for n in self.notes.values()],
            "requests": dict(self.requests),
            "rejected": dict(self.rejected),
            "notifications": list(self.notifications),
            "merges": list(self.merges),
        }


def _page(objects: list[CrmObject], after: str | None, limit: int, properties: list[str] | None) -> dict:
    start = int(after or 0)
    page = objects[start : start + limit]
    body: dict[str, Any] = {"results": [o.view(properties) for o in page]}
    if start + limit < len(objects):
        body["paging"] = {"next": {"after": str(start + limit)}}
    return body


def create_app(token: str) -> FastAPI:
    app = FastAPI(title="HubSpot stand-in", docs_url=None, redoc_url=None)
    state = CrmState()
    app.state.crm = state

    @app.exception_handler(HubSpotError)
    async def _hubspot_error(_: Request, error: HubSpotError) -> JSONResponse:
        body = {"status": "error", "message": error.message, "category": error.category,
                "correlationId": "00000000-0000-0000-0000-000000000000"}
        return JSONResponse(body, status_code=error.status, headers=error.headers)

    async def crm_call(request: Request, authorization: str | None = Header(default=None)) -> None:
        """Auth, request counting and injected faults, for every CRM endpoint."""
        key = f"{request.method} {request.url.path}"
        with state.lock:
            state.requests[key] += 1
            if authorization != f"Bearer {token}":
                state.rejected[key] += 1
                raise HubSpotError(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
            fault = state.next_fault()
            if fault:
                state.rejected[key] += 1
        if fault:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            if fault.status == 429:
                raise HubSpotError(429, "You have reached your secondly limit.", "RATE_LIMITS", headers)
            raise HubSpotError(fault.status, "Service unavailable (injected fault)", "SERVICE_UNAVAILABLE", headers)

    crm = [Depends(crm_call)]

    @app.post("/crm/v3/objects/contacts/batch/upsert", dependencies=crm)
    def upsert_contacts(body: BatchUpsert) -> dict:
        if len(body.inputs) > BATCH_LIMIT:
            raise HubSpotError(400, f"Batch size {len(body.inputs)} over the limit of {BATCH_LIMIT}", "VALIDATION_ERROR")
        started, results = _now(), []
        with state.lock:
            for item in body.inputs:
                contact = state.find_contact(item.idProperty, item.id)
                if contact is None:
                    contact = state.create(state.contacts, {**item.properties, item.idProperty: item.id})
                    is_new = True
                else:
                    now = _now()
                    contact.properties.update(item.properties, lastmodifieddate=now)
                    contact.updatedAt, is_new = now, False
                results.append({**contact.view(list(item.properties) + [item.idProperty]), "new": is_new})
        return {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": _now()}

    @app.post("/crm/v3/objects/contacts/batch/update", dependencies=crm)
    def update_contacts(body: BatchUpdate) -> dict:
        if len(body.inputs) > BATCH_LIMIT:
            raise HubSpotError(400, f"Batch size {len(body.inputs)} over the limit of {BATCH_LIMIT}", "VALIDATION_ERROR")
        started, results = _now(), []
        with state.lock:
            missing = [item.id for item in body.inputs if item.id not in state.contacts]
            if missing:
                raise HubSpotError(404, f"Could not get some CONTACT objects, they may be deleted or not exist: "
                                        f"{', '.join(missing)}", "OBJECT_NOT_FOUND")
            for item in body.inputs:
                contact, now = state.contacts[item.id], _now()
                contact.properties.update(item.properties, lastmodifieddate=now)
                contact.updatedAt = now
                results.append(contact.view(list(item.properties)))
        return {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": _now()}

    @app.post("/crm/v3/objects/contacts/search", dependencies=crm)
    def search_contacts(body: SearchRequest) -> dict:
        with state.lock:
            found = [
                c for c in state.contacts.values()
                if not body.filterGroups or any(all(_matches(c, f) for f in g.filters) for g in body.filterGroups)
            ]
        return {"total": len(found), **_page(found, body.after, body.limit, body.properties)}

    @app.get("/crm/v3/objects/contacts", dependencies=crm)
    def list_contacts(limit: int = 10, after: str | None = None, properties: str | None = None) -> dict:
        with state.lock:
            contacts = list(state.contacts.values())
        return _page(contacts, after, min(limit, 100), properties.split(",") if properties else None)

    @app.post("/crm/v3/objects/contacts/merge", dependencies=crm)
    def merge_contacts(body: MergeInput) -> dict:
        with state.lock:
            return state.merge_contacts(body.primaryObjectId, body.objectIdToMerge).view(None)

    @app.post("/crm/v3/objects/notes", dependencies=crm, status_code=201)
    def create_note(body: NoteInput) -> dict:
        with state.lock:
            return state.create_note(body).model_dump(exclude_none=True)

    @app.post("/crm/v3/objects/notes/batch/create", dependencies=crm, status_code=201)
    def create_notes(body: BatchNotes) -> dict:
        if len(body.inputs) > BATCH_LIMIT:
            raise HubSpotError(400, f"Batch size {len(body.inputs)} over the limit of {BATCH_LIMIT}", "VALIDATION_ERROR")
        started = _now()
        with state.lock:
            # HubSpot validates the whole batch before writing: check associations first.
            for note in body.inputs:
                for association in note.associations:
                    if str(association.to.id) not in state.contacts:
                        raise HubSpotError(400, f"Contact {association.to.id} does not exist", "VALIDATION_ERROR")
            results = [state.create_note(note).model_dump(exclude_none=True) for note in body.inputs]
        return {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": _now()}

    @app.get("/crm/v3/objects/notes", dependencies=crm)
    def list_notes(limit: int = 10, after: str | None = None) -> dict:
        with state.lock:
            notes = list(state.notes.values())
        return _page(notes, after, min(limit, 100), ["hs_note_body", "hs_timestamp"])

    @app.get("/__standin/state")
    def inspect() -> dict:
        with state.lock:
            return state.snapshot()

    @app.post("/__standin/reset")
    def reset() -> dict:
        with state.lock:
            state.reset()
        return {"ok": True}

    @app.post("/__standin/faults")
    def add_fault(fault: Fault) -> dict:
        with state.lock:
            state.faults.append(fault)
        return {"ok": True, "pending": [f.model_dump() for f in state.faults]}

    @app.delete("/__standin/faults")
    def clear_faults() -> dict:
        with state.lock:
            state.faults.clear()
        return {"ok": True}

    @app.post("/__standin/notify")
    async def notify(request: Request) -> dict:
        message = await request.json()
        with state.lock:
            state.notifications.append(message)
        return {"ok": True}

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the private app token the stand-in accepts")
    args = parser.parse_args(argv)

    # Bind first, so the printed port is the real one even when 0 was asked for.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)  # connections made before uvicorn runs wait in the backlog
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(create_app(args.token), log_level="warning", access_log=False))
    print(f"listening on http://{host}:{port}", flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
