"""From scores to decisions (`match`, `review`, `new`) and the reasons a person can read."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .comparisons import LEVELS, FeatureColumns, compare_columns
from .features import CustomerFeatures
from .scoring import PairScores, score_pairs
from .settings import MatchSettings

Decision = Literal["match", "review", "new"]
MATCH, REVIEW, NEW = 2, 1, 0
DECISIONS: dict[int, Decision] = {MATCH: "match", REVIEW: "review", NEW: "new"}


def decide(scores: PairScores, settings: MatchSettings) -> np.ndarray:
    """Decision code per pair: `match` needs the threshold and no conflicting field."""
    decision = np.full(len(scores.total), NEW, dtype=np.int8)
    decision[scores.total >= settings.review_threshold] = REVIEW
    decision[(scores.total >= settings.match_threshold) & ~scores.vetoed] = MATCH
    return decision


_SHOWN_VALUE = {
    "email": lambda f: sorted(f.emails), "phone": lambda f: sorted(f.phones),
    "card_token": lambda f: sorted(f.card_tokens), "loyalty_id": lambda f: sorted(f.loyalty_ids),
    "first_name": lambda f: f.first_name, "last_name": lambda f: f.last_name, "birth_date": lambda f: f.birth_date,
    "street": lambda f: " ".join(p for p in (f.address.street, f.address.house_number) if p),
    "postcode": lambda f: f.address.postcode, "city": lambda f: f.address.city,
}


def explain(
    scores: PairScores, index: int, left: CustomerFeatures, right: CustomerFeatures, settings: MatchSettings
) -> list[dict[str, Any]]:
    """One reason per compared field: the normalised values, the level, its weight; then the total.

    Fields missing on either side are left out: they neither help nor hurt.
    """
    reasons: list[dict[str, Any]] = []
    for field, contributions in scores.contributions.items():
        level = LEVELS[int(scores.comparisons.levels[field][index])]
        if level == "missing":
            continue
        reason: dict[str, Any] = {
            "field": field, "comparison": level, "left": _SHOWN_VALUE[field](left),
            "right": _SHOWN_VALUE[field](right), "contribution": round(float(contributions[index]), 2),
        }
        if field in scores.comparisons.similarity:
            reason["similarity"] = round(float(scores.comparisons.similarity[field][index]), 3)
        if level == "different" and field in settings.veto_fields:
            reason["blocks_automatic_merge"] = True
        reasons.append(reason)
    total = float(scores.total[index])
    reasons.append({
        "field": "total", "contribution": round(total, 2), "match_threshold": settings.match_threshold,
        "review_threshold": settings.review_threshold,
    })
    return reasons


def judge_pairs(
    pairs: list[tuple[CustomerFeatures, CustomerFeatures]], settings: MatchSettings
) -> tuple[PairScores, np.ndarray]:
    """Compare, score and decide many pairs in one vectorised pass."""
    return judge_columns(FeatureColumns.of([p[0] for p in pairs]), FeatureColumns.of([p[1] for p in pairs]), settings)


def judge_columns(left: FeatureColumns, right: FeatureColumns, settings: MatchSettings) -> tuple[PairScores, np.ndarray]:
    """The same for pairs already laid out as columns (row i of `left` against row i of `right`)."""
    scores = score_pairs(compare_columns(left, right, settings), settings)
    return scores, decide(scores, settings)


def mirror(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same reasons seen from the other record: `left` is always the record being answered for."""
    return [{**r, "left": r["right"], "right": r["left"]} if "left" in r else r for r in reasons]
