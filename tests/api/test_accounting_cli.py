"""`belegfluss book` and `belegfluss datev` on files, as an ops team runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHIPPED_PROFILES
from tests.extf_validator import assert_valid_extf

EXAMPLE = SHIPPED_PROFILES / "examples" / "cafe-berlin-2026-03-14.jsonl"


def belegfluss(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BELEGFLUSS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "BELEGFLUSS_PROFILES_DIR": str(SHIPPED_PROFILES),
    }
    return subprocess.run(
        [sys.executable, "-m", "belegfluss.cli.main", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_book_a_day_then_export_the_month_to_a_folder(tmp_path: Path) -> None:
    booked = belegfluss(tmp_path, "book", str(EXAMPLE), "--profile", "cafe-berlin")
    assert booked.returncode == 0, booked.stderr
    answers = [json.loads(line) for line in booked.stdout.splitlines()]
    assert [a["line"] for a in answers] == list(range(1, 10)) and all(a["stored"] == "new" for a in answers)

    exported = belegfluss(
        tmp_path,
        "datev",
        "--profile",
        "cafe-berlin",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "-o",
        "exports",
    )
    assert exported.returncode == 0, exported.stderr
    path = Path(exported.stdout.strip())
    assert path == Path("exports/EXTF_Buchungsstapel_cafe-berlin_20260301_20260331.csv")
    assert len(assert_valid_extf((tmp_path / path).read_bytes()).rows) == 14

    nothing_new = belegfluss(
        tmp_path, "datev", "--profile", "cafe-berlin", "--from", "2026-03-01", "--to", "2026-03-31"
    )
    assert nothing_new.returncode == 1 and "wait for export" in nothing_new.stderr


def test_datev_from_the_answers_of_book_without_a_store(tmp_path: Path) -> None:
    booked = belegfluss(tmp_path, "book", str(EXAMPLE), "--profile", "cafe-berlin", "--no-store")
    (tmp_path / "answers.jsonl").write_text(booked.stdout)
    exported = belegfluss(tmp_path, "datev", "--profile", "cafe-berlin", "--bookings", "answers.jsonl")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == "EXTF_Buchungsstapel_cafe-berlin_20260314_20260316.csv"
    assert len(assert_valid_extf((tmp_path / exported.stdout.strip()).read_bytes()).rows) == 14


def test_book_exits_non_zero_when_an_item_cannot_be_booked(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    event = json.loads(EXAMPLE.read_text().splitlines()[0])
    broken.write_text(json.dumps({**event, "payments": []}) + "\n")
    result = belegfluss(tmp_path, "book", str(broken), "--profile", "cafe-berlin", "--no-store")
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"][0]["code"] == "accounting.unbalanced"
