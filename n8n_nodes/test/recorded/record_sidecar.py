"""Records the sidecar conversations the node pack's tests replay with nock.

Runs the real sidecar app in-process on a fresh SQLite store with the shipped location profiles,
sends the requests the node sends, and writes each request with the sidecar's answer to
`<name>.json` next to this file. Run it again when the sidecar's API changes:

    .venv/bin/python n8n_nodes/test/recorded/record_sidecar.py     (from the repository root)
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Depends
from fastapi.testclient import TestClient

from belegfluss.api.app import create_app
from belegfluss.api.deps import require_key
from belegfluss.api.routers import identity
from belegfluss.settings import Settings

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
PROFILES = REPO / "workflows" / "profiles"
CAFE_DAY = PROFILES / "examples" / "cafe-berlin-2026-03-14.jsonl"
KEY = "bf_record_key_0123456789abcdef0123"
# Headers the node reads; the rest (date, server) would only make the recordings churn.
KEPT_HEADERS = ("content-type", "content-disposition", "retry-after")


def record(client: TestClient, name: str, method: str, path: str, body: Any = None,
           query: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.request(method, path, json=body, params=query)
    headers = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS or k.startswith("x-belegfluss-")}
    answer: dict[str, Any] = {"status": response.status_code, "headers": headers}
    if response.headers.get("content-type", "").startswith("application/json"):
        answer["json"] = response.json()
    else:
        answer["base64"] = base64.b64encode(response.content).decode()
    recording = {"request": {"method": method, "path": path, "query": query, "body": body}, "response": answer}
    (HERE / f"{name}.json").write_text(json.dumps(recording, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return answer


def main() -> None:
    day = [json.loads(line) for line in CAFE_DAY.read_text(encoding="utf-8").splitlines() if line]
    sales = [event for event in day if event.get("type") in (None, "sale", "refund", "void")]
    z_report = next(event for event in day if event.get("type") == "z_report")
    with tempfile.TemporaryDirectory() as workdir:
        profiles = Path(workdir) / "profiles"
        shutil.copytree(PROFILES, profiles)
        app = create_app(Settings(database_url=f"sqlite:///{workdir}/belegfluss.db", bootstrap_key=KEY,
                                  profiles_dir=profiles))
        if not any(getattr(route, "path", "") == "/v1/dedup" for route in app.routes):
            app.include_router(identity.router, dependencies=[Depends(require_key)])
        with TestClient(app, headers={"Authorization": f"Bearer {KEY}"}) as client:
            record_accounting(client, sales, z_report)
            record_identity(client)
            record_delivery(client)


def record_accounting(client: TestClient, sales: list[dict[str, Any]], z_report: dict[str, Any]) -> None:
    unbalanced = {**sales[1], "id": "canonical:cafe-K1-1099", "payments": [{"method": "cash", "amount": "1.00"}]}
    record(client, "book", "POST", "/v1/book", {"profile": "cafe-berlin", "items": [sales[0], unbalanced, sales[2]]})
    client.post("/v1/book", json={"profile": "cafe-berlin", "items": sales})
    period = {"profile": "cafe-berlin", "from": "2026-03-14", "to": "2026-03-14"}
    first = record(client, "datev-period", "POST", "/v1/datev", period)
    record(client, "datev-nothing-to-export", "POST", "/v1/datev", period)
    record(client, "datev-again", "POST", "/v1/datev",
           {"profile": "cafe-berlin", "export_id": first["headers"]["x-belegfluss-export-id"]})

    client.post("/v1/validate", json={"items": sales, "store": True, "profile": "cafe-berlin"})
    short_of_cash = copy.deepcopy(z_report)
    short_of_cash["id"] = "canonical:cafe-K1-Z73-recount"
    short_of_cash["totals_by_payment"][0]["amount"] = "48.60"
    record(client, "reconcile", "POST", "/v1/reconcile", {"profile": "cafe-berlin", "quarantine": True,
                                                          "items": [z_report, short_of_cash, {"type": "z_report"}]})


def record_identity(client: TestClient) -> None:
    family = {"address": {"street": "Lindenstraße", "house_number": "12", "postcode": "50674", "city": "Köln"},
              "emails": ["familie.becker@t-online.de"]}
    lena = {"external_ids": {"sumup": "lena"}, "first_name": "Lena", "last_name": "Becker", **family}
    lara = {"external_ids": {"sumup": "lara"}, "first_name": "Lara", "last_name": "Becker", **family}
    juergen = {"external_ids": {"hubspot": "77"}, "first_name": "Juergen", "last_name": "Mueller",
               "phones": ["+49 221 1234567"]}
    client.post("/v1/dedup", json={"mode": "resolve", "items": [
        {"external_ids": {"sumup": "c-1"}, "first_name": "Jürgen", "last_name": "Müller", "phones": ["0221 1234567"]},
        lena]})
    resolved = record(client, "dedup-resolve", "POST", "/v1/dedup",
                      {"mode": "resolve", "items": [juergen, lara, {"emails": "not-a-list"}]})
    record(client, "dedup-batch", "POST", "/v1/dedup", {"mode": "batch", "items": [
        {"first_name": "Anna", "last_name": "Schulz", "emails": ["anna@schulz.de"]},
        {"first_name": "Peter", "last_name": "Wolf", "phones": ["030 1234567"]},
        {"first_name": "ANNA", "last_name": "Schulz", "emails": [" Anna@Schulz.de "]}]})
    juergen_id = resolved["json"]["results"][0]["golden_id"]
    record(client, "customer-get", "GET", f"/v1/customers/{juergen_id}")
    record(client, "customer-get-unknown", "GET", "/v1/customers/gc_nobody")

    reviews = record(client, "review-list", "GET", "/v1/review", query={"status": "open", "limit": 50, "offset": 0})
    [review] = reviews["json"]["reviews"]
    approved = record(client, "review-approve", "POST", "/v1/review/approve",
                      {"items": [{"review_id": review["review_id"]}, {"review_id": 999999}]})
    survivor = approved["json"]["results"][0]["golden_id"]
    [merged] = {review["golden_id"], review["candidate_golden_id"]} - {survivor}
    record(client, "check-crm-contacts", "POST", "/v1/check/crm-contacts", {"target": "hubspot:cafe-berlin", "items": [
        {"contact_id": "501", "golden_id": survivor}, {"contact_id": "502", "golden_id": merged},
        {"contact_id": "503", "golden_id": "gc_unknown"}, {"contact_id": "504", "golden_id": ""}]})
    record(client, "customer-unmerge", "POST", f"/v1/customers/{survivor}/unmerge", {})
    record(client, "customer-unmerge-nothing", "POST", f"/v1/customers/{survivor}/unmerge", {})

    for name in ("Thomas", "Sabine"):
        client.post("/v1/dedup", json={"items": [{"external_ids": {"sumup": name.lower()}, "first_name": name,
                                                  "last_name": "Wagner", "emails": ["wagners@web.de"]}]})
    [wagner] = client.get("/v1/review").json()["reviews"]
    record(client, "review-reject", "POST", "/v1/review/reject", {"items": [{"review_id": wagner["review_id"]}]})


def record_delivery(client: TestClient) -> None:
    failing = {"target": "hubspot:2", "ok": False, "status": 503, "error": "Service Unavailable"}
    record(client, "delivery-report", "POST", "/v1/delivery/report", {
        "workflow": "POS sale", "node": "Belegfluss", "execution_id": "exec-42", "items": [
            {"target": "hubspot:1", "ok": True, "status": 200, "event_id": "canonical:cafe-K1-1001"}, *[failing] * 4,
            {"target": "hubspot:2", "ok": False}]})
    record(client, "delivery-check", "POST", "/v1/delivery/check", {"items": [
        {"target": "hubspot:1"}, {"target": "hubspot:2"}, {"target": "hubspot:1"}, {"target": ""}]})


if __name__ == "__main__":
    main()
