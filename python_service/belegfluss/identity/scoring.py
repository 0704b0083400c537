"""Weighted scoring: each field's level adds its configured weight; the sum is the pair's score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .comparisons import DIFFERENT, FIELDS, LEVELS, ComparisonTable
from .settings import MatchSettings


@dataclass(frozen=True, slots=True)
class PairScores:
    comparisons: ComparisonTable
    contributions: dict[str, np.ndarray]
    total: np.ndarray
    vetoed: np.ndarray
    """True where a veto field disagrees: such a pair never merges automatically."""


def weight_lookup(settings: MatchSettings, field: str) -> np.ndarray:
    """Weight per level code; levels the configuration does not name (and `missing`) weigh 0."""
    table = settings.weights.get(field, {})
    return np.array([table.get(level, 0.0) for level in LEVELS], dtype=np.float64)


def score_pairs(comparisons: ComparisonTable, settings: MatchSettings) -> PairScores:
    contributions = {field: weight_lookup(settings, field)[comparisons.levels[field]] for field in FIELDS}
    total = np.sum(np.vstack(list(contributions.values())), axis=0) if len(comparisons) else np.zeros(0)
    vetoed = np.zeros(len(comparisons), dtype=bool)
    for field in settings.veto_fields:
        vetoed |= comparisons.levels[field] == DIFFERENT
    return PairScores(comparisons, contributions, total, vetoed)
