"""Accounting fixtures: every posting story runs under SKR03 and SKR04."""

from __future__ import annotations

import pytest

from tests.unit.accounting.stories import ACCOUNTS


@pytest.fixture(params=["SKR03", "SKR04"])
def chart(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def accounts(chart: str) -> dict[str, int]:
    return ACCOUNTS[chart]
