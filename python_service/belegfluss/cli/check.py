"""`belegfluss check`: the correction jobs (also scheduled by the "Nightly consistency" template).

Prints one line per finding and what was done about it; exits 1 when something is left for a
person (a ticket), 0 when everything was consistent or fixed.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from ..consistency.runner import CHECKS, CheckOptions, run_checks
from ..profiles.registry import ProfileRegistry
from ..settings import Settings
from .runtime import open_database


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="Find inconsistent records; fix them or open tickets")
    check.add_argument("--only", action="append", choices=CHECKS, help="Run only these checks (repeatable)")
    check.add_argument("--no-fix", action="store_true", help="Open tickets only, fix nothing")
    check.add_argument("--grace-minutes", type=int, default=60,
                       help="A sale counts as undelivered to the CRM this long after it was stored")
    check.add_argument("--json", action="store_true", help="Print the report as JSON")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    database = open_database(settings)
    profiles = ProfileRegistry.load(settings.profiles_dir).all()
    options = CheckOptions(checks=tuple(args.only or CHECKS), fix=not args.no_fix,
                           delivery_grace=timedelta(minutes=args.grace_minutes))
    report = run_checks(database, profiles, settings.redelivery, options)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for finding in report["findings"]:
            where = f" → {finding['ticket_id']}" if finding.get("ticket_id") else ""
            print(f"[{finding['check']}] {finding['message']} ({finding['action']}{where})")
        print(f"{len(report['findings'])} findings: {report['fixed']} fixed, {report['tickets']} tickets")
    return 1 if report["tickets"] else 0
