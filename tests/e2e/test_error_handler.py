"""The error-handler template: a failed execution becomes a quarantine ticket and a Slack-compatible
message, so nobody has to watch n8n's execution list."""

from __future__ import annotations

from typing import Any

import n8n_stack
import pytest
from e2e_helpers import crm_state, deliver, eventually, tickets


@pytest.fixture
def failed_execution(n8n, hubspot, sumup_sale, unique_email) -> dict[str, Any]:
    """A POS execution that failed: HubSpot stayed down longer than the template's retries last."""
    hubspot.post("/__standin/faults", json={"status": 503, "count": 100}).raise_for_status()
    deliver(n8n, "sumup", [sumup_sale(email=unique_email("gustav"))])
    return eventually(lambda: [e for e in n8n_stack.executions(n8n)
                               if e["workflowId"] == "bfPosSaleToCrm01" and e["status"] == "error"],
                      "the failed POS execution")[-1]


def ticket_of(sidecar, execution: dict[str, Any]) -> dict[str, Any]:
    return eventually(lambda: next((t for t in tickets(sidecar, source="n8n")
                                    if t["execution_id"] == str(execution["id"])), None),
                      "the error handler's ticket")


def test_failed_execution_becomes_a_ticket_naming_workflow_node_and_error(n8n, sidecar, failed_execution):
    ticket = ticket_of(sidecar, failed_execution)

    assert ticket["workflow"] == "Belegfluss: POS sale to CRM"
    assert ticket["node"] == "Upsert contacts in HubSpot"
    assert "unavailable" in ticket["reason"].lower()
    assert ticket["payload"]["execution"]["id"] == str(failed_execution["id"])
    assert ticket["payload"]["execution"]["lastNodeExecuted"] == "Upsert contacts in HubSpot"


def test_failed_execution_alerts_the_profiles_webhook_with_slack_json(n8n, sidecar, hubspot, failed_execution):
    ticket = ticket_of(sidecar, failed_execution)

    alert = eventually(lambda: next((m for m in crm_state(hubspot)["notifications"]
                                     if ticket["id"] in m.get("text", "")), None), "the Slack-compatible alert")

    assert "Upsert contacts in HubSpot" in alert["text"]
    assert "Belegfluss: POS sale to CRM" in alert["text"]
