"""Entry point of the `belegfluss` console script. Each command module registers its subcommands."""

from __future__ import annotations

import argparse
import sys

from ..gc_tuning import tune_garbage_collector
from . import accounting, check, demo, events, identity, keys, serve

COMMAND_MODULES = (serve, events, keys, demo, accounting, identity, check)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="belegfluss", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tune_garbage_collector()
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
