"""The `belegfluss` command on files, as an ops team uses it: JSONL in, JSONL out, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from belegfluss.store.database import Database
from belegfluss.store.keys import find_key
from tests.builders import sale

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pos"


def belegfluss(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BELEGFLUSS_DATABASE_URL": database_url,
           "BELEGFLUSS_PROFILES_DIR": str(REPO / "workflows" / "profiles")}
    return subprocess.run([sys.executable, "-m", "belegfluss.cli.main", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def jsonl(*values: object) -> str:
    return "".join(json.dumps(value) + "\n" for value in values)


def test_map_writes_one_answer_per_line_and_fails_when_any_item_failed(database_url: str, tmp_path: Path) -> None:
    good = json.loads((FIXTURES / "sumup" / "wallet_sale_with_tip.json").read_text())
    bad = json.loads((FIXTURES / "sumup" / "malformed_missing_transaction_code.json").read_text())
    source = tmp_path / "sumup.jsonl"
    source.write_text(jsonl(good, bad) + "this is not json\n")

    run = belegfluss(database_url, "map", "--source", "sumup", str(source))

    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1
    assert [(a["line"], a["ok"]) for a in answers] == [(3, False), (1, True), (2, False)]
    assert answers[0]["errors"][0]["code"] == "body.invalid_json"
    assert answers[1]["event"]["id"] == "sumup:TCRZ8B3Q1P"
    assert answers[2]["errors"][0]["code"] == "sumup.missing_field"


def test_map_then_validate_through_a_pipe_stores_events_idempotently(database_url: str) -> None:
    good = json.loads((FIXTURES / "sumup" / "wallet_sale_with_tip.json").read_text())
    mapped = belegfluss(database_url, "map", "--source", "sumup", "--events-only", "-", stdin=jsonl(good))
    assert mapped.returncode == 0

    first = belegfluss(database_url, "validate", stdin=mapped.stdout)
    again = belegfluss(database_url, "validate", stdin=mapped.stdout)

    assert first.returncode == 0 and json.loads(first.stdout)["stored"] == "new"
    assert again.returncode == 0 and json.loads(again.stdout)["stored"] == "duplicate"


def test_validate_exits_non_zero_and_quarantines_on_request(database_url: str) -> None:
    broken = sale(currency="USD")
    run = belegfluss(database_url, "validate", "--quarantine", stdin=jsonl(broken, sale()))
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1
    assert [a["ok"] for a in answers] == [False, True]
    assert answers[0]["ticket_id"].startswith("q_")


def test_validate_with_no_store_checks_only(database_url: str) -> None:
    event = sale()
    belegfluss(database_url, "validate", "--no-store", stdin=jsonl(event))
    run = belegfluss(database_url, "validate", stdin=jsonl(event))
    assert json.loads(run.stdout)["stored"] == "new"


def test_unknown_profile_is_a_usage_error(database_url: str) -> None:
    run = belegfluss(database_url, "validate", "--profile", "atlantis", stdin=jsonl(sale()))
    assert run.returncode == 2 and "atlantis" in run.stderr


def test_keys_create_prints_a_key_that_only_exists_hashed(database_url: str) -> None:
    run = belegfluss(database_url, "keys", "create", "--role", "admin", "--label", "ops laptop")
    key = run.stdout.strip()
    assert run.returncode == 0 and key.startswith("bf_")
    found = find_key(Database(database_url), key)
    assert found is not None and (found.role, found.label) == ("admin", "ops laptop")


@pytest.mark.parametrize("role", ["root", ""])
def test_keys_create_refuses_unknown_roles(database_url: str, role: str) -> None:
    assert belegfluss(database_url, "keys", "create", "--role", role).returncode == 2


def test_keys_create_with_own_limits(database_url: str) -> None:
    run = belegfluss(database_url, "keys", "create", "--role", "workflow", "--rate-limit", "5", "--item-quota", "0")
    found = find_key(Database(database_url), run.stdout.strip())
    assert found is not None and (found.rate_limit, found.item_quota) == (5, 0)


def test_check_reports_findings_and_exits_non_zero_while_tickets_remain(database_url: str) -> None:
    clean = belegfluss(database_url, "check", "--only", "receipt_sequence")
    assert clean.returncode == 0 and "0 findings" in clean.stdout

    belegfluss(database_url, "validate", stdin=jsonl(sale(register_id="K5", receipt_number="7"),
                                                    sale(register_id="K5", receipt_number="9")))
    run = belegfluss(database_url, "check", "--only", "receipt_sequence")
    assert run.returncode == 1
    assert "[receipt_sequence] Register K5 of cafe-berlin: 1 receipt numbers missing in 1 gaps" in run.stdout
