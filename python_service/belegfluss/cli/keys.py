"""`belegfluss keys create --role admin`: prints a new API key once; only its hash is stored."""

from __future__ import annotations

import argparse

from ..settings import Settings
from ..store.keys import ROLES, create_key
from .runtime import open_database


def register(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="Manage API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="Create an API key and print it (shown only this once)")
    create.add_argument("--role", choices=ROLES, default="workflow")
    create.add_argument("--label", default="")
    create.set_defaults(run=run_create)


def run_create(args: argparse.Namespace) -> int:
    database = open_database(Settings.from_env())
    print(create_key(database, args.role, args.label))
    return 0
