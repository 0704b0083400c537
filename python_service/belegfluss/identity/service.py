"""What the API and the CLI call: raw items in, one answer per item out (errors as values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import ValidationError

from ..model.customer import Customer
from ..model.errors import ItemError, json_path
from ..store.database import Database
from .batch import BatchResult, dedup_batch
from .graph import GraphError, approve_review, reject_review, resolve
from .settings import DEFAULT_SETTINGS, MatchSettings

Mode = Literal["resolve", "batch"]


def settings_for(profile: Any) -> MatchSettings:
    """A location profile's `identity:` section, or the documented defaults."""
    configured = getattr(profile, "identity", None) if profile is not None else None
    if configured is None:
        return DEFAULT_SETTINGS
    return configured if isinstance(configured, MatchSettings) else MatchSettings.model_validate(configured)


def parse_customers(items: Sequence[Any]) -> tuple[list[tuple[int, Customer]], dict[int, dict[str, Any]]]:
    parsed: list[tuple[int, Customer]] = []
    failed: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        try:
            parsed.append((index, Customer.model_validate(item)))
        except ValidationError as exc:
            errors = [ItemError(code="customer.invalid", path=json_path(list(e["loc"])), message=e["msg"],
                                value=e.get("input") if not isinstance(e.get("input"), dict) else None)
                      for e in exc.errors(include_url=False)]
            failed[index] = {"index": index, "ok": False, "errors": [e.model_dump() for e in errors]}
    return parsed, failed


def dedup(database: Database | None, items: Sequence[Any], mode: Mode, settings: MatchSettings) -> dict[str, Any]:
    """`resolve`: each item against the identity graph (stored); `batch`: the items among
    themselves, nothing stored (a CRM clean-up), with clusters and review pairs."""
    parsed, failed = parse_customers(items)
    answers: dict[int, dict[str, Any]] = dict(failed)
    extra: dict[str, Any] = {}
    customers = [c for _, c in parsed]
    if mode == "resolve":
        assert database is not None
        for (index, _), resolution in zip(parsed, resolve(database, customers, settings)):
            answers[index] = resolution.as_json() | {"index": index}
    else:
        result = dedup_batch(customers, settings)
        positions = [index for index, _ in parsed]
        for item in result.items:
            index = positions[item.index]
            answers[index] = {
                "index": index, "ok": True, "golden_id": None, "cluster_id": item.cluster_id,
                "cluster_size": len(result.clusters[item.cluster_id]), "decision": item.decision,
                "score": item.score, "reasons": item.reasons,
                "matched_index": positions[item.matched_index] if item.matched_index is not None else None,
            }
        extra = batch_summary(result, positions)
    return {"results": [answers[i] for i in range(len(items))], **extra}


def batch_summary(result: BatchResult, positions: list[int]) -> dict[str, Any]:
    clusters = [{"cluster_id": cid, "indexes": [positions[i] for i in members]}
                for cid, members in result.clusters.items() if len(members) > 1]
    reviews = [{"indexes": [positions[i], positions[j]], "score": score} for i, j, score in result.review_pairs]
    return {"clusters": clusters, "review_pairs": reviews}


def decide_reviews(
    database: Database, items: Sequence[Any], approve: bool, actor: str, settings: MatchSettings
) -> list[dict[str, Any]]:
    """Approve (merge) or reject (remember as not-a-match) review items; one answer per item."""
    answers = []
    for index, item in enumerate(items):
        review_id = item.get("review_id") if isinstance(item, dict) else item
        if not isinstance(review_id, int) or isinstance(review_id, bool):
            answers.append({"index": index, "ok": False, "errors": [ItemError(
                code="identity.review_id_missing", path="$.review_id",
                message="Each item needs the review_id from GET /v1/review", value=review_id).model_dump()]})
            continue
        try:
            outcome = (approve_review(database, review_id, actor=actor, settings=settings) if approve
                       else reject_review(database, review_id, actor=actor))
            answers.append({"index": index, "ok": True, **outcome})
        except GraphError as exc:
            answers.append({"index": index, "ok": False, "errors": [ItemError(
                code=exc.code, path="$.review_id", message=str(exc), value=review_id).model_dump()]})
    return answers
