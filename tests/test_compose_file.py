"""docker-compose.yml cannot run here (no Docker), so it is held to the Compose specification's JSON
schema and to what the sidecar and the n8n topology need: every service, image, port, health check
and environment variable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from belegfluss.settings import Settings
from jsonschema import Draft7Validator

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
# compose-spec/compose-spec schema/compose-spec.json (Apache-2.0, see the LICENSE file beside it).
COMPOSE_SCHEMA = REPO / "tests" / "fixtures" / "compose" / "compose-spec.json"
NGINX_CONF = REPO / "python_service" / "docker" / "nginx.conf"
SIDECAR_PACKAGE = REPO / "python_service" / "belegfluss"
N8N_RUNTIME = REPO / "scripts" / "n8n-runtime" / "package.json"

N8N_SERVICES = ("n8n-main", "n8n-webhook", "n8n-worker")
SIDECAR_REPLICAS = ("sidecar-a", "sidecar-b")
SIDECAR_PORT = 8787
N8N_PORT = 5678

# What n8n's queue mode needs on every process (n8n docs, "Queue mode"), besides the
# encryption key all of them must share.
QUEUE_MODE_ENV = {
    "EXECUTIONS_MODE": "queue",
    "DB_TYPE": "postgresdb",
    "DB_POSTGRESDB_HOST": "postgres",
    "QUEUE_BULL_REDIS_HOST": "redis",
}
# Variables the local e2e stack sets that only make sense for processes started on one machine.
LOCAL_ONLY_N8N_ENV = {
    "N8N_USER_FOLDER",  # the image's /home/node/.n8n
    "N8N_LISTEN_ADDRESS",  # loopback only on a shared test machine
    "N8N_RUNNERS_BROKER_PORT",  # a free port per test run; the container has its own network
    "DB_SQLITE_POOL_SIZE",  # the e2e stack's single n8n runs on SQLite; here n8n runs on PostgreSQL
}
# A value fixed by the topology rather than a tunable with the code's default.
DEPLOYMENT_ENV = {"BELEGFLUSS_DATABASE_URL", "BELEGFLUSS_DATABASE_SCHEMA", "BELEGFLUSS_BOOTSTRAP_KEY",
                  "BELEGFLUSS_PROFILES_DIR"}

INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<value>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "write environment as a mapping"
    return {name: str(value) for name, value in env.items()}


def env_example() -> dict[str, str]:
    entries = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            entries[name.strip()] = value.strip()
    return entries


def variables_read_by_the_sidecar() -> set[str]:
    names: set[str] = set()
    for source in SIDECAR_PACKAGE.rglob("*.py"):
        names.update(re.findall(r"[\"'](BELEGFLUSS_[A-Z0-9_]+)[\"']", source.read_text()))
    return names


def test_the_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_stack_has_every_part_of_the_production_topology(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", "redis", *N8N_SERVICES, *SIDECAR_REPLICAS, "proxy"}


def test_every_long_running_service_has_a_health_check(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_images_are_pinned(services: dict[str, Any]) -> None:
    for name, service in services.items():
        repository, _, tag = service["image"].rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: pin the image version ({service['image']})"


def test_state_lives_in_named_volumes(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose.get("volumes", {}))
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        named = [volume.split(":")[0] for volume in services[name]["volumes"]
                 if isinstance(volume, str) and volume.endswith(":" + path)]
        assert named and named[0] in declared, f"{name} keeps {path} in a named volume"


def test_postgres_caches_what_identity_resolve_reads(services: dict[str, Any]) -> None:
    """PostgreSQL's default 128 MB of shared buffers is far below a graph of a million customers'
    working set; the stack sets it, the same value in the file's default and in .env.example."""
    command = services["postgres"]["command"]
    setting = next(part for part in command if part.startswith("shared_buffers="))
    match = INTERPOLATION.fullmatch(setting.partition("=")[2])
    assert match and match["name"] == "POSTGRES_SHARED_BUFFERS"
    assert match["value"] == env_example()["POSTGRES_SHARED_BUFFERS"] == "2GB"


def test_secrets_come_from_the_env_file_and_are_required(services: dict[str, Any]) -> None:
    example = env_example()
    secrets = ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "N8N_ENCRYPTION_KEY", "BELEGFLUSS_BOOTSTRAP_KEY")
    text = COMPOSE_FILE.read_text()
    for secret in secrets:
        assert re.search(r"\$\{" + secret + r":\?", text), f"{secret} must be required (${{{secret}:?…}})"
        assert secret in example, f"{secret} missing from .env.example"
    for name, service in services.items():
        for key, value in environment(service).items():
            if any(word in key for word in ("PASSWORD", "ENCRYPTION_KEY", "BOOTSTRAP_KEY")):
                assert value.startswith("${"), f"{name}.{key} holds a literal secret"


def test_every_variable_the_file_reads_is_explained_in_env_example() -> None:
    read = {match["name"] for match in INTERPOLATION.finditer(COMPOSE_FILE.read_text())}
    assert read - set(env_example()) == set()


def test_n8n_runs_in_queue_mode_with_one_key_and_the_node_pack(services: dict[str, Any]) -> None:
    keys = set()
    for name in N8N_SERVICES:
        env = environment(services[name])
        assert {key: env.get(key) for key in QUEUE_MODE_ENV} == QUEUE_MODE_ENV, name
        keys.add(env["N8N_ENCRYPTION_KEY"])
        build = services[name]["build"]
        dockerfile = (REPO / build["context"] / build["dockerfile"]).read_text()
        assert "npm pack" in dockerfile and "/home/node/.n8n/nodes" in dockerfile, name
    assert len(keys) == 1, "every n8n process needs the same encryption key"
    assert services["n8n-worker"]["command"][0] == "worker"
    assert services["n8n-webhook"]["command"][0] == "webhook"
    assert environment(services["n8n-main"])["N8N_DISABLE_PRODUCTION_MAIN_PROCESS"] == "true"


def test_n8n_is_the_version_the_end_to_end_tests_run(services: dict[str, Any]) -> None:
    version = json.loads(N8N_RUNTIME.read_text())["dependencies"]["n8n"]
    for name in N8N_SERVICES:
        service = services[name]
        assert service["image"].endswith(":" + version)
        assert service["build"]["args"]["N8N_VERSION"] == version
        dockerfile = (REPO / service["build"]["context"] / service["build"]["dockerfile"]).read_text()
        assert f"ARG N8N_VERSION={version}" in dockerfile


def test_n8n_gets_what_the_local_stack_gives_it(services: dict[str, Any]) -> None:
    stack_script = (REPO / "scripts" / "n8n_stack.py").read_text()
    used = set(re.findall(r"\"((?:N8N|DB|QUEUE|EXECUTIONS)_[A-Z0-9_]+)\":", stack_script))
    assert used, "the e2e stack script no longer sets n8n's environment where this test looks"
    for name in N8N_SERVICES:
        assert used - LOCAL_ONLY_N8N_ENV - set(environment(services[name])) == set(), name


def test_two_sidecar_replicas_share_one_database_schema(services: dict[str, Any]) -> None:
    replicas = [services[name] for name in SIDECAR_REPLICAS]
    assert len({replica["image"] for replica in replicas}) == 1
    envs = [environment(replica) for replica in replicas]
    assert envs[0] == envs[1]
    assert envs[0]["BELEGFLUSS_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in envs[0]["BELEGFLUSS_DATABASE_URL"]
    dockerfile = (REPO / replicas[0]["build"]["context"] / replicas[0]["build"]["dockerfile"]).read_text()
    assert f'"--port", "{SIDECAR_PORT}"' in dockerfile


def test_the_sidecar_gets_every_variable_it_reads(services: dict[str, Any]) -> None:
    for name in SIDECAR_REPLICAS:
        assert variables_read_by_the_sidecar() - set(environment(services[name])) == set(), name


@pytest.mark.parametrize("where", ["docker-compose.yml", ".env.example"])
def test_tunables_default_to_what_the_code_defaults_to(services: dict[str, Any], where: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults written into the compose file and the example env file must not drift from the code."""
    if where == ".env.example":
        given = {k: v for k, v in env_example().items() if k.startswith("BELEGFLUSS_")}
    else:
        given = {}
        for key, value in environment(services["sidecar-a"]).items():
            match = INTERPOLATION.fullmatch(value)
            if match and match["name"] == key and match["op"] == ":-":
                given[key] = match["value"]
    tunables = {k: v for k, v in given.items() if k not in DEPLOYMENT_ENV and k != "BELEGFLUSS_PROFILES_HOST_DIR"}
    assert len(tunables) >= 10
    for key in variables_read_by_the_sidecar():
        monkeypatch.delenv(key, raising=False)
    defaults = Settings.from_env()
    for key, value in tunables.items():
        monkeypatch.setenv(key, value)
    assert Settings.from_env() == defaults


def test_the_proxy_spreads_the_sidecar_over_both_replicas_and_routes_n8n_webhooks(services: dict[str, Any]) -> None:
    proxy = services["proxy"]
    conf = NGINX_CONF.read_text()
    mounted = {volume["source"]: volume["target"] for volume in proxy["volumes"]}
    assert mounted["./python_service/docker/nginx.conf"].startswith("/etc/nginx/")
    upstream = re.findall(r"server\s+([\w-]+):(\d+)", conf)
    assert {host for host, port in upstream if int(port) == SIDECAR_PORT} == set(SIDECAR_REPLICAS)
    assert {("n8n-main", str(N8N_PORT)), ("n8n-webhook", str(N8N_PORT))} <= set(upstream)
    assert re.search(r"location /webhook/ \{\s*proxy_pass http://n8n_webhook;", conf)
    published = {int(port.rsplit(":", 1)[1]) for port in proxy["ports"]}
    assert published == {SIDECAR_PORT, N8N_PORT}
    assert set(re.findall(r"listen\s+(\d+);", conf)) == {str(SIDECAR_PORT), str(N8N_PORT)}


def test_the_proxy_lets_the_sidecar_answer_oversized_bodies_itself() -> None:
    limit = re.search(r"client_max_body_size (\d+)m;", NGINX_CONF.read_text())
    assert limit and int(limit.group(1)) * 1024 * 1024 > Settings().load.max_request_bytes


def test_build_contexts_and_mounted_files_exist(services: dict[str, Any]) -> None:
    for name, service in services.items():
        if "build" in service:
            assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            if isinstance(volume, dict) and volume["type"] == "bind":
                source = INTERPOLATION.sub(lambda m: m["value"] or "", volume["source"])
                assert (REPO / source).exists(), f"{name}: {volume['source']}"
