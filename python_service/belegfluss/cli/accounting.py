"""`belegfluss book` and `belegfluss datev`: the accounting jobs on files.

belegfluss book day.jsonl --profile cafe-berlin          # JSONL answers, bookings stored once
belegfluss datev --profile cafe-berlin --from 2026-03-01 --to 2026-03-31 -o exports/
belegfluss datev --profile cafe-berlin --bookings answers.jsonl -o exports/   # no store needed
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ..accounting import service
from ..accounting.datev.errors import DatevExportError
from ..profiles.model import LocationProfile
from ..profiles.registry import ProfileRegistry
from ..settings import Settings
from .io import InvalidLine, read_jsonl, write_jsonl
from .runtime import open_database


def register(commands: argparse._SubParsersAction) -> None:
    booker = commands.add_parser("book", help="Book canonical events (JSONL) under a location profile")
    booker.add_argument(
        "input", nargs="?", help="JSONL file of sales, refunds, voids, Z-reports, payouts (default: stdin)"
    )
    booker.add_argument("--profile", required=True, help="Location profile id")
    booker.add_argument("--no-store", action="store_true", help="Only compute the bookings, store nothing")
    booker.set_defaults(run=run_book)

    exporter = commands.add_parser("datev", help="Write a DATEV EXTF Buchungsstapel file")
    exporter.add_argument("--profile", required=True, help="Location profile id")
    exporter.add_argument(
        "--from", dest="date_from", type=date.fromisoformat, help="First day (stored bookings)"
    )
    exporter.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day (stored bookings)")
    exporter.add_argument("--export-id", help="Write an earlier export again")
    exporter.add_argument(
        "--bookings", help="JSONL of bookings (or of `belegfluss book` answers) instead of the store"
    )
    exporter.add_argument("-o", "--output", default=".", help="Folder for the file (default: current folder)")
    exporter.set_defaults(run=run_datev)


def _profile(settings: Settings, profile_id: str) -> LocationProfile | None:
    profile = ProfileRegistry.load(settings.profiles_dir).get(profile_id)
    if profile is None or profile.accounting is None:
        print(
            f"No location profile '{profile_id}' with an accounting section in {settings.profiles_dir}",
            file=sys.stderr,
        )
        return None
    return profile


def run_book(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    profile = _profile(settings, args.profile)
    if profile is None:
        return 2
    database = None if args.no_store else open_database(settings)
    failures = 0
    for line, value in read_jsonl(args.input):
        if isinstance(value, InvalidLine):
            write_jsonl(
                {
                    "line": line,
                    "ok": False,
                    "errors": [
                        {"code": "body.invalid_json", "path": "$", "message": value.reason, "value": None}
                    ],
                }
            )
            failures += 1
            continue
        [answer] = service.book_items(database, profile, [value])
        answer.pop("index")
        failures += not answer["ok"]
        write_jsonl({"line": line, **answer})
    return 1 if failures else 0


def _bookings_from(path: str) -> list[Any]:
    rows: list[Any] = []
    for line, value in read_jsonl(path):
        if isinstance(value, InvalidLine):
            raise DatevExportError(f"{path} line {line}: {value.reason}")
        rows.extend(value["bookings"] if isinstance(value, dict) and "bookings" in value else [value])
    return rows


def run_datev(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    profile = _profile(settings, args.profile)
    if profile is None:
        return 2
    try:
        if args.bookings:
            file = service.export_given(profile, _bookings_from(args.bookings), args.date_from, args.date_to)
        elif args.export_id:
            file = service.export_again(open_database(settings), profile, args.export_id)
        elif args.date_from and args.date_to:
            file = service.export_period(open_database(settings), profile, args.date_from, args.date_to)
        else:
            print("Give --from and --to, --export-id, or --bookings", file=sys.stderr)
            return 2
        target = Path(args.output) / file.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for chunk in file.chunks:
                out.write(chunk)
        partial.replace(target)  # a failed export never leaves a half file under the real name
    except (DatevExportError, service.NothingToExport, service.ExportUnknown) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(target)
    return 0
