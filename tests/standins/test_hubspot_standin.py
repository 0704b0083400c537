"""The HubSpot stand-in answers like the documented CRM v3 API, so templates tested against it
run against HubSpot too."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hubspot import create_app

TOKEN = "pat-test-token"


@pytest.fixture
def crm() -> TestClient:
    return TestClient(create_app(TOKEN), headers={"Authorization": f"Bearer {TOKEN}"})


def upsert(crm: TestClient, *inputs: dict) -> dict:
    answer = crm.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": list(inputs)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def note_on(contact_id: str) -> dict:
    return {"properties": {"hs_timestamp": "2025-03-14T08:12:30Z", "hs_note_body": "Purchase"},
            "associations": [{"to": {"id": contact_id},
                              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]}


def test_upsert_by_email_creates_once_then_updates_the_same_contact(crm):
    created = upsert(crm, {"idProperty": "email", "id": "anna@example.de", "properties": {"firstname": "Anna"}})
    updated = upsert(crm, {"idProperty": "email", "id": "ANNA@example.de", "properties": {"lastname": "Schmidt"}})

    assert created["results"][0]["new"] is True
    assert updated["results"][0]["new"] is False
    assert updated["results"][0]["id"] == created["results"][0]["id"]
    contacts = crm.get("/__standin/state").json()["contacts"]
    assert [c["properties"]["lastname"] for c in contacts] == ["Schmidt"]


def test_upsert_by_custom_unique_property(crm):
    first = upsert(crm, {"idProperty": "belegfluss_golden_id", "id": "g-1", "properties": {"email": "a@x.de"}})
    again = upsert(crm, {"idProperty": "belegfluss_golden_id", "id": "g-1", "properties": {"email": "b@x.de"}})

    assert again["results"][0]["id"] == first["results"][0]["id"]


def test_batch_over_hubspots_limit_is_refused(crm):
    inputs = [{"idProperty": "email", "id": f"{n}@x.de", "properties": {}} for n in range(101)]

    answer = crm.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs})

    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"


def test_search_and_paged_list_find_the_contacts(crm):
    for n in range(3):
        upsert(crm, {"idProperty": "email", "id": f"guest{n}@x.de", "properties": {"firstname": f"G{n}"}})

    found = crm.post("/crm/v3/objects/contacts/search", json={
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "guest1@x.de"}]}],
        "properties": ["firstname"]}).json()
    first_page = crm.get("/crm/v3/objects/contacts", params={"limit": 2}).json()
    second_page = crm.get("/crm/v3/objects/contacts",
                          params={"limit": 2, "after": first_page["paging"]["next"]["after"]}).json()

    assert found["total"] == 1 and found["results"][0]["properties"]["firstname"] == "G1"
    assert len(first_page["results"]) == 2 and len(second_page["results"]) == 1
    assert "paging" not in second_page


def test_note_is_associated_with_its_contact_and_refused_for_an_unknown_one(crm):
    contact_id = upsert(crm, {"idProperty": "email", "id": "a@x.de", "properties": {}})["results"][0]["id"]

    created = crm.post("/crm/v3/objects/notes", json=note_on(contact_id))
    refused = crm.post("/crm/v3/objects/notes/batch/create", json={"inputs": [note_on(contact_id), note_on("999")]})

    assert created.status_code == 201
    assert created.json()["associations"]["contacts"]["results"] == [{"id": contact_id, "type": "note_to_contact"}]
    assert refused.status_code == 400
    assert len(crm.get("/__standin/state").json()["notes"]) == 1  # the refused batch wrote nothing


def test_calls_without_the_private_app_token_are_refused(crm):
    answer = crm.get("/crm/v3/objects/contacts", headers={"Authorization": "Bearer wrong"})

    assert answer.status_code == 401
    assert answer.json()["category"] == "INVALID_AUTHENTICATION"


def test_injected_rate_limit_answers_429_with_retry_after_then_recovers(crm):
    crm.post("/__standin/faults", json={"status": 429, "count": 2, "retry_after": 3})

    answers = [crm.get("/crm/v3/objects/contacts") for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "3"
    assert crm.get("/__standin/state").json()["rejected"] == {"GET /crm/v3/objects/contacts": 2}


def test_reset_forgets_contacts_notes_and_faults(crm):
    upsert(crm, {"idProperty": "email", "id": "a@x.de", "properties": {}})
    crm.post("/__standin/faults", json={"status": 503, "count": 5})

    crm.post("/__standin/reset")

    assert crm.get("/crm/v3/objects/contacts").status_code == 200
    assert crm.get("/__standin/state").json()["contacts"] == []


def test_merge_keeps_the_primary_moves_notes_and_keeps_the_other_email(crm):
    primary = upsert(crm, {"idProperty": "email", "id": "anna@example.de",
                           "properties": {"firstname": "Anna"}})["results"][0]["id"]
    other = upsert(crm, {"idProperty": "email", "id": "a.schmidt@example.de",
                         "properties": {"lastname": "Schmidt"}})["results"][0]["id"]
    assert crm.post("/crm/v3/objects/notes", json=note_on(other)).status_code == 201

    merged = crm.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other})

    assert merged.status_code == 200 and merged.json()["id"] == primary
    state = crm.get("/__standin/state").json()
    [contact] = state["contacts"]
    assert contact["properties"]["lastname"] == "Schmidt"
    assert contact["properties"]["hs_additional_emails"] == "a.schmidt@example.de"
    assert state["notes"][0]["associations"]["contacts"]["results"][0]["id"] == primary
    assert state["merges"] == [{"primary": primary, "merged": other}]
    self_merge = crm.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": primary})
    assert self_merge.status_code == 400


def test_batch_update_by_record_id_changes_only_existing_contacts(crm):
    contact = upsert(crm, {"idProperty": "email", "id": "lara@example.de", "properties": {}})["results"][0]["id"]
    updated = crm.post("/crm/v3/objects/contacts/batch/update", json={"inputs": [
        {"id": contact, "properties": {"belegfluss_golden_id": "g-2"}}]})
    assert updated.status_code == 200
    assert crm.get("/__standin/state").json()["contacts"][0]["properties"]["belegfluss_golden_id"] == "g-2"
    missing = crm.post("/crm/v3/objects/contacts/batch/update", json={"inputs": [{"id": "999", "properties": {}}]})
    assert missing.status_code == 404 and missing.json()["category"] == "OBJECT_NOT_FOUND"
