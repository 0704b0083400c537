#!/usr/bin/env python3
"""The Belegfluss stack with n8n in queue mode, on one machine: the production topology of
`docker-compose.yml` with local processes instead of containers.

- n8n main (editor, API, activates the templates), one webhook processor (`n8n webhook`, where POS
  webhooks go) and two workers (`n8n worker`), with `EXECUTIONS_MODE=queue`: Redis at
  127.0.0.1:6379 under a Bull key prefix of their own, n8n's database in a PostgreSQL schema of its
  own, one encryption key, the packed node pack installed for every process;
- two sidecar replicas (`belegfluss serve`) sharing one PostgreSQL schema, behind HAProxy
  (`tests/e2e/proxy/haproxy.cfg`) at one address, which is the Belegfluss credential's base URL;
- the HubSpot stand-in; the shipped templates imported and published unchanged.

`down` stops every process and removes the schemas and Redis keys of the run.

    python scripts/queue_stack.py up   [--run-dir .run-queue] [--workers 2]
    python scripts/queue_stack.py down [--run-dir .run-queue]

Set-up steps and the n8n CLI are those of `scripts/n8n_stack.py` (imported). To profile n8n, set
BELEGFLUSS_N8N_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof/{name}" and summarise the profiles
with `scripts/cpuprofile_summary.py`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
import redis
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent))

import n8n_stack
from n8n_stack import (
    BELEGFLUSS_CREDENTIAL,
    HUBSPOT_CREDENTIAL,
    HUBSPOT_STANDIN,
    POS_WEBHOOK_PATH,
    REPO,
    SCRIPTS,
    SIDECAR_BEARER_CREDENTIAL,
    N8n,
    StackInfo,
    free_port,
    wait_until,
)

DEFAULT_RUN_DIR = REPO / ".run-queue"
HAPROXY_CONFIG = REPO / "tests" / "e2e" / "proxy" / "haproxy.cfg"
POSTGRES_URL = os.environ.get("BELEGFLUSS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BELEGFLUSS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPLICAS = ("sidecar-a", "sidecar-b")
POS_WORKFLOW_ID = n8n_stack.workflow_id(n8n_stack.WORKFLOWS / "pos-sale-to-crm" / "pos-sale-to-crm.json")
WORKER_CONCURRENCY = 10
# Extra Node.js options for the n8n servers of the stack (not its CLI calls); `{name}` becomes the
# process name (n8n-main, n8n-webhook, n8n-worker-1, ...).
N8N_NODE_OPTIONS_VARIABLE = "BELEGFLUSS_N8N_NODE_OPTIONS"


@dataclass
class QueueStackInfo(StackInfo):
    """StackInfo plus what queue mode adds. `n8n_url` is the main process (editor, API);
    `webhook_url` the webhook processor; `sidecar_url` the proxy in front of both replicas;
    `sidecar_key` the admin key, `workflow_key` the one n8n's credential holds."""

    webhook_url: str = ""
    workflow_key: str = ""
    replica_urls: list[str] = field(default_factory=list)
    n8n_schema: str = ""
    sidecar_schema: str = ""
    bull_prefix: str = ""
    n8n_ports: dict[str, int] = field(default_factory=dict)  # process name → port (workers: /healthz)

    def pos_webhook_url(self, source: str) -> str:
        return f"{self.webhook_url}/webhook/{POS_WEBHOOK_PATH}?source={source}"

    @property
    def sidecar_database_url(self) -> str:
        return f"{POSTGRES_URL}?schema={self.sidecar_schema}"

    def n8n_rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Rows of n8n's PostgreSQL schema; `?` marks a parameter, as for the single stack's SQLite."""
        with _postgres(self.n8n_schema) as connection:
            return connection.execute(sql.replace("?", "%s"), args).fetchall()


# --- PostgreSQL and Redis of one run -----------------------------------------------------------


def _postgres(schema: str | None = None) -> psycopg.Connection:
    options = f"-c search_path={schema}" if schema else ""
    return psycopg.connect(POSTGRES_URL, options=options, autocommit=True, row_factory=dict_row)


def _create_schema(schema: str) -> None:
    with _postgres() as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')


def _drop_schema(schema: str) -> None:
    if schema:
        with _postgres() as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _delete_redis_keys(prefix: str) -> None:
    if not prefix:
        return
    client = redis.Redis.from_url(REDIS_URL)
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
    finally:
        client.close()


def _n8n_database_env(schema: str) -> dict[str, str]:
    url = urlsplit(POSTGRES_URL)
    return {
        "DB_TYPE": "postgresdb",
        "DB_POSTGRESDB_HOST": url.hostname or "127.0.0.1",
        "DB_POSTGRESDB_PORT": str(url.port or 5432),
        "DB_POSTGRESDB_DATABASE": url.path.lstrip("/"),
        "DB_POSTGRESDB_USER": url.username or "postgres",
        "DB_POSTGRESDB_PASSWORD": url.password or "",
        "DB_POSTGRESDB_SCHEMA": schema,
    }


def _queue_env(schema: str, bull_prefix: str) -> dict[str, str]:
    """What every n8n process of the run shares (docker-compose.yml's x-n8n environment)."""
    redis_url = urlsplit(REDIS_URL)
    return {
        **_n8n_database_env(schema),
        "EXECUTIONS_MODE": "queue",
        "QUEUE_BULL_REDIS_HOST": redis_url.hostname or "127.0.0.1",
        "QUEUE_BULL_REDIS_PORT": str(redis_url.port or 6379),
        "QUEUE_BULL_PREFIX": bull_prefix,  # this run's keys only; removed by `down`
        "OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS": "true",
        "N8N_GRACEFUL_SHUTDOWN_TIMEOUT": "5",
    }


# --- processes ----------------------------------------------------------------------------------


def ensure_haproxy() -> str:
    return n8n_stack._run([str(SCRIPTS / "install_proxy.sh")]).strip().splitlines()[-1]


def _start_sidecar(name: str, info: QueueStackInfo, port: int, profiles: Path, extra_env: dict[str, str]) -> int:
    env = {**os.environ, "BELEGFLUSS_DATABASE_URL": info.sidecar_database_url,
           "BELEGFLUSS_BOOTSTRAP_KEY": info.sidecar_key, "BELEGFLUSS_PROFILES_DIR": str(profiles), **extra_env}
    # Access log on (info): the tests count each replica's requests and its 429 answers.
    return n8n_stack._start([n8n_stack._belegfluss_executable(), "serve", "--port", str(port), "--log-level", "info"],
                            Path(info.logs[name]), env)


def _create_workflow_key(info: QueueStackInfo, rate_limit: int | None) -> str:
    """The key n8n works with: role `workflow`, as an ops team would create it for n8n."""
    command = [n8n_stack._belegfluss_executable(), "keys", "create", "--role", "workflow", "--label", "n8n"]
    if rate_limit is not None:
        command += ["--rate-limit", str(rate_limit)]
    env = {**os.environ, "BELEGFLUSS_DATABASE_URL": info.sidecar_database_url}
    return n8n_stack._run(command, env=env).strip().splitlines()[-1]


def _n8n_process(binary: Path, user_folder: Path, queue_env: dict[str, str], log_level: str) -> N8n:
    n8n = N8n(binary, user_folder, free_port(), log_level)
    n8n.env.update(queue_env)
    n8n.env.pop("DB_SQLITE_POOL_SIZE", None)
    return n8n


def _server_node_options(name: str) -> dict[str, str]:
    """NODE_OPTIONS for the n8n server `name` when N8N_NODE_OPTIONS_VARIABLE asks for them (profiling)."""
    node_options = os.environ.get(N8N_NODE_OPTIONS_VARIABLE)
    return {"NODE_OPTIONS": node_options.replace("{name}", name)} if node_options else {}


def _copy_node_pack(installed_in: Path, user_folder: Path) -> None:
    """Every n8n process has a user folder of its own (event logs, runner state), and in each the
    node pack where a community install puts it."""
    shutil.copytree(installed_in / ".n8n" / "nodes", user_folder / ".n8n" / "nodes", symlinks=True)


def import_and_publish_templates(main: N8n, info: QueueStackInfo) -> dict[str, str]:
    """Imports every shipped template unchanged and publishes them all at once (see
    `n8n_stack.PUBLISH_WORKFLOWS`)."""
    workflows = main.import_workflows(n8n_stack.template_files(), {})
    ids = list(workflows.values())
    with _postgres(info.n8n_schema) as connection:
        rows = connection.execute(n8n_stack.PUBLISH_WORKFLOWS.format(ids=", ".join(["%s"] * len(ids))), ids).fetchall()
    return n8n_stack.check_published(workflows, (row["id"] for row in rows))


def up(run_dir: Path, *, workers: int = 2, workflow_rate_limit: int | None = None,
       sidecar_env: dict[str, str] | None = None, n8n_log_level: str = "info") -> QueueStackInfo:
    """Sets up and starts the queue-mode stack; returns where it answers. `workflow_rate_limit`
    and `sidecar_env` (e.g. `BELEGFLUSS_RATE_WINDOW_SECONDS`) shape the sidecars' quotas."""
    run_dir = run_dir.resolve()
    if (run_dir / "stack.json").exists():
        down(run_dir)
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    run_id = uuid.uuid4().hex[:10]
    n8n_names = ["n8n-main", "n8n-webhook", *(f"n8n-worker-{n}" for n in range(1, workers + 1))]
    logs = {name: str(run_dir / f"{name}.log") for name in ["hubspot", *REPLICAS, "proxy", *n8n_names]}
    replica_ports = [free_port() for _ in REPLICAS]
    info = QueueStackInfo(
        run_dir=str(run_dir), sidecar_url=f"http://127.0.0.1:{free_port()}", sidecar_key=secrets.token_urlsafe(24),
        hubspot_url=f"http://127.0.0.1:{free_port()}", hubspot_token=secrets.token_urlsafe(24),
        n8n_url="", n8n_user_folder=str(run_dir / "n8n-main"), logs=logs,
        replica_urls=[f"http://127.0.0.1:{port}" for port in replica_ports],
        n8n_schema=f"bfq_n8n_{run_id}", sidecar_schema=f"bfq_sidecar_{run_id}", bull_prefix=f"bfq-{run_id}",
    )
    pids = info.pids
    try:
        info.save()  # from here on `down` can clean up whatever exists
        haproxy = ensure_haproxy()
        n8n_binary = n8n_stack.ensure_n8n()
        main_folder = Path(info.n8n_user_folder)
        n8n_stack.install_node_pack(main_folder, n8n_stack.build_node_pack(run_dir / "pack"))
        _create_schema(info.n8n_schema)

        pids["hubspot"] = n8n_stack._start(
            [sys.executable, str(HUBSPOT_STANDIN), "--port", info.hubspot_url.rsplit(":", 1)[1],
             f"--token={info.hubspot_token}"], Path(logs["hubspot"]), dict(os.environ))
        profiles = n8n_stack.write_local_profiles(run_dir / "profiles", info.hubspot_url,
                                                  f"{info.hubspot_url}/__standin/notify")
        # One replica after the other, as in docker-compose.yml: the first migrates the schema.
        for name, port, url in zip(REPLICAS, replica_ports, info.replica_urls):
            pids[name] = _start_sidecar(name, info, port, profiles, sidecar_env or {})
            wait_until(lambda url=url: httpx.get(f"{url}/healthz").is_success, name, pids[name], Path(logs[name]))
            info.save()
        info.workflow_key = _create_workflow_key(info, workflow_rate_limit)

        proxy_env = {**os.environ, "BELEGFLUSS_PROXY_ADDRESS": info.sidecar_url.removeprefix("http://"),
                     "BELEGFLUSS_REPLICA_A": info.replica_urls[0].removeprefix("http://"),
                     "BELEGFLUSS_REPLICA_B": info.replica_urls[1].removeprefix("http://")}
        pids["proxy"] = n8n_stack._start([haproxy, "-db", "-f", str(HAPROXY_CONFIG)], Path(logs["proxy"]), proxy_env)
        wait_until(lambda: httpx.get(f"{info.sidecar_url}/healthz").is_success, "HAProxy", pids["proxy"],
                   Path(logs["proxy"]))

        queue_env = _queue_env(info.n8n_schema, info.bull_prefix)
        main = _n8n_process(n8n_binary, main_folder, queue_env, n8n_log_level)
        # Production webhooks are the webhook processor's, as in docker-compose.yml.
        main.env["N8N_DISABLE_PRODUCTION_MAIN_PROCESS"] = "true"
        info.n8n_url = f"http://127.0.0.1:{main.port}"
        main.import_credentials([
            {**BELEGFLUSS_CREDENTIAL, "data": {"baseUrl": info.sidecar_url, "apiKey": info.workflow_key}},
            {**HUBSPOT_CREDENTIAL, "data": {"appToken": info.hubspot_token}},
            {**SIDECAR_BEARER_CREDENTIAL, "data": {"token": info.workflow_key}},
        ])
        info.workflows = import_and_publish_templates(main, info)
        main.env.update(_server_node_options("n8n-main"))
        pids["n8n-main"] = main.start(Path(logs["n8n-main"]))
        info.save()
        wait_until(lambda: httpx.get(f"{info.n8n_url}/healthz/readiness").is_success, "n8n main",
                   pids["n8n-main"], Path(logs["n8n-main"]))

        for name in n8n_names[1:]:
            folder = run_dir / name
            _copy_node_pack(main_folder, folder)
            process = _n8n_process(n8n_binary, folder, queue_env, n8n_log_level)
            process.env.update(_server_node_options(name))
            if name == "n8n-webhook":
                info.webhook_url = f"http://127.0.0.1:{process.port}"
                pids[name] = n8n_stack._start([str(n8n_binary), "webhook"], Path(logs[name]), process.env)
            else:
                # The worker's own /healthz answers once it takes jobs from the queue.
                process.env.update({"QUEUE_HEALTH_CHECK_ACTIVE": "true", "QUEUE_HEALTH_CHECK_PORT": str(process.port)})
                pids[name] = n8n_stack._start([str(n8n_binary), "worker", f"--concurrency={WORKER_CONCURRENCY}"],
                                              Path(logs[name]), process.env)
            info.n8n_ports[name] = process.port
            info.save()
        for name in n8n_names[2:]:
            port = info.n8n_ports[name]
            wait_until(lambda port=port: httpx.get(f"http://127.0.0.1:{port}/healthz").is_success, name,
                       pids[name], Path(logs[name]))
        n8n_stack.wait_for_webhook(info.webhook_url, POS_WEBHOOK_PATH, pids["n8n-webhook"], Path(logs["n8n-webhook"]))
        wait_until(lambda: httpx.get(f"{info.hubspot_url}/__standin/state").is_success,
                   "HubSpot stand-in", pids["hubspot"], Path(logs["hubspot"]))
    except BaseException:
        info.save()
        down(run_dir)
        raise
    info.save()
    return info


def down(run_dir: Path) -> None:
    """Stops the processes (n8n first: it calls the others), then removes the run's schemas and keys."""
    state = run_dir / "stack.json"
    if not state.exists():
        return
    info = QueueStackInfo.load(run_dir)
    n8n_processes = [pid for name, pid in info.pids.items() if name.startswith("n8n")]
    services = [pid for name, pid in info.pids.items() if not name.startswith("n8n")]
    for group in (n8n_processes, services):
        # In parallel: each may take its graceful-shutdown time.
        with ThreadPoolExecutor(max_workers=max(1, len(group))) as pool:
            list(pool.map(n8n_stack.stop_process, group))
    _drop_schema(info.n8n_schema)
    _drop_schema(info.sidecar_schema)
    _delete_redis_keys(info.bull_prefix)
    state.unlink()


# --- observing n8n ------------------------------------------------------------------------------


def access_log_statuses(info: QueueStackInfo, replica: str, path_prefix: str = "/v1/") -> dict[int, int]:
    """How often a replica answered each HTTP status to API requests (not the proxy's health
    checks), from its uvicorn access log."""
    counts: dict[int, int] = {}
    for line in Path(info.logs[replica]).read_text(errors="replace").splitlines():
        # uvicorn: `INFO:     127.0.0.1:5000 - "POST /v1/map HTTP/1.1" 429 Too Many Requests`
        request, quote, answer = line.rpartition('" ')
        _, _, request_line = request.partition('"')
        method_and_path = request_line.split(" ")
        if quote and len(method_and_path) == 3 and method_and_path[1].startswith(path_prefix) and answer[:3].isdigit():
            counts[int(answer[:3])] = counts.get(int(answer[:3]), 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="set up and start the queue-mode stack")
    start.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    start.add_argument("--workers", type=int, default=2)
    stop = commands.add_parser("down", help="stop the stack started by `up` and remove its schemas and keys")
    stop.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    args = parser.parse_args(argv)
    if args.command == "down":
        down(args.run_dir.resolve())
        print(f"stopped the queue-mode stack in {args.run_dir}")
        return 0
    info = up(args.run_dir, workers=args.workers)
    print(f"n8n main:  {info.n8n_url}")
    print(f"POS hook:  {info.pos_webhook_url('<source>')}  (webhook processor)")
    print(f"sidecar:   {info.sidecar_url}  (HAProxy → {', '.join(info.replica_urls)}; keys in {info.run_dir}/stack.json)")
    print(f"HubSpot:   {info.hubspot_url}/__standin/state  (stand-in)")
    print(f"Stop with: python scripts/queue_stack.py down --run-dir {info.run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
