"""The CRM clean-up template in a real n8n: it reads every HubSpot contact page by page, lets Belegfluss
find the duplicates, and answers with a review report. With "Merge matches" off (as shipped) nothing
is merged; switched on, only the clusters Belegfluss is sure about are merged, never a review pair."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import TemplateVariant, call_webhook, crm_state

REPO = Path(__file__).resolve().parents[2]
CLEANUP_TEMPLATE = REPO / "workflows" / "crm-cleanup" / "crm-cleanup.json"
CLEANUP_WEBHOOK = "belegfluss/crm-cleanup"
CLEANUP_WITH_MERGING_WEBHOOK = "belegfluss/crm-cleanup-merging"

# The template as a user runs it once the report looks right: the switch turned on.
TEMPLATE_VARIANTS = [TemplateVariant(CLEANUP_TEMPLATE, "merging", {"Merge matches": {"merge_matches": True}})]
MERGE_CALL = "POST /crm/v3/objects/contacts/merge"


def digits(count: int) -> str:
    return str(random.randint(10 ** (count - 1), 10**count - 1))


def upsert_contacts(hubspot, token: str, contacts: list[dict[str, str]]) -> list[str]:
    """Creates contacts through the CRM API, in order (HubSpot's batch limit is 100); their ids."""
    ids = []
    for start in range(0, len(contacts), 100):
        inputs = [{"idProperty": "email", "id": c["email"], "properties": c} for c in contacts[start : start + 100]]
        answer = hubspot.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs},
                              headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        ids.extend(result["id"] for result in answer.json()["results"])
    return ids


@dataclass
class CrmWithDuplicates:
    anna: list[str]  # one person, three contacts: the same mobile number written three ways
    jonas: list[str]  # one person, two contacts
    braun: list[str]  # Erik and Eva Braun: the same landline and town, two people → review
    dieter: str  # nobody's duplicate
    emails: dict[str, str]  # contact id → e-mail


@pytest.fixture(scope="module")
def many_contacts(n8n) -> None:
    """More contacts than one page holds, so the clean-up must follow HubSpot's paging."""
    with n8n.hubspot() as hubspot:
        upsert_contacts(hubspot, n8n.hubspot_token, [
            {"email": f"customer{i}.{uuid.uuid4().hex[:8]}@example.org", "firstname": f"Kundin{i}",
             "lastname": uuid.uuid4().hex[:10]} for i in range(120)])


def person(first: str, last: str, email: str, phone: str, **more: str) -> dict[str, str]:
    return {"firstname": first, "lastname": last, "email": email, "phone": phone, **more}


@pytest.fixture
def crm_with_duplicates(n8n, hubspot, many_contacts) -> CrmWithDuplicates:
    tag, mobile, mobile2, landline, postcode = uuid.uuid4().hex[:6], digits(8), digits(8), digits(7), digits(5)
    hamburg = {"zip": postcode, "city": "Hamburg"}
    people = [
        person("Anna", "Schmidt", f"anna.schmidt.{tag}@work.example", f"+49 151 {mobile}"),
        person("Anna", "Schmidt", f"anna.{tag}@home.example", f"0151 {mobile}"),
        person("Anna", "Schmidt", f"a.schmidt.{tag}@example.de", f"0151/{mobile}"),
        person("Jonas", "Becker", f"jonas.{tag}@example.de", f"+49 160 {mobile2}"),
        person("Jonas", "Becker", f"jb.{tag}@mail.example", f"0160 {mobile2}"),
        person("Erik", "Braun", f"erik.{tag}@braun.example", f"+49 171 {landline}", **hamburg),
        person("Eva", "Braun", f"eva.{tag}@braun.example", f"0171 {landline}", **hamburg),
        person("Dieter", "Krause", f"dieter.{tag}@example.de", f"+49 89 {digits(7)}"),
    ]
    ids = upsert_contacts(hubspot, n8n.hubspot_token, people)
    return CrmWithDuplicates(anna=ids[0:3], jonas=ids[3:5], braun=ids[5:7], dieter=ids[7],
                             emails={i: p["email"] for i, p in zip(ids, people, strict=True)})


def clusters_of(report: dict[str, Any]) -> list[set[str]]:
    return [{c["id"] for c in cluster["contacts"]} for cluster in report["match_clusters"]]


def review_pairs_of(report: dict[str, Any]) -> list[set[str]]:
    return [{c["id"] for c in pair["contacts"]} for pair in report["review_pairs"]]


def contact_ids(hubspot) -> set[str]:
    return {c["id"] for c in crm_state(hubspot)["contacts"]}


def test_review_report_lists_duplicates_and_nothing_is_merged_while_the_switch_is_off(
        n8n, hubspot, crm_with_duplicates):
    crm = crm_with_duplicates
    merge_calls_before = crm_state(hubspot)["requests"].get(MERGE_CALL, 0)

    report = call_webhook(n8n, CLEANUP_WEBHOOK, {}).json()

    assert report["contacts_read"] == len(crm_state(hubspot)["contacts"]) > 100  # every page was read
    assert set(crm.anna) in clusters_of(report)
    assert set(crm.jonas) in clusters_of(report)
    assert set(crm.braun) in review_pairs_of(report)
    assert not any(crm.dieter in cluster for cluster in clusters_of(report) + review_pairs_of(report))
    [anna_cluster] = [c for c in report["match_clusters"] if {x["id"] for x in c["contacts"]} == set(crm.anna)]
    assert anna_cluster["primary_id"] == crm.anna[0]  # the oldest contact survives a merge
    assert report["merge_matches"] is False
    assert crm_state(hubspot)["requests"].get(MERGE_CALL, 0) == merge_calls_before
    assert {*crm.anna, *crm.jonas, *crm.braun, crm.dieter} <= contact_ids(hubspot)


def test_switched_on_it_merges_only_the_match_clusters_into_their_oldest_contact(
        n8n, hubspot, crm_with_duplicates):
    crm = crm_with_duplicates

    report = call_webhook(n8n, CLEANUP_WITH_MERGING_WEBHOOK, {}).json()

    assert report["merge_matches"] is True
    state = crm_state(hubspot)
    remaining = {c["id"] for c in state["contacts"]}
    assert crm.anna[0] in remaining and not set(crm.anna[1:]) & remaining
    assert crm.jonas[0] in remaining and crm.jonas[1] not in remaining
    assert {*crm.braun, crm.dieter} <= remaining  # a review pair is for a person to decide
    merged_here = {m["merged"]: m["primary"] for m in state["merges"]
                   if m["primary"] in {crm.anna[0], crm.jonas[0]}}
    assert merged_here == {crm.anna[1]: crm.anna[0], crm.anna[2]: crm.anna[0], crm.jonas[1]: crm.jonas[0]}
    anna = next(c for c in state["contacts"] if c["id"] == crm.anna[0])
    assert anna["properties"]["hs_additional_emails"].split(";") == [crm.emails[i] for i in crm.anna[1:]]
