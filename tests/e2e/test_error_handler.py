"""The error-handler template: a failed execution becomes a quarantine ticket and a Slack-compatible
message, so nobody has to watch n8n's execution list."""

from __future__ import annotations

from typing import Any

import httpx
import n8n_stack
import pytest
from e2e_helpers import crm_state, eventually, tickets

FAILING = "Belegfluss test: fails on purpose"  # tests/e2e/workflows/fails-on-purpose.json


@pytest.fixture
def failed_execution(n8n) -> dict[str, Any]:
    """An execution that failed. (The POS template no longer fails when HubSpot is down: it parks
    the sales for redelivery. So a test workflow fails on purpose, naming the error handler.)"""
    httpx.post(f"{n8n.n8n_url}/webhook/belegfluss/test/fail", json={"try": 1}, timeout=30).raise_for_status()
    return eventually(lambda: [e for e in n8n_stack.executions(n8n)
                               if e["workflowId"] == "bfTestFailsOnPurpose" and e["status"] == "error"],
                      "the failed execution")[-1]


def ticket_of(sidecar, execution: dict[str, Any]) -> dict[str, Any]:
    return eventually(lambda: next((t for t in tickets(sidecar, source="n8n")
                                    if t["execution_id"] == str(execution["id"])), None),
                      "the error handler's ticket")


def test_failed_execution_becomes_a_ticket_naming_workflow_node_and_error(n8n, sidecar, failed_execution):
    ticket = ticket_of(sidecar, failed_execution)

    assert ticket["workflow"] == FAILING
    assert ticket["node"] == "Fail on purpose"
    assert "unavailable" in ticket["reason"].lower()
    assert ticket["payload"]["execution"]["id"] == str(failed_execution["id"])
    assert ticket["payload"]["execution"]["lastNodeExecuted"] == "Fail on purpose"


def test_failed_execution_alerts_the_profiles_webhook_with_slack_json(n8n, sidecar, hubspot, failed_execution):
    ticket = ticket_of(sidecar, failed_execution)

    alert = eventually(lambda: next((m for m in crm_state(hubspot)["notifications"]
                                     if ticket["id"] in m.get("text", "")), None), "the Slack-compatible alert")

    assert "Fail on purpose" in alert["text"]
    assert FAILING in alert["text"]
