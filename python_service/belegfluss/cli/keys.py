"""`belegfluss keys create --role admin`: prints a new API key once; only its hash is stored."""

from __future__ import annotations

import argparse

from ..settings import Settings
from ..store.keys import ROLES, create_key, key_id_of, set_key_limits
from .runtime import open_database


def register(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="Manage API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="Create an API key and print it (shown only this once)")
    create.add_argument("--role", choices=ROLES, default="workflow")
    create.add_argument("--label", default="")
    create.add_argument("--rate-limit", type=int, default=None,
                        help="Requests per rate window for this key (default: the role's; 0: unlimited)")
    create.add_argument("--item-quota", type=int, default=None,
                        help="Batch items per quota window for this key (default: the role's; 0: unlimited)")
    create.set_defaults(run=run_create)


def run_create(args: argparse.Namespace) -> int:
    database = open_database(Settings.from_env())
    raw_key = create_key(database, args.role, args.label)
    if args.rate_limit is not None or args.item_quota is not None:
        set_key_limits(database, key_id_of(raw_key), args.rate_limit, args.item_quota)
    print(raw_key)
    return 0
