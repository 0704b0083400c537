"""The Kassenabschluss template in a real n8n: the register's Z-report is validated, booked (the Hamburg
shop books daily totals) and reconciled with the day's receipts. A day that agrees stays quiet; a cash
difference above the profile's threshold becomes a quarantine ticket and a Slack-compatible alert."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import call_webhook, crm_state, eventually, tickets

REPO = Path(__file__).resolve().parents[2]
HAMBURG_DAY = REPO / "workflows" / "profiles" / "examples" / "shop-hamburg-2026-03-14.jsonl"
Z_REPORT_WEBHOOK = "belegfluss/z-report"


@pytest.fixture
def hamburg_day(sidecar) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The Hamburg shop's example day on a register of its own: the receipts are stored (as the POS
    template stores them), the Z-report of the day is returned for the register to send."""
    register = f"R{uuid.uuid4().hex[:5].upper()}"
    events = [json.loads(line) for line in HAMBURG_DAY.read_text(encoding="utf-8").splitlines() if line.strip()]
    for event in events:
        event["id"] = f"{event['id']}-{register}"
        event["register_id"] = register
    receipts = [e for e in events if e.get("type", "sale") == "sale"]
    [z_report] = [e for e in events if e.get("type") == "z_report"]
    stored = sidecar.post("/v1/validate", json={"profile": "shop-hamburg", "items": receipts}).json()["results"]
    assert all(r["ok"] and r["stored"] == "new" for r in stored), stored
    return receipts, z_report


def alerts_about(hubspot, z_report: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in crm_state(hubspot)["notifications"] if z_report["id"] in m.get("text", "")]


def booked_before(sidecar, z_report: dict[str, Any]) -> bool:
    answer = sidecar.post("/v1/book", json={"profile": "shop-hamburg", "items": [z_report]}).json()["results"][0]
    return answer["ok"] and answer["stored"] == "duplicate"


def test_z_report_agreeing_with_its_receipts_is_booked_without_alert_or_ticket(n8n, sidecar, hubspot, hamburg_day):
    _, z_report = hamburg_day

    call_webhook(n8n, Z_REPORT_WEBHOOK, z_report)

    assert booked_before(sidecar, z_report)
    assert alerts_about(hubspot, z_report) == []
    assert [t for t in tickets(sidecar) if t.get("event_id") == z_report["id"]] == []


def test_cash_difference_above_threshold_opens_a_ticket_and_alerts_the_team(n8n, sidecar, hubspot, hamburg_day):
    _, z_report = hamburg_day
    short = copy.deepcopy(z_report)  # the register claims 10.00 more cash at 19 % than the receipts hold
    short["totals_by_tax_rate"][0]["gross"] = "153.00"
    short["totals_by_payment"][0]["amount"] = "46.80"

    call_webhook(n8n, Z_REPORT_WEBHOOK, [short])

    assert booked_before(sidecar, short)
    [ticket] = [t for t in tickets(sidecar) if t.get("event_id") == short["id"]]
    assert {e["code"] for e in ticket["errors"]} == {"reconcile.difference"}
    [alert] = eventually(lambda: alerts_about(hubspot, short), "the Slack-compatible alert")
    assert "mismatch" in alert["text"]
    assert "threshold 5.00" in alert["text"]
    assert f"ticket {ticket['id']}" in alert["text"]
    assert "payment cash: 10.00" in alert["text"]


def test_small_difference_within_threshold_alerts_without_a_ticket(n8n, sidecar, hubspot, hamburg_day):
    _, z_report = hamburg_day
    off_by_three = copy.deepcopy(z_report)
    off_by_three["totals_by_tax_rate"][0]["gross"] = "146.00"
    off_by_three["totals_by_payment"][0]["amount"] = "39.80"

    call_webhook(n8n, Z_REPORT_WEBHOOK, off_by_three)

    [alert] = eventually(lambda: alerts_about(hubspot, off_by_three), "the Slack-compatible alert")
    assert "within_threshold" in alert["text"]
    assert "payment cash: 3.00" in alert["text"]
    assert [t for t in tickets(sidecar) if t.get("event_id") == off_by_three["id"]] == []
