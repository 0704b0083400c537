"""The identity endpoints over HTTP on SQLite and PostgreSQL: dedup (resolve and batch), golden
customers, unmerge and the review queue, as the n8n node and the templates call them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from belegfluss.api.app import create_app
from belegfluss.api.deps import require_key
from belegfluss.api.routers import identity
from belegfluss.settings import Settings

KEY = "bf_test_identity_key_0123456789abcdef"
FAMILY = {"address": {"street": "Lindenstraße", "house_number": "12", "postcode": "50674", "city": "Köln"},
          "emails": ["familie.becker@t-online.de"]}


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url, bootstrap_key=KEY, profiles_dir=tmp_path))
    if not any(getattr(route, "path", "") == "/v1/dedup" for route in app.routes):
        # Until the app registers the identity router itself (see the identity report).
        app.include_router(identity.router, dependencies=[Depends(require_key)])
    with TestClient(app, headers={"Authorization": f"Bearer {KEY}"}) as test_client:
        yield test_client


def dedup(client: TestClient, *items: dict, mode: str = "resolve") -> list[dict]:
    response = client.post("/v1/dedup", json={"items": list(items), "mode": mode})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_dedup_needs_an_api_key(client: TestClient) -> None:
    response = client.post("/v1/dedup", json={"items": []}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_repeat_customer_resolves_to_one_golden_id_and_the_customer_view_shows_both_links(client) -> None:
    [shop] = dedup(client, {"external_ids": {"sumup": "c-1"}, "first_name": "Jürgen", "last_name": "Müller",
                            "phones": ["0221 1234567"]})
    [crm, replay] = dedup(
        client,
        {"external_ids": {"hubspot": "77"}, "first_name": "Juergen", "last_name": "Mueller",
         "phones": ["+49 221 1234567"]},
        {"external_ids": {"sumup": "c-1"}, "first_name": "Jürgen", "last_name": "Müller", "phones": ["0221 1234567"]},
    )
    assert (shop["decision"], crm["decision"]) == ("new", "match")
    assert crm["golden_id"] == replay["golden_id"] == shop["golden_id"] and replay["replay"] is True
    assert any(r["field"] == "total" for r in crm["reasons"]) and crm["score"] >= 14
    view = client.get(f"/v1/customers/{shop['golden_id']}").json()
    assert {(link["system"], link["native_id"]) for link in view["links"]} == {("sumup", "c-1"), ("hubspot", "77")}


def test_one_bad_item_does_not_fail_its_batch(client) -> None:
    good, bad = dedup(client, {"first_name": "Eva", "last_name": "Klein"}, {"emails": "not-a-list"})
    assert good["ok"] is True and good["index"] == 0
    assert bad["ok"] is False and bad["index"] == 1 and bad["errors"][0]["path"] == "$.emails"


def test_batch_mode_clusters_a_crm_export_without_storing_anything(client) -> None:
    results = client.post("/v1/dedup", json={"mode": "batch", "items": [
        {"first_name": "Anna", "last_name": "Schulz", "emails": ["anna@schulz.de"]},
        {"first_name": "Peter", "last_name": "Wolf", "phones": ["030 1234567"]},
        {"first_name": "ANNA", "last_name": "Schulz", "emails": [" Anna@Schulz.de "]},
    ]}).json()
    first, second, third = results["results"]
    assert first["cluster_id"] == third["cluster_id"] != second["cluster_id"]
    assert third["decision"] == "match" and third["matched_index"] == 0 and first["golden_id"] is None
    assert results["clusters"] == [{"cluster_id": first["cluster_id"], "indexes": [0, 2]}]
    assert client.get("/v1/review").json()["total"] == 0


def test_review_approve_merges_and_unmerge_restores_both_customers(client) -> None:
    [lena] = dedup(client, {"external_ids": {"sumup": "lena"}, "first_name": "Lena", "last_name": "Becker", **FAMILY})
    [lara] = dedup(client, {"external_ids": {"sumup": "lara"}, "first_name": "Lara", "last_name": "Becker", **FAMILY})
    assert lara["decision"] == "review"
    before = [client.get(f"/v1/customers/{g}").json() for g in (lena["golden_id"], lara["golden_id"])]
    queue = client.get("/v1/review").json()
    assert queue["total"] == 1 and queue["reviews"][0]["candidate_golden_id"] == lena["golden_id"]
    [approved] = client.post("/v1/review/approve", json={"items": [
        {"review_id": queue["reviews"][0]["review_id"]}]}).json()["results"]
    assert approved["ok"] is True and approved["golden_id"] == lena["golden_id"]
    merged = client.get(f"/v1/customers/{lara['golden_id']}").json()
    assert merged["golden_id"] == lena["golden_id"] and merged["history"][0]["actor"].startswith("key:")
    undone = client.post(f"/v1/customers/{lena['golden_id']}/unmerge", json={}).json()
    assert undone["restored_golden_id"] == lara["golden_id"]
    after = [client.get(f"/v1/customers/{g}").json() for g in (lena["golden_id"], lara["golden_id"])]
    for old, new in zip(before, after):
        assert (new["golden_id"], new["record"], new["links"]) == (old["golden_id"], old["record"], old["links"])
    again = client.post(f"/v1/customers/{lena['golden_id']}/unmerge", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "identity.nothing_to_unmerge"


def test_review_reject_answers_per_item(client) -> None:
    dedup(client, {"external_ids": {"sumup": "tom"}, "first_name": "Thomas", "last_name": "Wagner",
                   "emails": ["wagners@web.de"]})
    dedup(client, {"external_ids": {"sumup": "sabine"}, "first_name": "Sabine", "last_name": "Wagner",
                   "emails": ["wagners@web.de"]})
    [review] = client.get("/v1/review").json()["reviews"]
    rejected, unknown, malformed = client.post("/v1/review/reject", json={"items": [
        {"review_id": review["review_id"]}, {"review_id": 999999}, {"id": "x"}]}).json()["results"]
    assert rejected["ok"] is True and rejected["status"] == "rejected"
    assert unknown["ok"] is False and unknown["errors"][0]["code"] == "identity.unknown_review"
    assert malformed["errors"][0]["code"] == "identity.review_id_missing"
    assert client.get("/v1/review").json()["total"] == 0
    assert client.get("/v1/review", params={"status": "rejected"}).json()["total"] == 1


def test_unknown_golden_id_is_404(client) -> None:
    response = client.get("/v1/customers/gc_nobody")
    assert response.status_code == 404 and response.json()["error"]["code"] == "identity.unknown_golden_id"
