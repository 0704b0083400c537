"""The identity endpoints over HTTP on SQLite and PostgreSQL: dedup (resolve and batch), golden
customers, unmerge and the review queue, as the n8n node and the templates call them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import start_sidecar, stop_sidecar

FAMILY = {"address": {"street": "Lindenstraße", "house_number": "12", "postcode": "50674", "city": "Köln"},
          "emails": ["familie.becker@t-online.de"]}


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    """A real sidecar on an empty identity graph (SQLite and PostgreSQL), so decisions start from `new`."""
    sidecar = start_sidecar(database_url, tmp_path)
    yield sidecar.client
    stop_sidecar(sidecar)


def dedup(client: httpx.Client, *items: dict, mode: str = "resolve") -> list[dict]:
    response = client.post("/v1/dedup", json={"items": list(items), "mode": mode})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_dedup_needs_an_api_key(client: httpx.Client) -> None:
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


def test_map_to_hubspot_upserts_by_golden_id_and_sends_consent_only_when_granted(client) -> None:
    granted = {"purpose": "marketing", "granted": True, "timestamp": "2025-03-01T10:00:00+01:00", "source": "shop"}
    [anna] = dedup(client, {"first_name": "Anna", "last_name": "Schulz", "emails": ["anna.schulz@example.org"],
                            "consents": [granted]})
    [bert] = dedup(client, {"first_name": "Bert", "last_name": "Vogel", "emails": ["bert.vogel@example.org"]})
    sale = {"id": "canonical:note-1", "source": "canonical", "location_id": "cafe-berlin", "register_id": "K1",
            "receipt_number": "1", "occurred_at": "2025-03-14T09:30:00+01:00", "total": "3.80",
            "lines": [{"name": "Kaffee", "unit_price": "3.80", "tax_rate": "19"}],
            "payments": [{"method": "cash", "amount": "3.80"}]}
    answers = client.post("/v1/map", json={"target": "hubspot", "items": [
        {"golden_id": anna["golden_id"]}, {"golden_id": bert["golden_id"]},
        {"sale": sale, "contact_id": "501"}, {"golden_id": "g_nobody"}]}).json()["results"]

    anna_contact, bert_contact, note, unknown = answers
    assert anna_contact["payload"]["idProperty"] == "belegfluss_golden_id"
    assert anna_contact["payload"]["id"] == anna["golden_id"]
    assert anna_contact["payload"]["properties"]["email"] == "anna.schulz@example.org"
    consent_keys = {key for key in anna_contact["payload"]["properties"] if "consent" in key or "marketing" in key}
    assert consent_keys and not consent_keys & set(bert_contact["payload"]["properties"])
    assert note["kind"] == "purchase" and "Kaffee" in str(note["payload"])
    assert not unknown["ok"] and unknown["errors"][0]["code"] == "identity.unknown_golden_id"


def test_crm_contacts_pointing_at_a_merged_golden_id_are_found_and_the_repointing_audited(client) -> None:
    [lena] = dedup(client, {"external_ids": {"sumup": "lena"}, "first_name": "Lena", "last_name": "Becker", **FAMILY})
    [lara] = dedup(client, {"external_ids": {"sumup": "lara"}, "first_name": "Lara", "last_name": "Becker", **FAMILY})
    [review] = client.get("/v1/review").json()["reviews"]
    client.post("/v1/review/approve", json={"items": [{"review_id": review["review_id"]}]})

    answers = client.post("/v1/check/crm-contacts", json={"target": "hubspot:cafe-berlin", "items": [
        {"contact_id": "501", "golden_id": lena["golden_id"]},
        {"contact_id": "502", "golden_id": lara["golden_id"]},
        {"contact_id": "503", "golden_id": "g_unknown"},
        {"contact_id": "504"}]}).json()["results"]

    current, stale, unknown, malformed = answers
    assert (current["stale"], current["current_golden_id"]) == (False, lena["golden_id"])
    assert (stale["stale"], stale["current_golden_id"]) == (True, lena["golden_id"])
    assert unknown["current_golden_id"] is None and unknown["ticket_id"].startswith("q_")
    assert malformed["ok"] is False and malformed["errors"][0]["path"] == "$.golden_id"
    [entry] = client.get("/v1/audit", params={"subject": "hubspot:cafe-berlin:502"}).json()["entries"]
    assert entry["action"] == "crm_contact_repointed" and entry["details"]["to"] == lena["golden_id"]
