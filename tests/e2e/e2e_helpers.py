"""What the e2e tests look at: the HubSpot stand-in's state, the quarantine, n8n working in the background."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

DEADLINE_S = 60.0


def eventually(check: Callable[[], Any], what: str, timeout: float = DEADLINE_S) -> Any:
    """Polls `check` until it returns something truthy; n8n works after answering the webhook."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def crm_state(hubspot: httpx.Client) -> dict[str, Any]:
    return hubspot.get("/__standin/state").json()


def contacts_by_email(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["properties"]["email"]: c for c in state["contacts"]}


def notes_for(state: dict[str, Any], contact_id: str) -> list[dict[str, Any]]:
    return [n for n in state["notes"]
            if any(a["id"] == contact_id for a in n["associations"]["contacts"]["results"])]


def tickets(sidecar: httpx.Client, **query: Any) -> list[dict[str, Any]]:
    answer = sidecar.get("/v1/quarantine", params={"limit": 1000, **query})
    answer.raise_for_status()
    return answer.json()["tickets"]


def deliver(stack: Any, source: str, body: Any) -> httpx.Response:
    """POSTs a POS payload to the template's production webhook, as a POS would, and waits until
    n8n has finished the execution it started (the webhook answers before the work is done)."""
    import n8n_stack  # put on the path by conftest

    before = len(n8n_stack.executions(stack))
    answer = httpx.post(stack.pos_webhook_url(source), json=body, timeout=30)
    answer.raise_for_status()
    n8n_stack.wait_for_executions(stack, at_least=before + 1, timeout=DEADLINE_S)
    return answer
