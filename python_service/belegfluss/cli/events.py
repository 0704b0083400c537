"""`belegfluss map` and `belegfluss validate`: JSONL in, JSONL results out; non-zero exit on failures."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from ..api.errors import ApiError
from ..settings import Settings
from ..sources import MAPPERS
from ..sources.batch import map_batch
from ..validation.pipeline import validate_events
from .io import InvalidLine, chunks, read_jsonl, write_jsonl
from .runtime import open_database, profiles_for

BATCH = 500


def register(commands: argparse._SubParsersAction) -> None:
    mapper = commands.add_parser("map", help="Map POS payloads (JSONL) to canonical events (JSONL)")
    mapper.add_argument("input", nargs="?", help="JSONL file (default: stdin)")
    mapper.add_argument("--source", required=True, choices=tuple(MAPPERS))
    mapper.add_argument("--quarantine", action="store_true", help="Put failed items into quarantine")
    mapper.add_argument("--events-only", action="store_true",
                        help="Write only the canonical events of items that mapped (to pipe into validate)")
    mapper.set_defaults(run=run_map)

    validator = commands.add_parser("validate", help="Validate canonical events (JSONL) and store those that pass")
    validator.add_argument("input", nargs="?", help="JSONL file (default: stdin)")
    validator.add_argument("--profile", help="Location profile id (default: each event's location_id)")
    validator.add_argument("--no-store", action="store_true", help="Only check, store nothing")
    validator.add_argument("--quarantine", action="store_true", help="Put failed items into quarantine")
    validator.set_defaults(run=run_validate)


def _split(path: str | None) -> tuple[list[Any], list[dict[str, Any]]]:
    """Items to process, and answers for lines that were not JSON at all."""
    items, broken = [], []
    for number, value in read_jsonl(path):
        if isinstance(value, InvalidLine):
            broken.append({"line": number, "ok": False, "errors": [{
                "code": "body.invalid_json", "path": "$", "message": f"line {number}: {value.reason}", "value": None}]})
        else:
            items.append((number, value))
    return items, broken


def run_map(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    database = open_database(settings)
    items, broken = _split(args.input)
    failures = len(broken)
    for answer in broken:
        write_jsonl(answer)
    for batch in chunks(items, BATCH):
        for (line, _payload), answer in zip(batch, map_batch(database, args.source, [p for _, p in batch],
                                                              args.quarantine)):
            failures += not answer["ok"]
            if args.events_only:
                if answer["ok"]:
                    write_jsonl(answer["event"])
            else:
                write_jsonl({"line": line, **answer})
    return 1 if failures else 0


def run_validate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    database = open_database(settings)
    try:
        lookup = profiles_for(settings, args.profile)
    except ApiError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    items, broken = _split(args.input)
    failures = len(broken)
    for answer in broken:
        write_jsonl(answer)
    for batch in chunks(items, BATCH):
        results = validate_events(database, [p for _, p in batch], lookup, store=not args.no_store,
                                  quarantine=args.quarantine,
                                  clock_skew=timedelta(seconds=settings.clock_skew_seconds))
        for (line, _payload), result in zip(batch, results):
            failures += not result.ok
            write_jsonl({"line": line, **result.as_json()})
    return 1 if failures else 0
