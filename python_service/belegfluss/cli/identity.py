"""`belegfluss dedup`: customer records from JSONL or CSV → clusters and reasons.

Batch mode (default) dedups the file among itself and stores nothing: one JSONL answer per record
(cluster, decision, score, the record it matched, reasons) and, with `--clusters`, a CSV of the
clusters for a CRM clean-up. `--mode resolve` resolves the records against the identity graph.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from ..api.errors import ApiError
from ..identity import service
from ..settings import Settings
from .io import InvalidLine, chunks, read_jsonl, write_jsonl
from .runtime import open_database, profiles_for

RESOLVE_BATCH = 1000
_LIST_COLUMNS = {"email": "emails", "emails": "emails", "phone": "phones", "phones": "phones",
                 "card_token": "card_tokens", "card_tokens": "card_tokens", "loyalty_id": "loyalty_ids",
                 "loyalty_ids": "loyalty_ids", "verified_email": "verified_emails"}
_ADDRESS_COLUMNS = ("street", "house_number", "postcode", "city", "country")
_NAME_COLUMNS = ("first_name", "last_name", "name", "birth_date")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("dedup", help="Dedup customer records (JSONL or CSV): clusters and reasons")
    parser.add_argument("input", nargs="?", help="JSONL or CSV file (default: JSONL on stdin)")
    parser.add_argument("--format", choices=("jsonl", "csv"), help="Input format (default: from the file name)")
    parser.add_argument("--mode", choices=("batch", "resolve"), default="batch",
                        help="batch: among the records only (default); resolve: against the stored identity graph")
    parser.add_argument("--profile", help="Location profile whose identity weights and thresholds apply")
    parser.add_argument("--clusters", type=Path, help="Also write the clusters as CSV (cluster_id, line)")
    parser.set_defaults(run=run_dedup)


def csv_record(row: dict[str, str]) -> dict[str, Any]:
    """A flat CSV row as a Customer: lists split on ';', address columns nested, `system` +
    `native_id` (or `<system>_id` columns) as external ids."""
    record: dict[str, Any] = {}
    for column, value in row.items():
        value = (value or "").strip()
        if not value or column is None:
            continue
        if column in _LIST_COLUMNS:
            record.setdefault(_LIST_COLUMNS[column], []).extend(v.strip() for v in value.split(";") if v.strip())
        elif column in _ADDRESS_COLUMNS:
            record.setdefault("address", {})[column] = value
        elif column in _NAME_COLUMNS:
            record[column] = value
        elif column.endswith("_id") and column not in ("native_id",):
            record.setdefault("external_ids", {})[column.removesuffix("_id")] = value
    if row.get("system") and row.get("native_id"):
        record.setdefault("external_ids", {})[row["system"].strip()] = row["native_id"].strip()
    return record


def read_records(path: str | None, fmt: str | None) -> list[tuple[int, Any]]:
    fmt = fmt or ("csv" if path and path.lower().endswith(".csv") else "jsonl")
    if fmt == "csv":
        with (sys.stdin if path in (None, "-") else Path(path).open(newline="", encoding="utf-8-sig")) as handle:
            return [(number, csv_record(row)) for number, row in enumerate(csv.DictReader(handle), start=2)]
    return [(number, None if isinstance(value, InvalidLine) else value) for number, value in read_jsonl(path)]


def run_dedup(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        profile = profiles_for(settings, args.profile)(args.profile) if args.profile else None
    except ApiError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    match_settings = service.settings_for(profile)
    records = read_records(args.input, args.format)
    lines = [line for line, _ in records]
    items = [value if value is not None else {"__invalid__": True} for _, value in records]
    if args.mode == "batch":
        answer = service.dedup(None, items, "batch", match_settings)
        results = answer["results"]
    else:
        database = open_database(settings)
        results = []
        for batch in chunks(items, RESOLVE_BATCH):
            offset = len(results)
            results.extend(r | {"index": r["index"] + offset}
                           for r in service.dedup(database, batch, "resolve", match_settings)["results"])
    failures = 0
    for line, result in zip(lines, results):
        failures += not result["ok"]
        matched = result.get("matched_index")
        write_jsonl({"line": line, **result, "matched_line": lines[matched] if matched is not None else None})
    if args.clusters:
        with args.clusters.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["cluster_id", "line", "decision", "score"])
            for line, result in zip(lines, results):
                if result["ok"]:
                    writer.writerow([result.get("cluster_id") or result.get("golden_id"), line,
                                     result["decision"], result["score"]])
    return 1 if failures else 0
