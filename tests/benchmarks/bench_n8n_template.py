"""Benchmark: POS sales through a real n8n, with the Belegfluss node pack vs. without it.

Both paths do the same work for every sale (map the SumUp payload, validate and store it, book it,
resolve the customer to a golden id, check the CRM's circuit, upsert the contact in HubSpot by golden
id, write a purchase note, report the delivery) in the same n8n, against the same sidecar and
stand-in, fed the same way (webhook calls carrying many sales each):

(a) the shipped template `workflows/pos-sale-to-crm`: Take in POS sales sends the sales of an
    execution to the sidecar in one call per 500 (map, validate, store, book, resolve, circuit),
    and the CRM step flows as one item per HubSpot batch of 100 (upsert, notes, one report);
(b) `n8n_per_item_baseline.json`: what an n8n user builds without the pack, an HTTP Request node
    calling the sidecar (and HubSpot) once per item.

Run:  /tmp/bfvenv/bin/python tests/benchmarks/bench_n8n_template.py [--sales 5000] [--per-call 500]
Throughput = sales / (first webhook call → last execution finished), from n8n's own execution records.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import n8n_stack  # noqa: E402

BASELINE = Path(__file__).with_name("n8n_per_item_baseline.json")
SALE_TEMPLATE = REPO / "tests" / "fixtures" / "pos" / "sumup" / "card_sale_tax_inclusive.json"
BASELINE_WEBHOOK = "bench/per-item"
DISTINCT_CUSTOMERS = 1000


@dataclass
class Outcome:
    path: str
    sales: int
    calls: int
    seconds: float
    stored: int
    notes: int

    @property
    def sales_per_second(self) -> float:
        return self.sales / self.seconds


def make_sales(count: int, tag: str) -> list[dict[str, Any]]:
    template = json.loads(SALE_TEMPLATE.read_text())
    sales = []
    for number in range(count):
        sale = copy.deepcopy(template)
        sale["id"] = f"{tag}-{number}"
        sale["transaction_code"] = f"{tag}{number:06d}"
        sale["customer_email"] = f"guest{number % DISTINCT_CUSTOMERS}.{tag.lower()}@example.de"
        sales.append(sale)
    return sales


def _finished_at(execution: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(execution["stoppedAt"])


def run_path(info: n8n_stack.StackInfo, path: str, url: str, sales: list[dict[str, Any]], per_call: int,
             workflow_id: str) -> Outcome:
    def runs_of_this_path() -> list[dict[str, Any]]:
        # Other templates run on schedules (redelivery every minute): count only this path's workflow.
        return [run for run in n8n_stack.executions(info) if run["workflowId"] == workflow_id]

    before = len(runs_of_this_path())
    calls = [sales[start : start + per_call] for start in range(0, len(sales), per_call)]
    started = time.time()
    with httpx.Client(timeout=120) as client, ThreadPoolExecutor(max_workers=4) as pool:
        for answer in pool.map(lambda body: client.post(url, json=body), calls):
            answer.raise_for_status()
    deadline = time.monotonic() + 1800
    while len(runs := runs_of_this_path()) < before + len(calls) or any(
            r["status"] in ("new", "running", "waiting") for r in runs):
        if time.monotonic() > deadline:
            raise SystemExit(f"{path}: only {len(runs) - before} of {len(calls)} executions finished")
        time.sleep(1)
    runs = runs[before:]
    failed = [run for run in runs if run["status"] != "success"]
    if failed:
        raise SystemExit(f"{path}: executions failed: {failed}\n{n8n_stack.diagnostics(info)}")
    # n8n stores times in UTC without a zone; compare with the first call in the same clock.
    first_call = datetime.fromtimestamp(started, UTC).replace(tzinfo=None)
    seconds = (max(_finished_at(run) for run in runs) - first_call).total_seconds()
    with info.sidecar() as sidecar, info.hubspot() as hubspot:
        stored = sidecar.get("/v1/events", params={"limit": 1}).json()["total"]
        notes = len(hubspot.get("/__standin/state").json()["notes"])
        hubspot.post("/__standin/reset")
    return Outcome(path, len(sales), len(calls), seconds, stored, notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=5000)
    parser.add_argument("--per-call", type=int, default=500, help="sales per webhook call")
    args = parser.parse_args(argv)

    run_dir = Path(tempfile.mkdtemp(prefix="belegfluss-bench-"))
    print(f"Starting sidecar, HubSpot stand-in and n8n in {run_dir} ...", flush=True)
    info = n8n_stack.up(run_dir, extra_workflows=[BASELINE], n8n_log_level="warn")
    try:
        template = run_path(info, "(a) template, Belegfluss batching", info.pos_webhook_url("sumup"),
                            make_sales(args.sales, "BATCH"), args.per_call, "bfPosSaleToCrm01")
        stored_before = template.stored
        baseline = run_path(info, "(b) HTTP Request per item", f"{info.n8n_url}/webhook/{BASELINE_WEBHOOK}",
                            make_sales(args.sales, "ITEM"), args.per_call, "bfBenchPerItem01")
        baseline.stored -= stored_before
    finally:
        n8n_stack.down(run_dir)

    print(f"\n{'path':38} {'sales':>6} {'calls':>6} {'seconds':>8} {'sales/s':>9} {'stored':>7} {'notes':>6}")
    for outcome in (template, baseline):
        print(f"{outcome.path:38} {outcome.sales:>6} {outcome.calls:>6} {outcome.seconds:>8.1f} "
              f"{outcome.sales_per_second:>9.1f} {outcome.stored:>7} {outcome.notes:>6}")
    print(f"\n(a) / (b): {template.sales_per_second / baseline.sales_per_second:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
