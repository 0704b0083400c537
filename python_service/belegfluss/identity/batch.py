"""Batch dedup: a set of records among itself → clusters with reasons, without touching the graph.

Blocking yields candidate pairs (bounded per key), all pairs are scored in one vectorised pass,
and `match` pairs are joined into clusters (union-find). `review` pairs between clusters are
reported for a person to decide; nothing is merged on review evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.customer import Customer
from .blocking import blocking_keys
from .comparisons import ComparisonTable, FeatureColumns, compare_indexed
from .decision import DECISIONS, MATCH, NEW, REVIEW, decide, explain, mirror
from .estimation import estimate_settings
from .features import CustomerFeatures, customer_features
from .scoring import score_pairs
from .settings import DEFAULT_SETTINGS, MatchSettings

_PAIR_CHUNK = 250_000  # pairs scored per vectorised call: bounds memory on large sets


@dataclass(slots=True)
class BatchItem:
    index: int
    cluster_id: str
    decision: str
    """`match`: joined a cluster of others; `review`: a possible duplicate to check; `new`: alone."""
    score: float | None
    matched_index: int | None
    reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class BatchResult:
    items: list[BatchItem]
    clusters: dict[str, list[int]]
    review_pairs: list[tuple[int, int, float]]
    candidate_pairs: int


def candidate_pairs(features: Sequence[CustomerFeatures], settings: MatchSettings) -> np.ndarray:
    """Unique (i, j) pairs with i < j that share a blocking key; an oversized block (a shop's
    own e-mail on every receipt) compares each record only with its neighbours by name."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, feature in enumerate(features):
        for key in blocking_keys(feature):
            blocks[key].append(index)
    by_size: dict[int, list[list[int]]] = defaultdict(list)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= settings.max_block_size:
            by_size[len(members)].append(members)
        else:
            ordered = np.array(sorted(members, key=lambda i: features[i].full_name), dtype=np.int64)
            for offset in range(1, settings.window + 1):
                left.append(ordered[:-offset])
                right.append(ordered[offset:])
    # Every pair inside each block, for all blocks of one size at once.
    for size, groups in by_size.items():
        block = np.array(groups, dtype=np.int64)
        first, second = np.triu_indices(size, 1)
        left.append(block[:, first].ravel())
        right.append(block[:, second].ravel())
    if not left:
        return np.zeros((0, 2), dtype=np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    low, high = np.minimum(a, b), np.maximum(a, b)
    codes = np.unique(low * len(features) + high)
    return np.stack([codes // len(features), codes % len(features)], axis=1)


def compare_candidates(
    features: Sequence[CustomerFeatures], pairs: np.ndarray, settings: MatchSettings
) -> ComparisonTable:
    """All candidate pairs compared, in chunks that bound the size of the temporary string arrays."""
    columns = FeatureColumns.of(features)
    tables = [compare_indexed(columns, chunk[:, 0], chunk[:, 1], settings)
              for chunk in (pairs[start:start + _PAIR_CHUNK] for start in range(0, max(len(pairs), 1), _PAIR_CHUNK))]
    return ComparisonTable(
        levels={f: np.concatenate([t.levels[f] for t in tables]) for f in tables[0].levels},
        similarity={f: np.concatenate([t.similarity[f] for t in tables]) for f in tables[0].similarity},
    )


def _strongest_pair_per_record(
    pairs: np.ndarray, decisions: np.ndarray, total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(record, index of its strongest pair): decision first, then score, the first such pair on a tie."""
    shown = np.flatnonzero(decisions != NEW)
    # Both directions of each pair, in pair order: (i, j) before (j, i), as a reader walks the list.
    me = np.stack([pairs[shown, 0], pairs[shown, 1]], axis=1).ravel()
    k = np.repeat(shown, 2)
    order = np.lexsort((np.arange(len(k)), -total[k], -decisions[k].astype(np.int64), me))
    me, k = me[order], k[order]
    first = np.flatnonzero(np.r_[True, me[1:] != me[:-1]]) if len(me) else np.zeros(0, dtype=np.int64)
    return me[first], k[first]


def dedup_batch(customers: Sequence[Customer], settings: MatchSettings = DEFAULT_SETTINGS) -> BatchResult:
    features = [customer_features(c, email_provider_rules=settings.email_provider_rules) for c in customers]
    return dedup_features(features, settings)


def dedup_features(features: Sequence[CustomerFeatures], settings: MatchSettings = DEFAULT_SETTINGS) -> BatchResult:
    pairs = candidate_pairs(features, settings)
    parent = list(range(len(features)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best_score = np.full(len(features), -np.inf)
    best_partner = np.full(len(features), -1, dtype=np.int64)
    best_decision = np.full(len(features), NEW, dtype=np.int8)
    review: list[tuple[int, int, float]] = []
    matches: list[tuple[float, int, int]] = []
    cannot_link: dict[int, list[int]] = defaultdict(list)
    comparisons = compare_candidates(features, pairs, settings)
    if settings.estimate_weights and len(pairs):
        settings, _ = estimate_settings(features, comparisons, settings)
    scores = score_pairs(comparisons, settings)
    decisions = decide(scores, settings)
    matched = np.flatnonzero(decisions == MATCH)
    matches.extend(zip(scores.total[matched].tolist(), pairs[matched, 0].tolist(), pairs[matched, 1].tolist()))
    for k in np.flatnonzero(decisions == REVIEW):
        review.append((int(pairs[k, 0]), int(pairs[k, 1]), round(float(scores.total[k]), 2)))
    # A conflict outweighed by strong evidence (a typo'd first name, same e-mail) does not forbid.
    # Only records that take part in a match ever join a cluster, so only their conflicts are kept.
    in_a_match = np.zeros(len(features), dtype=bool)
    in_a_match[pairs[matched].ravel()] = True
    conflicting = pairs[scores.vetoed & (scores.total < settings.match_threshold)]
    for me, other in ((0, 1), (1, 0)):
        kept = conflicting[in_a_match[conflicting[:, me]]]
        for i, j in zip(kept[:, me].tolist(), kept[:, other].tolist()):
            cannot_link[i].append(j)
    shown, strongest = _strongest_pair_per_record(pairs, decisions, scores.total)
    best_decision[shown], best_score[shown] = decisions[strongest], scores.total[strongest]
    best_partner[shown] = np.where(pairs[strongest, 0] == shown, pairs[strongest, 1], pairs[strongest, 0])
    explained = dict(zip(shown.tolist(), strongest.tolist()))  # record → index of its strongest pair
    reasons_of = {me: explain(scores, k, features[int(pairs[k, 0])], features[int(pairs[k, 1])], settings)
                  for me, k in explained.items()}
    reasons_of = {me: r if me == int(pairs[explained[me], 0]) else mirror(r) for me, r in reasons_of.items()}
    # Strongest evidence first; two clusters never join when a record of one conflicts with a record
    # of the other (Björn matches his copy, Björg hers: the shared landline must not chain them).
    members: dict[int, list[int]] = {i: [i] for i in range(len(features))}
    for _, i, j in sorted(matches, reverse=True):
        a, b = root(i), root(j)
        if a == b:
            continue
        if len(members[a]) > len(members[b]):
            a, b = b, a
        if any(root(other) == b for x in members[a] for other in cannot_link.get(x, ())):
            continue
        parent[a] = b
        members[b].extend(members.pop(a))
    clusters: dict[str, list[int]] = defaultdict(list)
    for index in range(len(features)):
        clusters[f"cluster-{root(index)}"].append(index)
    # Name each cluster after its first member, so the id reads as "the record it grew from".
    renamed = {f"cluster-{members[0]}": members for members in clusters.values()}
    cluster_of = {i: cid for cid, members in renamed.items() for i in members}
    items = []
    for index in range(len(features)):
        in_cluster = len(renamed[cluster_of[index]]) > 1
        decision = "match" if in_cluster else DECISIONS[int(best_decision[index])]
        has_partner = best_partner[index] >= 0
        items.append(BatchItem(
            index=index, cluster_id=cluster_of[index], decision=decision,
            score=round(float(best_score[index]), 2) if has_partner else None,
            matched_index=int(best_partner[index]) if has_partner else None,
            reasons=reasons_of.get(index, []),
        ))
    review_between_clusters = [(i, j, s) for i, j, s in review if cluster_of[i] != cluster_of[j]]
    return BatchResult(items, renamed, review_between_clusters, len(pairs))
