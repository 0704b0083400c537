"""`belegfluss demo`: start the sidecar on SQLite and replay the shipped sample day through it.

It talks HTTP to a real `belegfluss serve` process, the way n8n does: one batched map call and
one batched validate call per source, failures into quarantine. Then it prints what was accepted
and what went to quarantine, and why.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from ..demo import SAMPLE_DAY


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="Replay the shipped sample day through a fresh sidecar")
    demo.add_argument("--workdir", default=".run/demo", help="Where the demo database and log go")
    demo.add_argument("--port", type=int, default=0, help="Port for the sidecar (default: a free one)")
    demo.add_argument("--keep-running", action="store_true", help="Leave the sidecar running afterwards")
    demo.set_defaults(run=run_demo)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    def __init__(self, base_url: str, key: str) -> None:
        self.base_url, self.key = base_url, key

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.base_url + path, method=method,
            data=None if body is None else orjson.dumps(body),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return orjson.loads(response.read())


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path, deadline: float = 30) -> None:
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if process.poll() is not None:
            raise SystemExit(f"the sidecar stopped at start; its log ({log}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise SystemExit(f"the sidecar did not answer within {deadline} s; see {log}")


def run_demo(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "belegfluss.db"
    for stale in workdir.glob("belegfluss.db*"):
        stale.unlink()
    port = args.port or free_port()
    key = f"bf_demo_{secrets.token_urlsafe(24)}"
    env = {**os.environ, "BELEGFLUSS_DATABASE_URL": f"sqlite:///{database}", "BELEGFLUSS_BOOTSTRAP_KEY": key}
    log = workdir / "sidecar.log"
    process = subprocess.Popen([sys.executable, "-m", "belegfluss.cli.main", "serve", "--port", str(port)],
                               env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process, log)
        client = Client(base_url, key)
        print(f"Sidecar running at {base_url} (SQLite: {database})\n")
        replay_sample_day(client)
    finally:
        if not args.keep_running:
            process.terminate()
            process.wait(timeout=30)
    if args.keep_running:
        print(f"\nThe sidecar keeps running (pid {process.pid}); API key: {key}\nStop it with: kill {process.pid}")
    return 0


def replay_sample_day(client: Client) -> None:
    accepted = 0
    quarantined: list[tuple[str, str]] = []
    for path in sorted(SAMPLE_DAY.glob("*.jsonl")):
        source = path.stem
        payloads = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
        mapped = client.call("POST", "/v1/map", {"source": source, "items": payloads, "quarantine": True})["results"]
        events = [answer["event"] for answer in mapped if answer["ok"]]
        validated = client.call("POST", "/v1/validate", {"items": events, "quarantine": True,
                                                         "source": source})["results"] if events else []
        ok = sum(answer["ok"] for answer in validated)
        accepted += ok
        for answer in [*mapped, *validated]:
            if not answer["ok"]:
                quarantined.append((source, answer["errors"][0]["message"]))
        print(f"{source:>10}: {len(payloads):3d} payloads, {ok:3d} accepted, "
              f"{len(payloads) - ok:3d} quarantined")
    tickets = client.call("GET", "/v1/quarantine?status=open&limit=1000")
    print(f"\nAccepted and stored: {accepted}   In quarantine: {tickets['total']} open tickets")
    by_code = Counter(code for ticket in tickets["tickets"] for code in ticket["codes"])
    for code, count in by_code.most_common():
        print(f"  {count:3d} × {code}")
    print("\nWhy, per quarantined item:")
    for source, reason in quarantined:
        print(f"  [{source}] {reason}")
