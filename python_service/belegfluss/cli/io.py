"""JSONL in and out: a file or stdin, one JSON value per line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson


def read_jsonl(path: str | None) -> Iterator[tuple[int, Any]]:
    """(line number, value) per non-empty line; a line that is not JSON yields an error marker."""
    handle: IO[bytes] = sys.stdin.buffer if path in (None, "-") else Path(path).open("rb")  # type: ignore[arg-type]
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    yield number, InvalidLine(str(exc))


class InvalidLine:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def write_jsonl(value: Any, out: IO[bytes] | None = None) -> None:
    (out or sys.stdout.buffer).write(orjson.dumps(value) + b"\n")


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
