"""Benchmark: sustained POS webhook load on n8n in queue mode vs. the single-instance stack.

Both stacks run the shipped POS → CRM template unchanged, one after the other in the same run (this
machine's CPUs are shared by every process): first `scripts/n8n_stack.py` (one n8n, one sidecar,
SQLite), then `scripts/queue_stack.py` (n8n main + webhook processor + two workers on Redis and
PostgreSQL, two sidecar replicas behind HAProxy). An asyncio load generator on loopback offers
`--rate` sales/s for `--seconds`, `--per-call` sales per webhook call (batching is the lever: n8n's
cost is per execution, the node's per request), then waits for n8n to drain (bounded).

Printed per stack:
- webhook: accepted sales/s while offering load, latency p50/p95/p99 of the webhook's answer,
  error rate (answers other than 200, timeouts, refused connections);
- end to end: processed sales/s (first call → last execution finished, from n8n's records),
  execution time p50/p95, failed executions, lost and doubled sales (in the store and as CRM notes);
- the sidecar's share, twice: of n8n's node time (n8n's own per-node timing of a sample of
  executions: Belegfluss nodes vs. HTTP Request nodes calling HubSpot), and of the CPU time the
  stack's processes used (from /proc: n8n, sidecar, other), as milliseconds of CPU per sale.

Run:  .venv/bin/python tests/benchmarks/bench_load_queue_mode.py [--seconds 15] [--rate 1500]
      [--per-call 500] [--stacks single,queue]
Goal (issue 6): the queue-mode stack processes at least 1,000 sales/s with zero losses. The load
offered by default is half as much again: a stack offered exactly 1,000 sales/s processes less than
that, whatever its capacity, since the last call's execution ends after the load does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when run with `python -m`
sys.path.insert(0, str(REPO / "tests" / "e2e"))  # what the e2e tests read of the stand-in and the sidecar

import n8n_stack
import queue_stack
from bench_n8n_template import make_sales
from e2e_helpers import crm_state, notes_per_receipt, stored_event_ids

TEMPLATE = REPO / "workflows" / "pos-sale-to-crm" / "pos-sale-to-crm.json"
BELEGFLUSS_NODE_TYPE = "n8n-nodes-belegfluss.belegfluss"
HTTP_REQUEST_NODE_TYPE = "n8n-nodes-base.httpRequest"
SETTLE_S = 3.0
TIMING_SAMPLE = 40  # executions whose per-node timing is read (their run data is large)


@dataclass
class LoadResult:
    offered_calls: int
    accepted: list[int]  # indexes of the calls answered 200
    latencies_s: list[float]
    errors: Counter[str]
    started_at: float
    seconds: float


@dataclass
class StackResult:
    stack: str
    load: LoadResult
    sales_per_call: int
    processed_seconds: float
    execution_seconds: list[float]
    failed_executions: int
    lost_in_store: int
    doubled_in_crm: int
    lost_in_crm: int
    stored_sales: int  # this run's sales in the store, of accepted calls or not
    cpu_seconds: Counter[str]  # n8n / sidecar / other (stand-in, proxy) during load and drain
    node_ms: Counter[str]  # node name → milliseconds, over the sampled executions
    sampled_sales: int

    @property
    def sidecar_share(self) -> float:
        return self._share(BELEGFLUSS_NODE_TYPE)

    @property
    def crm_share(self) -> float:
        return self._share(HTTP_REQUEST_NODE_TYPE)

    def _share(self, node_type: str) -> float:
        types = node_types()
        return sum(ms for node, ms in self.node_ms.items() if types.get(node) == node_type) / max(
            1, sum(self.node_ms.values()))

    @property
    def accepted_calls(self) -> int:
        return len(self.load.latencies_s)

    @property
    def accepted_sales_per_second(self) -> float:
        return self.accepted_calls * self.sales_per_call / self.load.seconds

    @property
    def processed_sales_per_second(self) -> float:
        """Stored sales per second: a call the webhook did not answer in time may still have run."""
        return self.stored_sales / self.processed_seconds

    @property
    def error_rate(self) -> float:
        return sum(self.load.errors.values()) / max(1, self.load.offered_calls)


def cpu_seconds_by_component(pids: dict[str, int]) -> Counter[str]:
    """CPU seconds used so far by each started process and its children (its process group: the
    stack starts each in a session of its own), grouped as n8n / sidecar / other. PostgreSQL and
    Redis are shared machine services and not counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    component_of = {pid: "n8n" if name.startswith("n8n") else "sidecar" if name.startswith("sidecar") else "other"
                    for name, pid in pids.items()}
    used: Counter[str] = Counter()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        process_group, user, system = int(fields[2]), int(fields[11]), int(fields[12])
        if process_group in component_of:
            used[component_of[process_group]] += (user + system) / ticks
    return used


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def offer_load(url: str, calls: list[list[dict[str, Any]]], calls_per_second: float,
                     max_in_flight: int) -> LoadResult:
    """Open loop: call i starts at i / calls_per_second, whatever the earlier answers took (up to
    `max_in_flight` outstanding calls), so a slow stack shows as latency, not as a lower offer."""
    latencies: list[float] = []
    accepted: list[int] = []
    errors: Counter[str] = Counter()
    in_flight = asyncio.Semaphore(max_in_flight)
    limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def call(number: int, body: list[dict[str, Any]]) -> None:
            async with in_flight:
                sent = time.perf_counter()
                try:
                    answer = await client.post(url, json=body)
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                    return
                if answer.status_code == 200:
                    latencies.append(time.perf_counter() - sent)
                    accepted.append(number)
                else:
                    errors[f"HTTP {answer.status_code}"] += 1

        started_at, began = time.time(), time.perf_counter()
        tasks = []
        for number, body in enumerate(calls):
            await asyncio.sleep(max(0.0, began + number / calls_per_second - time.perf_counter()))
            tasks.append(asyncio.create_task(call(number, body)))
        await asyncio.gather(*tasks)
        return LoadResult(len(calls), accepted, latencies, errors, started_at, time.perf_counter() - began)


def _as_utc(moment: Any) -> datetime:
    """n8n's PostgreSQL answers aware datetimes, its SQLite naive UTC strings."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime.fromisoformat(str(moment)).replace(tzinfo=UTC)


def node_types() -> dict[str, str]:
    return {node["name"]: node["type"] for node in json.loads(TEMPLATE.read_text())["nodes"]}


def node_milliseconds(runs: list[dict[str, Any]]) -> Counter[str]:
    """Time per node over the executions, from n8n's own per-node `executionTime`."""
    spent: Counter[str] = Counter()
    for run in runs:
        for node, node_runs in (run.get("resultData", {}).get("runData") or {}).items():
            spent[node] += sum(r.get("executionTime") or 0 for r in node_runs)
    return spent


def run_stack(stack: str, info: n8n_stack.StackInfo, args: argparse.Namespace) -> StackResult:
    def executions() -> list[dict[str, Any]]:
        return n8n_stack.executions(info, queue_stack.POS_WORKFLOW_ID)

    tag = f"L{stack[0].upper()}{int(time.time()) % 100000:05d}"
    url = info.pos_webhook_url("sumup")
    httpx.post(url, json=make_sales(2, tag + "W"), timeout=30).raise_for_status()  # warm-up: compiles, connects
    deadline = time.monotonic() + 60
    while any(e["status"] in n8n_stack.ACTIVE_STATES for e in executions()) or not executions():
        if time.monotonic() > deadline:
            raise SystemExit(f"{stack}: the warm-up execution did not finish")
        time.sleep(0.2)
    before = len(executions())

    total_sales = int(args.rate * args.seconds) // args.per_call * args.per_call
    sales = make_sales(total_sales, tag)
    calls = [sales[start:start + args.per_call] for start in range(0, total_sales, args.per_call)]
    print(f"  {stack}: offering {args.rate} sales/s for {args.seconds} s ({len(calls)} calls of {args.per_call})...",
          flush=True)
    cpu_before = cpu_seconds_by_component(info.pids)
    load = asyncio.run(offer_load(url, calls, args.rate / args.per_call, args.max_in_flight))

    accepted_calls = len(load.latencies_s)
    deadline = time.monotonic() + args.drain_timeout
    settled_count = -1
    while True:
        runs = executions()[before:]
        if len(runs) >= accepted_calls and all(r["status"] not in n8n_stack.ACTIVE_STATES for r in runs):
            if len(runs) == settled_count:  # nothing new for a while: calls that timed out may still start
                break
            settled_count = len(runs)
            time.sleep(SETTLE_S)
            continue
        if time.monotonic() > deadline:
            print(f"  {stack}: n8n did not drain within {args.drain_timeout} s ({len(runs)} executions)", flush=True)
            break
        time.sleep(0.5)
    finished = [r for r in runs if r["stoppedAt"] is not None]
    last_stop = max((_as_utc(r["stoppedAt"]) for r in finished), default=datetime.now(UTC))
    processed_seconds = (last_stop - datetime.fromtimestamp(load.started_at, UTC)).total_seconds()
    execution_seconds = [(_as_utc(r["stoppedAt"]) - _as_utc(r["startedAt"])).total_seconds()
                         for r in finished if r["startedAt"] is not None]
    sample = [r["id"] for r in finished[:: max(1, len(finished) // TIMING_SAMPLE)]][:TIMING_SAMPLE]
    sampled = list(n8n_stack.execution_run_data(info, sample).values())
    cpu_used = cpu_seconds_by_component(info.pids)
    cpu_used.subtract(cpu_before)

    with info.sidecar() as sidecar, info.hubspot() as hubspot:
        # The warm-up's codes continue with W.
        stored = Counter(i for i in stored_event_ids(sidecar) if i.startswith(f"sumup:{tag}0"))
        notes = notes_per_receipt(crm_state(hubspot))
    # A refused call is the POS's to retry; every sale of an accepted one must arrive.
    accepted_codes = [sale["transaction_code"] for number in load.accepted for sale in calls[number]]
    return StackResult(
        stack=stack, load=load, sales_per_call=args.per_call, processed_seconds=processed_seconds,
        execution_seconds=execution_seconds,
        failed_executions=sum(1 for r in runs if r["status"] != "success"),
        lost_in_store=sum(1 for code in accepted_codes if stored[f"sumup:{code}"] == 0),
        lost_in_crm=sum(1 for code in accepted_codes if notes[code] == 0),
        doubled_in_crm=sum(notes[code] - 1 for code in accepted_codes if notes[code] > 1),
        stored_sales=len(stored), cpu_seconds=cpu_used, node_ms=node_milliseconds(sampled), sampled_sales=len(sampled) * args.per_call,
    )


def bench_single(args: argparse.Namespace, workdir: Path) -> StackResult:
    print("Starting the single-instance stack (n8n, sidecar, SQLite)...", flush=True)
    info = n8n_stack.up(workdir / "single", n8n_log_level="warn")
    try:
        return run_stack("single", info, args)
    finally:
        n8n_stack.down(Path(info.run_dir))


def bench_queue(args: argparse.Namespace, workdir: Path) -> StackResult:
    print(f"Starting the queue-mode stack ({args.workers} workers, 2 sidecar replicas, PostgreSQL, Redis)...",
          flush=True)
    info = queue_stack.up(workdir / "queue", workers=args.workers, n8n_log_level="warn")
    try:
        return run_stack("queue", info, args)
    finally:
        queue_stack.down(Path(info.run_dir))


def report(results: list[StackResult]) -> None:
    print(f"\n{'stack':7} {'calls':>6} {'accepted/s':>11} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7} "
          f"{'processed/s':>12} {'exec p50 s':>10} {'exec p95 s':>10} {'failed':>6} {'lost':>5} {'doubled':>7} "
          f"{'sidecar':>8} {'HubSpot':>8}")
    for r in results:
        ms = [1000 * s for s in r.load.latencies_s]
        print(f"{r.stack:7} {r.load.offered_calls:>6} {r.accepted_sales_per_second:>11.0f} {percentile(ms, .5):>7.0f} "
              f"{percentile(ms, .95):>7.0f} {percentile(ms, .99):>7.0f} {r.error_rate:>7.1%} "
              f"{r.processed_sales_per_second:>12.0f} {percentile(r.execution_seconds, .5):>10.2f} "
              f"{percentile(r.execution_seconds, .95):>10.2f} {r.failed_executions:>6} "
              f"{r.lost_in_store + r.lost_in_crm:>5} {r.doubled_in_crm:>7} {r.sidecar_share:>8.0%} {r.crm_share:>8.0%}")
        if r.load.errors:
            print(f"        errors: {dict(r.load.errors)}")
        costliest = ", ".join(f"{node} {ms / max(1, r.sampled_sales):.2f}"
                              for node, ms in r.node_ms.most_common(5))
        print(f"        node wall time per sale in ms (executions overlap, so CPU is shared): {costliest}")
        cpu_total = sum(r.cpu_seconds.values()) or 1.0
        print("        CPU per sale: " + ", ".join(
            f"{component} {1000 * seconds / max(1, r.stored_sales):.1f} ms ({seconds / cpu_total:.0%})"
            for component, seconds in r.cpu_seconds.most_common()) + " (PostgreSQL and Redis not counted)")
    print("\naccepted/s: sales the webhook accepted per second of offered load; processed/s: sales per second "
          "from the first call to the last finished execution; lost: accepted sales missing in the store or "
          "without a CRM note; sidecar / HubSpot: share of n8n's node time spent in Belegfluss / HTTP Request nodes.")
    by_stack = {r.stack: r for r in results}
    if {"single", "queue"} <= set(by_stack):
        ratio = by_stack["queue"].processed_sales_per_second / by_stack["single"].processed_sales_per_second
        print(f"queue mode / single instance (processed sales/s): {ratio:.2f}x")
    if "queue" in by_stack:
        queue = by_stack["queue"]
        lost = queue.lost_in_store + queue.lost_in_crm
        met = queue.processed_sales_per_second >= 1000 and lost == 0 and queue.doubled_in_crm == 0
        print(f"goal (queue mode >= 1,000 sales/s, zero losses): {'met' if met else 'NOT met'} "
              f"({queue.processed_sales_per_second:.0f} sales/s, {lost} lost, {queue.doubled_in_crm} doubled, "
              f"{queue.failed_executions} failed executions)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long load is offered")
    parser.add_argument("--rate", type=float, default=1500.0, help="sales per second offered")
    parser.add_argument("--per-call", type=int, default=500, help="sales per webhook call")
    parser.add_argument("--max-in-flight", type=int, default=32, help="webhook calls outstanding at most")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="seconds n8n may take to finish after")
    parser.add_argument("--workers", type=int, default=2, help="n8n workers of the queue-mode stack")
    parser.add_argument("--stacks", default="single,queue", help="which stacks, in this order")
    args = parser.parse_args(argv)

    benches = {"single": bench_single, "queue": bench_queue}
    workdir = Path(tempfile.mkdtemp(prefix="belegfluss-load-"))
    results = [benches[name](args, workdir) for name in args.stacks.split(",")]
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
