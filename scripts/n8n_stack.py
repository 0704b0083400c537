#!/usr/bin/env python3
"""A local Belegfluss stack with a real n8n: sidecar, HubSpot stand-in and n8n running the node pack
and the shipped templates, all on SQLite.

Used by the end-to-end tests (`tests/e2e`), the n8n benchmark and `make run` / `make stop`:

    python scripts/n8n_stack.py up   [--run-dir .run] [--replay DIR]   # set up, start, replay, summary
    python scripts/n8n_stack.py down [--run-dir .run]                  # stop what `up` started

`up` installs what is missing (Node 24 and n8n into the tools cache, the node pack built from
`n8n_nodes/`), imports the credentials and every template from `workflows/` unchanged, publishes
them and starts the three processes. Their pids, URLs and keys are kept in `<run dir>/stack.json`.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from belegfluss.profiles.model import LocationProfile

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
WORKFLOWS = REPO / "workflows"
NODE_PACK = REPO / "n8n_nodes"
HUBSPOT_STANDIN = REPO / "tests" / "standins" / "hubspot.py"
DEFAULT_RUN_DIR = REPO / ".run"
TOOLS_DIR = Path(os.environ.get("BELEGFLUSS_TOOLS_DIR", Path.home() / ".cache" / "belegfluss-tools"))

# The templates name these credentials; a user's import links them by name and type, the tests
# import them with these fixed ids so the templates run unchanged.
BELEGFLUSS_CREDENTIAL = {"id": "bfSidecarCred001", "name": "Belegfluss sidecar", "type": "belegflussApi"}
HUBSPOT_CREDENTIAL = {"id": "bfHubspotCred001", "name": "HubSpot private app", "type": "hubspotAppToken"}
# For workflows calling the sidecar with plain HTTP Request nodes (the benchmark's baseline).
SIDECAR_BEARER_CREDENTIAL = {"id": "bfBenchSidecar01", "name": "Belegfluss sidecar (bearer)", "type": "httpBearerAuth"}

POS_WEBHOOK_PATH = "belegfluss/pos"
# The one folder n8n's file nodes may read and write (N8N_RESTRICT_FILE_ACCESS_TO; n8n 2.x's default
# is ~/.n8n-files): the DATEV export template writes its files below it.
FILES_FOLDER = "files"
# Fixed, so credentials imported by one command can be read by the n8n started by the next.
N8N_ENCRYPTION_KEY = "belegfluss-local-stack-not-a-secret"
STARTUP_TIMEOUT_S = 120.0


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Runs a set-up command; its output is shown only when it fails."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise StackError(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _hash_files(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- installing -------------------------------------------------------------------------------


def node_bin_dir() -> Path:
    return Path(_run([str(SCRIPTS / "ensure_node24.sh")]).strip().splitlines()[-1])


def ensure_n8n() -> Path:
    """The `n8n` binary of the pinned install (scripts/install_n8n.sh; cached, ~6 minutes cold)."""
    return Path(_run([str(SCRIPTS / "install_n8n.sh")]).strip().splitlines()[-1])


def node_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{node_bin_dir()}{os.pathsep}{os.environ['PATH']}"}
    return {**env, **(extra or {})}


def build_node_pack(out_dir: Path) -> Path:
    """Builds and packs `n8n_nodes/` in a private copy (the pack's own working tree is left alone)
    whose node_modules are kept between runs while the lockfile stays the same."""
    build_dir = TOOLS_DIR / f"n8n-nodes-build-{_hash_files(NODE_PACK / 'package-lock.json')}"
    build_dir.mkdir(parents=True, exist_ok=True)
    # Several stacks (parallel test runs) share the build folder: one builds and packs at a time.
    with (TOOLS_DIR / f"{build_dir.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_and_pack(build_dir, out_dir)


def _build_and_pack(build_dir: Path, out_dir: Path) -> Path:
    for entry in build_dir.iterdir():
        if entry.name != "node_modules":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.copytree(NODE_PACK, build_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("node_modules", "dist", "*.tgz", "*.tsbuildinfo"))
    env = node_env()
    npm = ["npm", "--no-audit", "--no-fund", "--loglevel=error"]
    if not (build_dir / "node_modules" / ".package-lock.json").exists():
        # --legacy-peer-deps: the pack's lockfile is written without auto-installed peer dependencies.
        _run([*npm, "ci", "--ignore-scripts", "--legacy-peer-deps"], cwd=build_dir, env=env)
    _run([*npm, "run", "build"], cwd=build_dir, env=env)
    out_dir.mkdir(parents=True, exist_ok=True)
    packed = json.loads(_run([*npm, "pack", "--json", "--pack-destination", str(out_dir)], cwd=build_dir, env=env))
    return out_dir / packed[0]["filename"]


def install_node_pack(user_folder: Path, tarball: Path) -> None:
    """Installs the packed node pack where n8n keeps community packages, so its nodes get the type
    names a user's community install gives them (`n8n-nodes-belegfluss.belegfluss`)."""
    nodes_dir = user_folder / ".n8n" / "nodes"
    nodes_dir.mkdir(parents=True, exist_ok=True)
    manifest = nodes_dir / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "installed-nodes", "private": True}))
    # --legacy-peer-deps: the peer n8n-workflow is the running n8n's own; a second copy would cost
    # 140 MB per install and split `instanceof NodeApiError` between two copies.
    _run(["npm", "install", "--ignore-scripts", "--legacy-peer-deps", "--no-audit", "--no-fund", "--loglevel=error",
          str(tarball)], cwd=nodes_dir, env=node_env())


# --- templates ------------------------------------------------------------------------------


def template_files() -> list[Path]:
    """Every shipped template: `workflows/<scenario>/*.json` (profiles are YAML and not templates)."""
    return sorted(p for p in WORKFLOWS.glob("*/*.json") if p.parent.name != "profiles")


def workflow_id(path: Path) -> str:
    return json.loads(path.read_text())["id"]


def write_local_profiles(target: Path, crm_base_url: str, alert_webhook_url: str) -> Path:
    """The shipped profiles, pointed at the local stand-ins: what an ops team does per location."""
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted((WORKFLOWS / "profiles").glob("*.y*ml")):
        profile = yaml.safe_load(source.read_text(encoding="utf-8"))
        profile.setdefault("crm", {})["base_url"] = crm_base_url
        if "alerts" in LocationProfile.model_fields:  # where the error handler sends its message
            profile["alerts"] = {**(profile.get("alerts") or {}), "webhook_url": alert_webhook_url}
        (target / source.name).write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return target


# --- processes ------------------------------------------------------------------------------


def _start(cmd: list[str], log: Path, env: dict[str, str], cwd: Path = REPO) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        # Own session: the process and its children (n8n's task runner) stop together by group id.
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return process.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still "exists"; reap it if it is ours.
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def stop_process(pid: int, timeout: float = 15.0) -> None:
    """Stops a process group this module started: SIGTERM, then SIGKILL after `timeout`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)


def log_tail(log: Path, lines: int = 60) -> str:
    if not log.exists():
        return f"(no log at {log})"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_until(check, what: str, pid: int, log: Path, timeout: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            raise StackError(f"{what}: the process exited.\n{log_tail(log)}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise StackError(f"{what}: not ready after {timeout:.0f} s.\n{log_tail(log)}")


def _belegfluss_executable() -> str:
    beside_python = Path(sys.executable).parent / "belegfluss"
    found = str(beside_python) if beside_python.exists() else shutil.which("belegfluss")
    if not found:
        raise StackError("the `belegfluss` command is missing: pip install -e python_service")
    return found


@dataclass
class StackInfo:
    """Where the running stack answers, and with which keys; saved as `<run dir>/stack.json`."""

    run_dir: str
    sidecar_url: str
    sidecar_key: str
    hubspot_url: str
    hubspot_token: str
    n8n_url: str
    n8n_user_folder: str
    pids: dict[str, int] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    workflows: dict[str, str] = field(default_factory=dict)  # template name → workflow id

    def pos_webhook_url(self, source: str) -> str:
        return f"{self.n8n_url}/webhook/{POS_WEBHOOK_PATH}?source={source}"

    def sidecar(self) -> httpx.Client:
        return httpx.Client(base_url=self.sidecar_url, headers={"Authorization": f"Bearer {self.sidecar_key}"},
                            timeout=30)

    def hubspot(self) -> httpx.Client:
        return httpx.Client(base_url=self.hubspot_url, timeout=30)

    @property
    def files_dir(self) -> Path:
        return Path(self.n8n_user_folder) / FILES_FOLDER

    @property
    def n8n_database(self) -> Path:
        return Path(self.n8n_user_folder) / ".n8n" / "database.sqlite"

    def n8n_rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Rows of n8n's own database; `?` marks a parameter. Read-only, beside the running n8n
        (its SQLite runs in WAL mode). The queue-mode stack reads its PostgreSQL schema instead."""
        with sqlite3.connect(f"file:{self.n8n_database}?mode=ro", uri=True, timeout=10) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql, args)]

    def save(self) -> None:
        (Path(self.run_dir) / "stack.json").write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, run_dir: Path) -> "StackInfo":
        return cls(**json.loads((run_dir / "stack.json").read_text()))


class N8n:
    """The n8n CLI and server of one user folder."""

    def __init__(self, binary: Path, user_folder: Path, port: int, log_level: str = "info") -> None:
        self.binary, self.user_folder, self.port = binary, user_folder, port
        self.env = node_env({
            "N8N_USER_FOLDER": str(user_folder),
            "N8N_ENCRYPTION_KEY": N8N_ENCRYPTION_KEY,
            "N8N_PORT": str(port),
            "N8N_LISTEN_ADDRESS": "127.0.0.1",
            "N8N_RUNNERS_BROKER_PORT": str(free_port()),
            "N8N_DIAGNOSTICS_ENABLED": "false",
            "N8N_SECURE_COOKIE": "false",
            "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "false",
            "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
            "N8N_TEMPLATES_ENABLED": "false",
            "N8N_PERSONALIZATION_ENABLED": "false",
            "N8N_HIRING_BANNER_ENABLED": "false",
            "N8N_LOG_LEVEL": log_level,
            "DB_SQLITE_POOL_SIZE": "4",
            "N8N_RESTRICT_FILE_ACCESS_TO": str(user_folder / FILES_FOLDER),
        })

    def cli(self, *args: str) -> str:
        return _run([str(self.binary), *args], env=self.env)

    def import_credentials(self, credentials: list[dict[str, Any]]) -> None:
        # Plain `data` is encrypted by the import; the file holds secrets only for this local run.
        path = self.user_folder / "credentials.json"
        path.write_text(json.dumps(credentials))
        try:
            self.cli("import:credentials", f"--input={path}")
        finally:
            path.unlink()

    def import_workflows(self, workflow_files: Iterable[Path], placeholders: dict[str, str]) -> dict[str, str]:
        """Imports workflows in one CLI call (each call boots n8n for several seconds); answers
        name → id. The shipped templates are imported as they are; test fixtures may name the local
        services with placeholders (`__SIDECAR_URL__`). Publish them with `PUBLISH_WORKFLOWS`."""
        folder = self.user_folder / "import"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        workflows: dict[str, str] = {}
        for path in workflow_files:
            text = path.read_text()
            for key, value in placeholders.items():
                text = text.replace(key, value)
            workflow = json.loads(text)
            workflows[workflow["name"]] = workflow["id"]
            (folder / f"{workflow['id']}.json").write_text(text)
        self.cli("import:workflow", "--separate", f"--input={folder}")
        return workflows

    def start(self, log: Path) -> int:
        return _start([str(self.binary), "start"], log, self.env)


# What `n8n publish:workflow --id=…` does (WorkflowRepository.publishVersion: the imported version,
# which must exist in the workflow history, becomes the active one), for many workflows in one
# statement: the CLI boots n8n for several seconds per call and has no "all" any more. `{ids}` is
# the database's placeholder list; SQLite and PostgreSQL both run it.
PUBLISH_WORKFLOWS = (
    'UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId" WHERE id IN ({ids}) '
    'AND EXISTS (SELECT 1 FROM workflow_history AS h WHERE h."workflowId" = workflow_entity.id '
    'AND h."versionId" = workflow_entity."versionId") RETURNING id'
)


def check_published(workflows: dict[str, str], published: Iterable[str]) -> dict[str, str]:
    unpublished = set(workflows.values()) - set(published)
    if unpublished:
        raise StackError(f"n8n did not import these workflows with a version to publish: {sorted(unpublished)}")
    return workflows


def publish_in_sqlite(database: Path, workflows: dict[str, str]) -> dict[str, str]:
    """Publishes imported workflows in n8n's SQLite database (n8n not running yet)."""
    ids = list(workflows.values())
    with sqlite3.connect(database, timeout=10) as connection:
        rows = connection.execute(PUBLISH_WORKFLOWS.format(ids=", ".join("?" * len(ids))), ids).fetchall()
    return check_published(workflows, (row[0] for row in rows))


def wait_for_webhook(n8n_url: str, path: str, pid: int, log: Path) -> None:
    """Webhooks are registered a few seconds after /healthz answers. n8n answers 404 for a path it
    does not know, and also for a known POST webhook asked with GET, but names the method then."""

    def registered() -> bool:
        answer = httpx.get(f"{n8n_url}/webhook/{path}", timeout=5)
        return answer.status_code != 404 or "not registered for GET" in answer.text

    wait_until(registered, f"n8n webhook /webhook/{path}", pid, log)


def up(run_dir: Path, extra_workflows: Iterable[Path] = (), n8n_log_level: str = "info",
       sidecar_settings: dict[str, str] | None = None) -> StackInfo:
    """Sets up and starts sidecar, HubSpot stand-in and n8n; returns where they answer.
    `sidecar_settings` adds environment settings, e.g. a short redelivery backoff for tests."""
    run_dir = run_dir.resolve()
    if (run_dir / "stack.json").exists():
        down(run_dir)
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    logs = {name: run_dir / f"{name}.log" for name in ("sidecar", "hubspot", "n8n")}
    pids: dict[str, int] = {}
    info = StackInfo(
        run_dir=str(run_dir), sidecar_url=f"http://127.0.0.1:{free_port()}", sidecar_key=secrets.token_urlsafe(24),
        hubspot_url=f"http://127.0.0.1:{free_port()}", hubspot_token=secrets.token_urlsafe(24),
        n8n_url="", n8n_user_folder=str(run_dir / "n8n"), pids=pids, logs={k: str(v) for k, v in logs.items()},
    )
    try:
        n8n_binary = ensure_n8n()
        user_folder = Path(info.n8n_user_folder)
        install_node_pack(user_folder, build_node_pack(run_dir / "pack"))

        standin_port = info.hubspot_url.rsplit(":", 1)[1]
        # `--token=…` in one argument: a URL-safe token may start with "-", which argparse takes for an option.
        pids["hubspot"] = _start([sys.executable, str(HUBSPOT_STANDIN), "--port", standin_port,
                                  f"--token={info.hubspot_token}"], logs["hubspot"], dict(os.environ))

        profiles = write_local_profiles(run_dir / "profiles", info.hubspot_url, f"{info.hubspot_url}/__standin/notify")
        sidecar_env = {**os.environ, "BELEGFLUSS_DATABASE_URL": f"sqlite:///{run_dir / 'belegfluss.db'}",
                       "BELEGFLUSS_BOOTSTRAP_KEY": info.sidecar_key, "BELEGFLUSS_PROFILES_DIR": str(profiles),
                       **(sidecar_settings or {})}
        pids["sidecar"] = _start([_belegfluss_executable(), "serve", "--port", info.sidecar_url.rsplit(":", 1)[1]],
                                 logs["sidecar"], sidecar_env)

        n8n = N8n(n8n_binary, user_folder, free_port(), n8n_log_level)
        info.n8n_url = f"http://127.0.0.1:{n8n.port}"
        n8n.import_credentials([
            {**BELEGFLUSS_CREDENTIAL, "data": {"baseUrl": info.sidecar_url, "apiKey": info.sidecar_key}},
            {**HUBSPOT_CREDENTIAL, "data": {"appToken": info.hubspot_token}},
            {**SIDECAR_BEARER_CREDENTIAL, "data": {"token": info.sidecar_key}},
        ])
        info.files_dir.mkdir(parents=True, exist_ok=True)
        placeholders = {"__SIDECAR_URL__": info.sidecar_url, "__HUBSPOT_URL__": info.hubspot_url,
                        "__FILES_DIR__": str(info.files_dir)}
        info.workflows = publish_in_sqlite(info.n8n_database,
                                           n8n.import_workflows([*template_files(), *extra_workflows], placeholders))
        pids["n8n"] = n8n.start(logs["n8n"])
        info.save()

        wait_until(lambda: httpx.get(f"{info.hubspot_url}/__standin/state").is_success,
                   "HubSpot stand-in", pids["hubspot"], logs["hubspot"])
        wait_until(lambda: httpx.get(f"{info.sidecar_url}/healthz").is_success,
                   "Belegfluss sidecar", pids["sidecar"], logs["sidecar"])
        wait_until(lambda: httpx.get(f"{info.n8n_url}/healthz").is_success, "n8n", pids["n8n"], logs["n8n"])
        wait_for_webhook(info.n8n_url, POS_WEBHOOK_PATH, pids["n8n"], logs["n8n"])
    except BaseException:
        info.save()
        down(run_dir)
        raise
    return info


def down(run_dir: Path) -> None:
    state = run_dir / "stack.json"
    if not state.exists():
        return
    info = StackInfo.load(run_dir)
    for name in ("n8n", "sidecar", "hubspot"):  # n8n first: it is the one calling the others
        if name in info.pids:
            stop_process(info.pids[name])
    state.unlink()


# --- observing n8n ---------------------------------------------------------------------------


ACTIVE_STATES = ("new", "running", "waiting")  # an execution in one of these has not finished


def executions(info: StackInfo, workflow_id: str | None = None) -> list[dict[str, Any]]:
    """n8n's executions, of one workflow or all (scheduled templates run beside the tested one)."""
    where, args = (' WHERE "workflowId" = ?', (workflow_id,)) if workflow_id is not None else ("", ())
    return info.n8n_rows('SELECT id, "workflowId", status, mode, "startedAt", "stoppedAt" '
                         f"FROM execution_entity{where} ORDER BY id", *args)


def wait_for_executions(info: StackInfo, at_least: int, timeout: float = 120.0,
                        workflow_id: str | None = None) -> list[dict[str, Any]]:
    """Waits until n8n has at least `at_least` executions (of the workflow) and none of them is
    queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        found = executions(info, workflow_id)
        if len(found) >= at_least and all(e["status"] not in ACTIVE_STATES for e in found):
            return found
        if time.monotonic() > deadline:
            states: dict[str, int] = {}
            for execution in found:
                states[execution["status"]] = states.get(execution["status"], 0) + 1
            raise StackError(f"expected {at_least} finished executions, found {len(found)}: {states}")
        time.sleep(0.2)


def execution_run_data(info: StackInfo, execution_ids: list[Any]) -> dict[int, dict[str, Any]]:
    """n8n's decoded run data of the named executions."""
    if not execution_ids:
        return {}
    # As text: the column is text in some n8n versions' PostgreSQL schema and an integer in others.
    marks = ", ".join("?" * len(execution_ids))
    rows = info.n8n_rows(f'SELECT "executionId", data FROM execution_data '
                         f'WHERE CAST("executionId" AS TEXT) IN ({marks})', *(str(i) for i in execution_ids))
    return {int(row["executionId"]): parse_flatted(row["data"]) for row in rows}


def parse_flatted(text: str) -> Any:
    """Decodes n8n's stored run data, written with the `flatted` format (JSON with shared and
    circular references): every string inside an object or array is the index of its value."""
    values = json.loads(text)
    resolved: dict[int, Any] = {}

    def resolve(index: int) -> Any:
        if index in resolved:
            return resolved[index]
        raw = values[index]
        if isinstance(raw, list):
            resolved[index] = out = []
            out.extend(revive(entry) for entry in raw)
        elif isinstance(raw, dict):
            resolved[index] = out = {}
            out.update({key: revive(entry) for key, entry in raw.items()})
        else:
            resolved[index] = out = raw
        return out

    def revive(entry: Any) -> Any:
        return resolve(int(entry)) if isinstance(entry, str) else entry

    return resolve(0)


def describe_execution(data: dict[str, Any]) -> str:
    """The failing node, its error and how many items each node put out: what a reader needs first."""
    result = data.get("resultData", {})
    error = result.get("error") or {}
    lines = [f"  last node: {result.get('lastNodeExecuted')}",
             f"  error: {error.get('message')}", f"  description: {error.get('description')}"]
    for node, runs in (result.get("runData") or {}).items():
        for run in runs:
            outputs = (run.get("data") or {}).get("main") or []
            counts = [len(output or []) for output in outputs]
            failure = (run.get("error") or {}).get("message")
            lines.append(f"  {node}: {run.get('executionStatus')} items out {counts}" + (f" error: {failure}" if failure else ""))
    return "\n".join(lines)


def failed_executions_report(info: StackInfo, at_most: int = 20) -> str:
    """n8n's failed executions, decoded, for the output of a failing test."""
    failed = [e for e in executions(info) if e["status"] not in ("success", *ACTIVE_STATES)][:at_most]
    if not failed:
        return "(no failed executions)"
    data = execution_run_data(info, [e["id"] for e in failed])
    return "\n".join(f"execution {e['id']} of workflow {e['workflowId']}: {e['status']}\n"
                     f"{describe_execution(data.get(int(e['id']), {}))}" for e in failed)


def diagnostics(info: StackInfo) -> str:
    parts = [f"--- {name} log ({path}) ---\n{log_tail(Path(path))}" for name, path in info.logs.items()]
    try:
        parts.append(f"--- failed n8n executions ---\n{failed_executions_report(info)}")
    except Exception as exc:  # noqa: BLE001 - a report for a failing test must not fail itself
        parts.append(f"--- n8n executions unreadable: {exc} ---")
    return "\n\n".join(parts)


# --- replaying a day ------------------------------------------------------------------------


def sample_batches(folder: Path, batch_size: int) -> Iterator[tuple[str, list[Any]]]:
    """(source, sales) batches from `<source>*.jsonl` files: the file name starts with the POS name."""
    for path in sorted(folder.glob("*.jsonl")):
        source = path.stem.split("_")[0].split("-")[0]
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for start in range(0, len(lines), batch_size):
            yield source, lines[start : start + batch_size]


def replay(info: StackInfo, folder: Path, batch_size: int = 100) -> int:
    sent = 0
    with httpx.Client(timeout=60) as client:
        for source, sales in sample_batches(folder, batch_size):
            client.post(info.pos_webhook_url(source), json=sales).raise_for_status()
            sent += 1
    return sent


def summary(info: StackInfo) -> dict[str, int]:
    with info.sidecar() as sidecar, info.hubspot() as hubspot:
        accepted = sidecar.get("/v1/events", params={"limit": 1}).json()["total"]
        quarantined = sidecar.get("/v1/quarantine", params={"status": "open", "limit": 1}).json()["total"]
        crm = hubspot.get("/__standin/state").json()
    runs = executions(info)
    return {
        "accepted (stored events)": accepted,
        "quarantined (open tickets)": quarantined,
        "CRM contacts": len(crm["contacts"]),
        "CRM notes (purchases)": len(crm["notes"]),
        "n8n executions": len(runs),
        "failed executions": sum(1 for run in runs if run["status"] != "success"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="set up and start the stack, replay a day, print a summary")
    start.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    start.add_argument("--replay", type=Path, help="folder of <source>*.jsonl POS payloads to send")
    stop = commands.add_parser("down", help="stop the stack started by `up`")
    stop.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    args = parser.parse_args(argv)

    if args.command == "down":
        down(args.run_dir.resolve())
        print(f"stopped the stack in {args.run_dir}")
        return 0
    print("Setting up (Node 24, n8n, node pack; the first run takes a few minutes)...", flush=True)
    info = up(args.run_dir)
    if args.replay:
        calls = replay(info, args.replay)
        wait_for_executions(info, at_least=calls)
        print(f"Replayed {args.replay} in {calls} webhook calls.")
        for name, count in summary(info).items():
            print(f"  {name:28} {count}")
    print(f"\nn8n:       {info.n8n_url}  (templates: {', '.join(info.workflows)})")
    print(f"sidecar:   {info.sidecar_url}  (API key in {info.run_dir}/stack.json)")
    print(f"HubSpot:   {info.hubspot_url}/__standin/state  (stand-in)")
    print(f"POS hook:  {info.pos_webhook_url('<source>')}")
    print(f"Logs in {info.run_dir}; stop with `make stop` (python scripts/n8n_stack.py down).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
