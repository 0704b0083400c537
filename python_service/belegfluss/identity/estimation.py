"""Fellegi–Sunter m/u weights estimated from the data (unsupervised), as an alternative to the
configured weights for large clean-ups whose population differs from a shop's customers.

`u` (how often a level occurs among pairs of different people) is counted on random record
pairs, which are almost all non-matches; `m` (how often among the same person) and the share of
matches among the candidate pairs come from expectation maximisation over the blocked candidate
pairs with `u` held fixed — the procedure Splink popularised. The weight of a level is
log2(m/u); thresholds follow from the match probabilities asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .comparisons import FIELDS, LEVELS, MISSING, ComparisonTable, FeatureColumns, compare_indexed
from .features import CustomerFeatures
from .settings import MatchSettings

_SMOOTHING = 1e-4
_WEIGHT_LIMIT = 14.0


def _level_shares(levels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Share of each level among the pairs where the field is known (missing carries no evidence)."""
    known = levels != MISSING
    counts = np.bincount(levels[known], weights=None if weights is None else weights[known], minlength=len(LEVELS))
    counts = counts.astype(np.float64) + _SMOOTHING
    counts[MISSING] = 0.0
    return counts / counts.sum()


def estimate_settings(
    features: Sequence[CustomerFeatures], candidates: ComparisonTable, settings: MatchSettings,
    *, random_pairs: int = 50_000, iterations: int = 25, seed: int = 7,
) -> tuple[MatchSettings, dict[str, float]]:
    """Settings whose weights are estimated log2(m/u) and whose thresholds are the configured
    match probabilities (`estimated_match_probability`, `estimated_review_probability`)."""
    rng = np.random.default_rng(seed)
    n = len(features)
    left, right = rng.integers(0, n, random_pairs), rng.integers(0, n, random_pairs)
    keep = left != right
    sample = compare_indexed(FeatureColumns.of(features), left[keep], right[keep], settings)
    u = {field: _level_shares(sample.levels[field]) for field in FIELDS}
    m = {field: _initial_m(settings, field, u[field]) for field in FIELDS}
    share = 0.5
    for _ in range(iterations):
        log_ratio = np.full(len(candidates), math.log(share / (1 - share)))
        for field in FIELDS:
            log_ratio += _log_ratios(m[field], u[field])[candidates.levels[field]]
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -50, 50)))
        share = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        m = {field: _level_shares(candidates.levels[field], posterior) for field in FIELDS}
    weights = {
        field: {LEVELS[level]: float(np.clip(math.log2(m[field][level] / u[field][level]), -_WEIGHT_LIMIT,
                                             _WEIGHT_LIMIT))
                for level in range(len(LEVELS)) if level != MISSING and u[field][level] > 0}
        for field in FIELDS
    }
    # Thresholds are posterior probabilities for a pair drawn from all pairs (as Splink states them):
    # the prior is the expected number of matches over all n·(n−1)/2 pairs, not the candidates' share.
    all_pairs = n * (n - 1) / 2
    matches_everywhere = min(share * len(candidates), all_pairs - 1)
    prior = math.log2(matches_everywhere / (all_pairs - matches_everywhere))

    def threshold(probability: float) -> float:
        return math.log2(probability / (1 - probability)) - prior

    estimated = settings.model_copy(update={
        "weights": weights, "match_threshold": threshold(settings.estimated_match_probability),
        "review_threshold": threshold(settings.estimated_review_probability),
    })
    return estimated, {"match_share_among_candidates": share, "prior_log2_odds": prior}


def _log_ratios(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """ln(m/u) per level; a missing value is no evidence either way."""
    known = (m > 0) & (u > 0)
    ratios = np.zeros(len(LEVELS))
    ratios[known] = np.log(m[known] / u[known])
    return ratios


def _initial_m(settings: MatchSettings, field: str, u: np.ndarray) -> np.ndarray:
    """Start EM from the configured weights: m = u · 2^weight, renormalised."""
    configured = settings.weights.get(field, {})
    m = np.array([0.0 if level == MISSING else u[level] * 2 ** configured.get(name, 0.0)
                  for level, name in enumerate(LEVELS)])
    m[MISSING] = 0.0
    total = m.sum()
    return m / total if total > 0 else np.full(len(LEVELS), 1.0 / (len(LEVELS) - 1))
