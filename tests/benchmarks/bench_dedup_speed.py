"""Benchmark: dedup speed.

1. Batch dedup of 100,000 synthetic German records (goal: < 60 s on this machine), against the
   baseline of only normalising the same records (the floor any dedup pays).
2. Incremental resolution of 10,000 new records against an identity graph of 1,000,000 golden
   customers in PostgreSQL (goal: >= 2,000 records/s), in batches as the n8n node sends them, and
   one record at a time for the per-record latency (p50 / p99). The batches are resolved by
   `--workers` processes at once (default 2), as the two sidecar replicas of the production stack
   (`docker-compose.yml`) resolve what n8n's workers send them; `--workers 1` measures one replica.
   Three in ten records are later copies of customers in the graph, the rest are not in it: the
   decisions of each group say what the speed bought (a later copy should be `match`, a newcomer
   `new`). The graph's customers live in 1,000 postcodes (`--postcodes-per-city`, see the
   generator: 25 postcodes would hold four times as many customers as a postcode has inhabitants).
   `--max-candidates 20 10` resolves the same records once per value of that profile
   setting (`--max-reads-per-key 50 20` likewise, for the records read per blocking key), so the
   trade-off between speed and found duplicates shows in one run.

Run: `python -m tests.benchmarks.bench_dedup_speed [--golden 1000000] [--keep] [--reuse]`. The graph is
bulk loaded (COPY) into a schema of its own, `bf_bench_identity` (`--schema`); `--keep` leaves it (and the unseen
records, in a JSON file next to it) for a rerun, and `--reuse` measures against such a kept graph
without loading it again. A kept graph is restored after each run: what the run resolved is removed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import statistics
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import psutil
from sqlalchemy import delete, select, text

from belegfluss.gc_tuning import tune_garbage_collector
from belegfluss.identity import graph, normalise
from belegfluss.identity.batch import dedup_batch
from belegfluss.identity.blocking import graph_keys
from belegfluss.identity.features import customer_features
from belegfluss.identity.settings import DEFAULT_SETTINGS, MatchSettings
from belegfluss.identity.survivorship import SourceRecord, build_golden_record
from belegfluss.model.customer import Customer
from belegfluss.store.database import Database, dumps
from belegfluss.store.identity import blocking_keys as keys_table
from belegfluss.store.identity import golden_customers, review_items, source_links, source_records
from tests.benchmarks.bench_dedup_metrics import print_table
from tests.fixtures.identity.german_customers import generate

POSTGRES_URL = os.environ.get("BELEGFLUSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "bf_bench_identity"


def kept_incoming(schema: str) -> str:
    """Where the unseen records of a graph kept in `schema` wait for a rerun (`--reuse`)."""
    return f"/tmp/{schema}_incoming.json"


def _cold_caches() -> None:
    for cached in (normalise.normalise_email, normalise.normalise_phone, normalise.fold_name, normalise.phonetic_key,
                   normalise.normalise_street, normalise.koelner_phonetik):
        cached.cache_clear()


def batch_speed(records: int) -> list[tuple[object, ...]]:
    raw = generate(records, seed=11)
    for record in raw:
        record.pop("entity")
    customers = [Customer.model_validate(r) for r in raw]
    started = time.perf_counter()
    features = [customer_features(c) for c in customers]
    floor = time.perf_counter() - started
    _cold_caches()  # the dedup run below pays for its normalising too
    started = time.perf_counter()
    result = dedup_batch(customers)
    seconds = time.perf_counter() - started
    clusters = sum(1 for members in result.clusters.values() if len(members) > 1)
    return [(f"batch dedup {records:,} records", round(seconds, 1), f"{records / seconds:,.0f}/s",
             f"{result.candidate_pairs:,} pairs, {clusters:,} clusters", f"{seconds / floor:.1f} × normalising only"),
            ("  floor: normalising only", round(floor, 1), f"{len(features) / floor:,.0f}/s", "", "")]


def load_graph(database: Database, golden: int, postcodes_per_city: int) -> tuple[list[dict], list[dict], datetime]:
    """Bulk-load `golden` golden customers (one source record each) and return unseen records:
    later copies of loaded people (duplicates) and people not in the graph."""
    raw = generate(int(golden * 2.3), seed=5, postcodes_per_city=postcodes_per_city)
    first_copies: dict[int, dict] = {}
    later: list[dict] = []
    for record in raw:
        if record["entity"] not in first_copies and len(first_copies) < golden:
            first_copies[record["entity"]] = record
        else:
            later.append(record)
    loaded = list(first_copies.values())
    duplicates = [r for r in later if r["entity"] in first_copies]
    newcomers = [r for r in later if r["entity"] not in first_copies]
    for record in raw:
        record.pop("entity", None)
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    goldens, records, links, keys = [], [], [], []
    for number, record in enumerate(loaded):
        customer = Customer.model_validate(record)
        golden_id, record_id = f"gc_{uuid.uuid4().hex[:24]}", f"rec_{uuid.uuid4().hex[:24]}"
        features = customer_features(customer)
        record_links = graph.record_links(customer)
        golden_record = build_golden_record([SourceRecord(record_id, record_links[0][0], customer, now)],
                                            DEFAULT_SETTINGS)
        goldens.append((golden_id, "active", dumps(golden_record.model_dump(mode="json")), now, now))
        records.append((record_id, golden_id, record_links[0][0], dumps(record), dumps(features.to_json()),
                        "new", None, "[]", now))
        # The generator numbers native ids per run; the suffix keeps them unique across the graph.
        links.extend((system, f"{native}-g{number}", record_id) for system, native in record_links)
        keys.extend((key, place, record_id) for key, place in graph_keys(features).items())
    prepared = time.perf_counter() - started
    with database.engine.raw_connection() as raw_connection:
        connection = raw_connection.driver_connection
        with connection.cursor() as cursor:
            for statement, rows in (
                ("COPY identity_golden_customers (golden_id, status, record, created_at, updated_at) FROM STDIN",
                 goldens),
                ("COPY identity_source_records (record_id, golden_id, system, payload, features, decision, score, "
                 "reasons, created_at) FROM STDIN", records),
                ("COPY identity_source_links (system, native_id, record_id) FROM STDIN", links),
                ("COPY identity_blocking_keys (key, place, record_id) FROM STDIN", keys),
            ):
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        connection.commit()
    # What autovacuum does to a graph that has settled: statistics, and the visibility map that lets
    # the blocking-key lookups read the index alone.
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
    print(f"loaded {len(loaded):,} golden customers and {len(keys):,} blocking keys in "
          f"{time.perf_counter() - started:.0f} s ({prepared:.0f} s preparing rows)")
    return duplicates, newcomers, now


def print_server_cache(database: Database) -> None:
    """PostgreSQL's shared buffers against what resolve reads (the key index, the records and their
    primary key): with less, every batch evicts and re-reads pages, and the figures say more about
    the server's setting than about resolve (docker-compose.yml sets 2 GB)."""
    with database.connect() as connection:
        shared_buffers = connection.exec_driver_sql("SHOW shared_buffers").scalar()
        read = connection.execute(text(
            "SELECT pg_relation_size('pk_identity_blocking_keys') + pg_relation_size('identity_source_records')"
            " + pg_relation_size('identity_source_records_pkey')")).scalar()
    print(f"PostgreSQL shared_buffers {shared_buffers}; resolve reads from {read / 2**20:,.0f} MB "
          f"(key index, records and their primary key)")


def forget_resolved_since(database: Database, loaded_at: datetime) -> None:
    """Restore a kept graph: remove what a run resolved into it, so the next run resolves the same records."""
    added = select(source_records.c.record_id).where(source_records.c.created_at > loaded_at)
    with database.transaction() as connection:
        # Their keys and links go first; the foreign-key checks would then scan 7 million keys per record
        # (no index on blocking_keys.record_id, which resolving never needs), so they are off here.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(delete(review_items).where(review_items.c.record_id.in_(added)))
        connection.execute(delete(keys_table).where(keys_table.c.record_id.in_(added)))
        connection.execute(delete(source_links).where(source_links.c.record_id.in_(added)))
        connection.execute(delete(source_records).where(source_records.c.created_at > loaded_at))
        connection.execute(delete(golden_customers).where(golden_customers.c.created_at > loaded_at))
    # What autovacuum does in time: without it the next run walks the dead index entries of the very
    # keys it resolves again, and each run is slower than the one before.
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in (keys_table, source_links, source_records, golden_customers, review_items):
            connection.execute(text(f"VACUUM (ANALYZE) {table.name}"))


def _resolve_batches(worker: int, url: str, batches: list[list[dict]], settings: MatchSettings, ready: Any,
                     start: Any, finished: Any, results: Any) -> None:
    """One sidecar replica: resolve its share of the batches once `start` is set; report each
    batch's decisions (in order), seconds per record of each batch and this process's CPU seconds."""
    database = Database(url)
    customers = [[Customer.model_validate(r) for r in batch] for batch in batches]
    graph.resolve(database, [], settings)  # connect before the clock starts
    tune_garbage_collector()  # as the sidecar does at start-up
    ready.put(True)
    start.wait()
    cpu_started = time.process_time()
    decisions: list[list[str]] = []
    batch_times = []
    for chunk in customers:
        began = time.perf_counter()
        decisions.append([answer.decision for answer in graph.resolve(database, chunk, settings)])
        batch_times.append((time.perf_counter() - began) / len(chunk))
    results.put((worker, decisions, batch_times, time.process_time() - cpu_started))
    finished.wait()  # its connection (and PostgreSQL's process for it) lives until the server's CPU is read
    database.dispose()


def resolve_speed(database: Database, duplicates: list[dict], newcomers: list[dict], records: int,
                  batch_size: int, workers: int, settings: MatchSettings, url: str) -> list[tuple[object, ...]]:
    known = records * 3 // 10
    incoming = duplicates[:known] + newcomers[:records - known]
    single, batched = incoming[:500], incoming[500:records]
    latencies = []
    for customer in (Customer.model_validate(r) for r in single):
        started = time.perf_counter()
        graph.resolve(database, [customer], settings)
        latencies.append(time.perf_counter() - started)
    batches = [batched[start:start + batch_size] for start in range(0, len(batched), batch_size)]
    # Each worker is a process with its own connection, as each sidecar replica is; the batches are
    # dealt out in turn, as n8n's workers send them.
    context = multiprocessing.get_context("spawn")
    ready, start, finished, results = context.Queue(), context.Event(), context.Event(), context.Queue()
    processes = [context.Process(target=_resolve_batches,
                                 args=(w, url, batches[w::workers], settings, ready, start, finished, results))
                 for w in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get()
    postgres_cpu = _postgres_cpu_seconds()
    started = time.perf_counter()
    start.set()
    reports = [results.get() for _ in processes]
    postgres_cpu = _postgres_cpu_seconds() - postgres_cpu
    finished.set()
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    # Back in sending order (worker w had batches w, w + workers, …): which answer belongs to a later
    # copy of someone in the graph (the first `known - 500` of `batched`) and which to a newcomer.
    answers: list[str] = [""] * len(batched)
    for worker, decisions, _times, _cpu in reports:
        for turn, batch_decisions in enumerate(decisions):
            first = (worker + turn * workers) * batch_size
            answers[first:first + len(batch_decisions)] = batch_decisions
    later_copies = Counter(answers[:known - len(single)])
    others = Counter(answers[known - len(single):])
    batch_times = [t for report in reports for t in report[2]]
    # The machine is shared: the workers' CPU time per record is steadier than the wall clock.
    cpu_per_record = sum(report[3] for report in reports) / len(batched)
    quantiles = statistics.quantiles(latencies, n=100)
    per_record = statistics.quantiles(batch_times, n=100) if len(batch_times) > 1 else batch_times * 99
    replicas = "1 worker" if workers == 1 else f"{workers} workers (one per sidecar replica)"
    return [
        (f"resolve {len(batched):,} records, batches of {batch_size}, {replicas}, "
         f"max_candidates {settings.max_candidates}, max_reads_per_key {settings.max_reads_per_key}",
         round(seconds, 1), f"{len(batched) / seconds:,.0f}/s",
         f"later copies of graph customers {_decision_counts(later_copies)}; others {_decision_counts(others)}",
         (f"per record in batch: p50 {statistics.median(batch_times) * 1000:.2f} ms, "
          f"p99 {per_record[98] * 1000:.2f} ms, client CPU {cpu_per_record * 1000:.2f} ms, "
          f"PostgreSQL CPU {postgres_cpu / len(batched) * 1000:.2f} ms")),
        (f"resolve {len(single)} records one at a time", round(sum(latencies), 1),
         f"{len(single) / sum(latencies):,.0f}/s", "",
         f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms"),
    ]


def _postgres_cpu_seconds() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (the benchmark's server is
    local): what the server spends per record, steadier on a shared machine than the wall clock."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] == "postgres" and process.info["cpu_times"]:  # None: not ours to read
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def _decision_counts(counts: Counter[str]) -> str:
    return ", ".join(f"{decision} {counts[decision]:,}" for decision in ("match", "review", "new"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-records", type=int, default=100_000)
    parser.add_argument("--golden", type=int, default=1_000_000)
    parser.add_argument("--resolve", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2,
                        help="Concurrent resolvers: the production stack (docker-compose.yml) runs two sidecar replicas")
    parser.add_argument("--max-candidates", type=int, nargs="+", default=[DEFAULT_SETTINGS.max_candidates],
                        help="Resolve once per value (the profile setting `identity.max_candidates`): speed and "
                             "decisions side by side")
    parser.add_argument("--max-reads-per-key", type=int, nargs="+", default=[DEFAULT_SETTINGS.max_reads_per_key],
                        help="Resolve once per value (the profile setting `identity.max_reads_per_key`)")
    parser.add_argument("--postcodes-per-city", type=int, default=40,
                        help="The graph's households spread over this many postcodes in each of 25 cities: 40 gives "
                             "1,000 customers per postcode in a graph of a million (a German postcode has some 10,000 "
                             "inhabitants); 1 packs them into 25 postcodes, 40,000 each")
    parser.add_argument("--schema", default=SCHEMA, help="PostgreSQL schema of the graph (several can be kept)")
    parser.add_argument("--keep", action="store_true", help="Keep the loaded graph schema")
    parser.add_argument("--reuse", action="store_true", help="Measure against a graph kept by an earlier --keep")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-resolve", action="store_true")
    args = parser.parse_args()
    tune_garbage_collector()  # as the sidecar and the CLI do at start-up
    rows = [] if args.skip_batch else batch_speed(args.batch_records)
    if not args.skip_resolve:
        rows += resolve_rows(args)
    print_table(f"Dedup speed ({os.cpu_count()} CPUs; graph: {args.golden:,} golden customers in PostgreSQL, "
                f"{args.postcodes_per_city} postcodes per city)",
                ("job", "wall s", "throughput", "outcome", "detail"), rows)
    print("goals: batch 100,000 in < 60 s; resolve >= 2,000 records/s")


def resolve_rows(args: argparse.Namespace) -> list[tuple[object, ...]]:
    url = f"{POSTGRES_URL}?schema={args.schema}"
    database = Database(url)
    if args.reuse:
        with open(kept_incoming(args.schema)) as kept:
            saved = json.load(kept)
        if (saved["golden"], saved.get("postcodes_per_city", 1)) != (args.golden, args.postcodes_per_city):
            raise SystemExit(f"the kept graph has {saved['golden']:,} golden customers in "
                             f"{saved.get('postcodes_per_city', 1)} postcodes per city, not {args.golden:,} in "
                             f"{args.postcodes_per_city}")
        duplicates, newcomers = saved["duplicates"], saved["newcomers"]
        loaded_at = datetime.fromisoformat(saved["loaded_at"])
        database.migrate()  # a graph kept by an older version gets this version's schema steps
        forget_resolved_since(database, loaded_at)  # an interrupted earlier run may have left some
    else:
        database.drop_schema()
        database = Database(url)
        database.migrate()
        duplicates, newcomers, loaded_at = load_graph(database, args.golden, args.postcodes_per_city)
        if args.keep:
            wanted = args.resolve
            with open(kept_incoming(args.schema), "w") as kept:
                json.dump({"golden": args.golden, "postcodes_per_city": args.postcodes_per_city,
                           "loaded_at": loaded_at.isoformat(),
                           "duplicates": duplicates[:wanted], "newcomers": newcomers[:wanted]}, kept, default=str)
    print_server_cache(database)
    try:
        rows = []
        for limit, per_key in itertools.product(args.max_candidates, args.max_reads_per_key):
            settings = DEFAULT_SETTINGS.model_copy(update={"max_candidates": limit, "max_reads_per_key": per_key})
            rows += resolve_speed(database, duplicates[:args.resolve], newcomers[:args.resolve], args.resolve,
                                  args.batch_size, args.workers, settings, url)
            forget_resolved_since(database, loaded_at)  # the next value resolves the same records afresh
        return rows
    finally:
        if args.keep or args.reuse:
            forget_resolved_since(database, loaded_at)
        else:
            database.drop_schema()


if __name__ == "__main__":
    main()
