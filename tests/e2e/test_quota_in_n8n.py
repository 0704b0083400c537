"""The sidecar's per-key rate limit as n8n meets it: the workflow key n8n works with may make only
RATE_LIMIT requests per RATE_WINDOW_S, counted together by both replicas (queue-mode stack,
`scripts/queue_stack.py`). A burst of POS webhook calls runs past that; the Belegfluss node is
answered 429 with `Retry-After`, waits as told and tries again, so every sale arrives and no
execution fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import n8n_stack  # on the path through tests/e2e/conftest.py (scripts/)
import queue_stack  # on the path through tests/e2e/conftest.py (scripts/)

RATE_WINDOW_S = 2
# A POS call costs the template two sidecar requests (Take in POS sales, then Report delivered
# sales): BURST_CALLS executions start with more intake calls than the limit allows, and need
# four windows in all. That keeps every request within the node's five attempts: refused
# requests come back together when the next window opens, and there is room for all of them.
RATE_LIMIT = 5
BURST_CALLS = 8
SALES_PER_CALL = 2


@pytest.fixture(scope="module")
def quota_n8n(tmp_path_factory: pytest.TempPathFactory) -> Iterator[queue_stack.QueueStackInfo]:
    info = queue_stack.up(tmp_path_factory.mktemp("quota-stack"), workflow_rate_limit=RATE_LIMIT,
                          sidecar_env={"BELEGFLUSS_RATE_WINDOW_SECONDS": str(RATE_WINDOW_S)})
    try:
        yield info
    finally:
        queue_stack.down(Path(info.run_dir))


def quota_refusals(info: queue_stack.QueueStackInfo) -> int:
    return sum(queue_stack.access_log_statuses(info, replica).get(429, 0) for replica in queue_stack.REPLICAS)


def test_burst_over_the_rate_limit_is_slowed_down_not_lost(quota_n8n, sumup_sale, unique_email):
    calls = [[sumup_sale(email=unique_email(f"burst{n}")) for _ in range(SALES_PER_CALL)] for n in range(BURST_CALLS)]
    refusals_before = quota_refusals(quota_n8n)
    executions_before = len(n8n_stack.executions(quota_n8n, queue_stack.POS_WORKFLOW_ID))

    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(BURST_CALLS) as pool:
        answers = list(pool.map(lambda body: client.post(quota_n8n.pos_webhook_url("sumup"), json=body), calls))

    assert [answer.status_code for answer in answers] == [200] * BURST_CALLS
    try:
        runs = n8n_stack.wait_for_executions(quota_n8n, executions_before + BURST_CALLS, timeout=150,
                                               workflow_id=queue_stack.POS_WORKFLOW_ID)
    except queue_stack.StackError as error:
        raise AssertionError(f"{error}\n{n8n_stack.diagnostics(quota_n8n)}") from error
    runs = runs[executions_before:]
    assert [run["status"] for run in runs] == ["success"] * BURST_CALLS, n8n_stack.diagnostics(quota_n8n)
    refused = quota_refusals(quota_n8n) - refusals_before
    print(f"\n{BURST_CALLS} webhook calls, rate limit {RATE_LIMIT} requests / {RATE_WINDOW_S} s: "
          f"the sidecars answered {refused} times 429; all executions succeeded")
    assert refused > 0, "the burst never reached the rate limit: the test proves nothing"
    with quota_n8n.sidecar() as sidecar:  # the admin key: no rate limit of its own
        missing = [sale["transaction_code"] for call in calls for sale in call
                   if sidecar.get(f"/v1/events/sumup:{sale['transaction_code']}").status_code != 200]
    assert missing == []


def test_the_workflow_key_over_its_limit_is_told_when_to_come_back(quota_n8n):
    workflow_key = httpx.Client(base_url=quota_n8n.sidecar_url, timeout=10,
                                headers={"Authorization": f"Bearer {quota_n8n.workflow_key}"})
    answers = []
    with workflow_key:
        # 2 × limit + 1 requests within one window boundary at most: one of them must be refused.
        while len(answers) < 2 * RATE_LIMIT + 1 and (not answers or answers[-1].status_code != 429):
            answers.append(workflow_key.get("/v1/quarantine", params={"limit": 1}))

    refused = [answer for answer in answers if answer.status_code == 429]
    assert refused, [answer.status_code for answer in answers]
    assert 1 <= int(refused[0].headers["Retry-After"]) <= RATE_WINDOW_S
    assert refused[0].json()["error"]["code"] == "quota.exceeded"
