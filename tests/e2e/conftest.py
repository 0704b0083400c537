"""End-to-end fixtures: one real stack per session (sidecar, HubSpot stand-in, n8n 2.40.7 with the
packed node pack and the shipped templates imported unchanged), started by `scripts/n8n_stack.py`.

A failing test gets the logs' tails and n8n's failed executions appended to its report.
"""

from __future__ import annotations

import copy
import itertools
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import n8n_stack  # noqa: E402  (a script module, found through the path above)

SUMUP_FIXTURES = REPO / "tests" / "fixtures" / "pos" / "sumup"
# Workflows only the tests import, beside the shipped templates (e.g. one that fails on purpose
# to exercise the error handler).
TEST_WORKFLOWS = sorted((Path(__file__).parent / "workflows").glob("*.json"))


def template_variants(session: pytest.Session, folder: Path) -> list[Path]:
    """The `TEMPLATE_VARIANTS` (e2e_helpers.TemplateVariant) the collected test modules declare, rendered."""
    modules = {item.module for item in session.items if getattr(item, "module", None) is not None}
    return [variant.render(folder) for module in sorted(modules, key=lambda m: m.__name__)
            for variant in getattr(module, "TEMPLATE_VARIANTS", ())]


# Redelivery and circuit breakers on a test's time scale: parked items are due at once, a circuit
# opens for 5 seconds, three failed redeliveries dead-letter a ticket.
FAST_REDELIVERY = {"BELEGFLUSS_REDELIVERY_BASE_SECONDS": "0", "BELEGFLUSS_REDELIVERY_MAX_ATTEMPTS": "3",
                   "BELEGFLUSS_BREAKER_OPEN_SECONDS": "5", "BELEGFLUSS_BREAKER_MAX_OPEN_SECONDS": "10"}


@pytest.fixture(scope="session")
def n8n(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[n8n_stack.StackInfo]:
    variants = template_variants(request.session, tmp_path_factory.mktemp("template-variants"))
    info = n8n_stack.up(tmp_path_factory.mktemp("n8n-stack"), extra_workflows=[*variants, *TEST_WORKFLOWS],
                        sidecar_settings=FAST_REDELIVERY)
    try:
        yield info
    finally:
        n8n_stack.down(Path(info.run_dir))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    stack = getattr(item, "funcargs", {}).get("n8n")
    if report.when == "call" and report.failed and stack is not None:
        report.sections.append(("n8n stack diagnostics", n8n_stack.diagnostics(stack)))


@pytest.fixture
def sidecar(n8n: n8n_stack.StackInfo) -> Iterator[httpx.Client]:
    with n8n.sidecar() as client:
        yield client


@pytest.fixture
def hubspot(n8n: n8n_stack.StackInfo) -> Iterator[httpx.Client]:
    with n8n.hubspot() as client:
        yield client
        client.delete("/__standin/faults")  # no test leaves its injected faults to the next


_receipt_numbers = itertools.count(1)


@pytest.fixture
def sumup_sale() -> Callable[..., dict[str, Any]]:
    """A SumUp card sale for the Berlin café, each with its own transaction code."""
    template = json.loads((SUMUP_FIXTURES / "card_sale_tax_inclusive.json").read_text())

    def make(email: str | None = None, phone: str | None = None) -> dict[str, Any]:
        sale = copy.deepcopy(template)
        sale["id"] = str(uuid.uuid4())
        sale["transaction_code"] = f"E2E{uuid.uuid4().hex[:8].upper()}{next(_receipt_numbers)}"
        if email:
            sale["customer_email"] = email
        if phone:
            sale["customer_phone"] = phone
        return sale

    return make


@pytest.fixture
def unique_email() -> Callable[[str], str]:
    return lambda who: f"{who}.{uuid.uuid4().hex[:8]}@example.de"
