"""The sidecar tunes CPython's garbage collector at start-up (see `belegfluss/gc_tuning.py`)."""

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from belegfluss.api.app import create_app
from belegfluss.gc_tuning import FIRST_GENERATION_THRESHOLD, OLDER_GENERATION_THRESHOLD
from belegfluss.settings import Settings


@pytest.fixture
def default_collector() -> Iterator[None]:
    """Leave the test process's collector as this test found it."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_sidecar_start_up_freezes_its_objects_and_collects_less_often(tmp_path: Path, default_collector):
    assert gc.get_freeze_count() == 0
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'belegfluss.db'}"))

    async def start_up_and_shut_down() -> tuple[tuple[int, int, int], int]:
        async with app.router.lifespan_context(app):
            return gc.get_threshold(), gc.get_freeze_count()

    thresholds, frozen = asyncio.run(start_up_and_shut_down())
    assert thresholds == (FIRST_GENERATION_THRESHOLD, OLDER_GENERATION_THRESHOLD, OLDER_GENERATION_THRESHOLD)
    assert frozen > 0
    # Cycles are still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
