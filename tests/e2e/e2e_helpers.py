"""What the e2e tests look at: the HubSpot stand-in's state, the quarantine, n8n working in the background."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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


def notes_per_receipt(state: dict[str, Any]) -> Counter[str]:
    """The stand-in's purchase notes, counted by the receipt number they name ("Purchase <number> at …")."""
    return Counter(note["properties"]["hs_note_body"].split()[1] for note in state["notes"])


def stored_event_ids(sidecar: httpx.Client) -> list[str]:
    """Every event id the sidecar stored, page by page."""
    ids: list[str] = []
    while True:
        page = sidecar.get("/v1/events", params={"limit": 1000, "offset": len(ids)})
        page.raise_for_status()
        events = page.json()["events"]
        if not events:
            return ids
        ids.extend(event["id"] for event in events)


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

    return call_webhook(stack, n8n_stack.POS_WEBHOOK_PATH, body, params={"source": source})


def call_webhook(stack: Any, path: str, body: Any, params: dict[str, str] | None = None) -> httpx.Response:
    """POSTs to a template's production webhook and waits until n8n has finished the execution it
    started (a webhook may answer before the work is done)."""
    import n8n_stack  # put on the path by conftest

    before = len(n8n_stack.executions(stack))
    answer = httpx.post(f"{stack.n8n_url}/webhook/{path}", params=params, json=body, timeout=60)
    answer.raise_for_status()
    n8n_stack.wait_for_executions(stack, at_least=before + 1, timeout=DEADLINE_S)
    return answer


@dataclass(frozen=True)
class TemplateVariant:
    """A shipped template as a user adapts it in the editor: values of its Set nodes changed
    (`{"Merge matches": {"merge_matches": True}}`). It runs beside the original under its own id,
    name and webhook paths (`<path>-<suffix>`). Values may name the stack's placeholders
    (`__FILES_DIR__`). A test module lists its variants in `TEMPLATE_VARIANTS`; the stack imports them."""

    template: Path
    suffix: str
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def render(self, folder: Path) -> Path:
        workflow = json.loads(self.template.read_text())
        workflow["id"] = f"{workflow['id']}{self.suffix}"[:36]
        workflow["name"] = f"{workflow['name']} ({self.suffix})"
        nodes = {node["name"]: node for node in workflow["nodes"]}
        for node_name, values in self.values.items():
            assignments = {a["name"]: a for a in nodes[node_name]["parameters"]["assignments"]["assignments"]}
            for name, value in values.items():
                assignments[name]["value"] = value
        for node in workflow["nodes"]:
            if node["type"] == "n8n-nodes-base.webhook":
                node["parameters"]["path"] = f"{node['parameters']['path']}-{self.suffix}"
                node["webhookId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{node['webhookId']}/{self.suffix}"))
        target = folder / f"{self.template.stem}-{self.suffix}.json"
        target.write_text(json.dumps(workflow))
        return target


def close_circuit(sidecar: httpx.Client, target: str, timeout: float = 30.0) -> None:
    """Brings a delivery target's circuit breaker to `closed` with no failures counted, as after a
    healthy delivery: waits out an open circuit, takes the half-open probe and reports it good."""

    def closed() -> bool:
        decision = sidecar.post("/v1/delivery/check", json={"items": [{"target": target}]}).json()["results"][0]
        if decision["allowed"]:  # closed, or this check holds the probe after an outage
            sidecar.post("/v1/delivery/report", json={"items": [{"target": target, "ok": True}]}).raise_for_status()
            return True
        return False

    eventually(closed, f"the circuit of {target} to close", timeout)
