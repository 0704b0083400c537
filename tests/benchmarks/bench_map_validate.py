"""Benchmark: map + validate over HTTP, 10,000 SumUp transactions in batches of 500.

Run: `make bench-map` (or `python -m tests.benchmarks.bench_map_validate`). It starts a real
sidecar (one uvicorn worker, SQLite), posts every batch to /v1/map and the mapped events to
/v1/validate (which stores them), and compares with a floor measured in the same run: orjson
loads + dumps of the same payloads, i.e. what merely reading and writing the JSON costs.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx
import orjson

from tests.conftest import start_sidecar, stop_sidecar

MENU = [("Espresso", "2.40", 0.19), ("Cappuccino", "3.60", 0.19), ("Latte Macchiato", "4.20", 0.19),
        ("Croissant", "2.50", 0.07), ("Franzbrötchen", "2.80", 0.07), ("Bagel Lachs", "6.90", 0.07)]


def sumup_transaction(number: int, rng: random.Random) -> dict:
    products, total = [], Decimal(0)
    for name, price, vat in rng.sample(MENU, rng.randint(1, 3)):
        quantity = rng.randint(1, 3)
        gross = Decimal(price)
        products.append({"name": name, "price_with_vat": float(gross), "vat_rate": vat, "quantity": quantity,
                         "total_with_vat": float(gross * quantity)})
        total += gross * quantity
    tip = Decimal(rng.choice(["0", "0", "0.50", "1.00"]))
    cash = rng.random() < 0.3
    return {
        "id": f"bench-{number}", "transaction_code": f"TB{number:08d}", "amount": float(total + tip),
        "currency": "EUR", "timestamp": f"2025-03-14T{8 + number % 10:02d}:{number % 60:02d}:00.000Z",
        "status": "SUCCESSFUL", "payment_type": "CASH" if cash else "POS",
        "entry_mode": "none" if cash else "contactless", "tip_amount": float(tip), "fee_amount": 0.0 if cash else 0.05,
        "products": products, "events": [], "location_id": "bench-cafe", "register_id": "K1",
    }


def floor_events_per_second(payloads: list[dict], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(payloads), batch):
        body = orjson.dumps({"source": "sumup", "items": payloads[start:start + batch]})
        orjson.dumps(orjson.loads(body))
    return len(payloads) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(4711)
    payloads = [sumup_transaction(n, rng) for n in range(args.events)]

    two_calls, accepted_two = run_path(payloads, args.batch, one_call=False)
    one_call, accepted_one = run_path(payloads, args.batch, one_call=True)
    floor = floor_events_per_second(payloads, args.batch)
    print(f"\nmap + validate over HTTP: {args.events:,} SumUp transactions, batches of {args.batch}, "
          f"1 uvicorn worker, SQLite, every event stored")
    print(f"{'path':<52}{'events/s':>10}{'vs floor':>10}")
    for label, rate in (("two calls: /v1/map, then /v1/validate", two_calls),
                        ("one call: /v1/map with validate=true", one_call),
                        ("floor: orjson loads + dumps of the same payloads", floor)):
        print(f"{label:<52}{rate:>10,.0f}{floor / rate:>9.1f}x")
    if accepted_two != args.events or accepted_one != args.events:
        raise SystemExit("not every event was accepted: the benchmark data is wrong")


def run_path(payloads: list[dict], batch_size: int, one_call: bool) -> tuple[float, int]:
    """Events per second through a fresh sidecar, and how many were accepted."""
    json_header = {"Content-Type": "application/json"}
    with tempfile.TemporaryDirectory() as folder:
        sidecar = start_sidecar(f"sqlite:///{Path(folder) / 'bench.db'}", Path(folder))
        try:
            client = httpx.Client(base_url=sidecar.url, headers={"Authorization": f"Bearer {sidecar.key}"},
                                  timeout=120)
            client.post("/v1/map", json={"source": "sumup", "items": payloads[:10]})  # warm up
            accepted = 0
            started = time.perf_counter()
            for start in range(0, len(payloads), batch_size):
                batch = payloads[start:start + batch_size]
                body = {"source": "sumup", "items": batch, "validate": one_call}
                # orjson on the client too: the client shares the machine's two cores with the server
                mapped = orjson.loads(client.post("/v1/map", content=orjson.dumps(body), headers=json_header).content)["results"]
                if one_call:
                    accepted += sum(answer["ok"] for answer in mapped)
                    continue
                events = [answer["event"] for answer in mapped if answer["ok"]]
                validated = orjson.loads(client.post("/v1/validate", content=orjson.dumps({"items": events}),
                                                     headers=json_header).content)["results"]
                accepted += sum(answer["ok"] for answer in validated)
            elapsed = time.perf_counter() - started
        finally:
            stop_sidecar(sidecar)
    return len(payloads) / elapsed, accepted


if __name__ == "__main__":
    main()
