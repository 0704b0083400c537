"""Fixtures of the POS source tests: vendor payloads from `tests/fixtures/pos/<source>/`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

POS_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pos"


@pytest.fixture
def pos_payload() -> Callable[[str, str], Any]:
    """`pos_payload("sumup", "card_sale_tax_inclusive")` → the parsed JSON payload."""

    def load(source: str, name: str) -> Any:
        return json.loads((POS_FIXTURES / source / f"{name}.json").read_text(encoding="utf-8"))

    return load
