"""The identity graph: resolve records to golden customers, merge, unmerge, review.

A golden customer owns source records; each source record is reachable by its links
(system + native id). Resolving a record that is already linked answers what it answered the
first time (idempotent). A new record is compared with the records that share a blocking key with
it; `match` attaches it to that golden customer, `review` gives it a golden customer of its own and
queues the pair for a person, `new` gives it a golden customer of its own.

Merges move records and are recorded with who, when, why and which records; unmerge moves exactly
those records back. Nothing is deleted: an absorbed golden customer is kept as `merged` and comes
back to life on unmerge.
"""

from __future__ import annotations

import heapq
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import zip_longest
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    String,
    bindparam,
    case,
    column,
    func,
    or_,
    select,
    tuple_,
    update,
    values,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from ..model.customer import Customer
from ..store.bulk import in_chunks, insert_new_rows, insert_rows, is_postgres, one_of, text_array
from ..store.database import Database, content_hash, dumps, loads
from ..store.identity import (
    blocking_keys as keys_table,
)
from ..store.identity import (
    golden_customers,
    golden_holders,
    merges,
    not_a_match,
    review_items,
    source_links,
    source_records,
)
from .blocking import graph_keys
from .comparisons import FeatureColumns
from .decision import DECISIONS, MATCH, NEW, REVIEW, explain, judge_columns, judge_pairs
from .features import CustomerFeatures, customer_features
from .settings import MatchSettings
from .survivorship import SourceRecord, build_golden_record

ANONYMOUS = "anonymous"
_MAX_REVIEWS_PER_RECORD = 3


@dataclass(slots=True)
class Resolution:
    index: int
    golden_id: str
    decision: str
    score: float | None
    reasons: list[dict[str, Any]]
    record_id: str
    replay: bool = False
    review_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "ok": True, "golden_id": self.golden_id, "decision": self.decision,
                "score": self.score, "reasons": self.reasons, "record_id": self.record_id, "replay": self.replay,
                "review_ids": self.review_ids}


class GraphError(Exception):
    """An action the graph cannot take (unknown golden id, nothing to unmerge); `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def new_id(prefix: str) -> str:
    """A time-ordered id: 12 hex digits of milliseconds since 1970, then 16 random ones. New records
    and golden customers then land at the end of their indexes instead of on random pages, each of
    which PostgreSQL would write whole into its WAL after every checkpoint."""
    return f"{prefix}_{time.time_ns() // 1_000_000:012x}{secrets.token_hex(8)}"


def record_links(customer: Customer) -> list[tuple[str, str]]:
    """A record's links; one without any external id is linked by a fingerprint of its content,
    so sending the same anonymous record twice still resolves to the same golden customer."""
    links = sorted((system, str(native)) for system, native in customer.external_ids.items() if native)
    if links:
        return links
    return [(ANONYMOUS, content_hash(customer.model_dump(mode="json")))]


# --------------------------------------------------------------------------------------------- resolve

@dataclass(slots=True)
class _Verdict:
    """The evidence of one incoming record against one golden customer."""

    golden_id: str
    decision: int
    score: float
    record_id: str
    reasons: list[dict[str, Any]]


def resolve(database: Database, customers: Sequence[Customer], settings: MatchSettings) -> list[Resolution]:
    now = datetime.now(timezone.utc)
    features = [customer_features(c, email_provider_rules=settings.email_provider_rules) for c in customers]
    links = [record_links(c) for c in customers]
    with database.transaction() as connection:
        known = _known_links(connection, [link for item in links for link in item])
        answers: list[Resolution | None] = [None] * len(customers)
        fresh: list[int] = []
        first_in_batch: dict[tuple[str, str], int] = {}
        for index, item_links in enumerate(links):
            hit = next((known[link] for link in item_links if link in known), None)
            if hit is not None:
                answers[index] = _replay(index, hit)
                continue
            earlier = next((first_in_batch[link] for link in item_links if link in first_in_batch), None)
            if earlier is None:
                fresh.append(index)
                for link in item_links:
                    first_in_batch[link] = index
            else:
                answers[index] = Resolution(index, "", "", None, [], "", replay=True)  # filled in below
        keys_of = {index: graph_keys(features[index]) for index in fresh}
        fresh_keys = [keys_of[i] for i in fresh]
        verdicts = _score_against_graph(connection, [features[i] for i in fresh], fresh_keys, settings)
        outcome = _decide_in_order(fresh, features, fresh_keys, verdicts, settings)
        _write(connection, customers, features, keys_of, links, outcome, answers, now, settings)
        for index, answer in enumerate(answers):
            if answer is not None and not answer.record_id:  # the same record twice in one batch
                earlier = next(first_in_batch[link] for link in links[index] if link in first_in_batch)
                first = answers[earlier]
                assert first is not None
                answers[index] = Resolution(index, first.golden_id, first.decision, first.score, first.reasons,
                                            first.record_id, replay=True)
    return [answer for answer in answers if answer is not None]


def _known_links(connection: Connection, links: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    unique = list(dict.fromkeys(links))
    for chunk in in_chunks(connection, unique):
        query = select(source_links.c.system, source_links.c.native_id, source_records.c.record_id,
                       source_records.c.golden_id, source_records.c.decision, source_records.c.score,
                       source_records.c.reasons)
        if is_postgres(connection):
            wanted = func.unnest(text_array([s for s, _ in chunk]), text_array([n for _, n in chunk])
                                 ).table_valued("system", "native_id").render_derived(name="wanted")
            query = query.select_from(wanted.join(source_links, (source_links.c.system == wanted.c.system)
                                                  & (source_links.c.native_id == wanted.c.native_id)))
        else:
            query = query.where(tuple_(source_links.c.system, source_links.c.native_id).in_(chunk))
        for row in connection.execute(
                query.join(source_records, source_records.c.record_id == source_links.c.record_id)).all():
            found[(row.system, row.native_id)] = row
    return found


def rebuild_blocking_keys(connection: Connection, chunk: int = 10_000) -> None:
    """Write every source record's blocking keys anew from its stored features (a schema step
    that changes what the keys hold calls it on an emptied table)."""
    last = ""
    while True:
        rows = connection.execute(
            select(source_records.c.record_id, source_records.c.features).where(source_records.c.record_id > last)
            .order_by(source_records.c.record_id).limit(chunk)).all()
        if not rows:
            return
        insert_rows(connection, keys_table, [
            {"key": key, "place": place, "record_id": record_id} for record_id, features in rows
            for key, place in graph_keys(CustomerFeatures.from_json(loads(features))).items()])
        last = rows[-1].record_id


def _replay(index: int, row: Any) -> Resolution:
    return Resolution(index, row.golden_id, row.decision, row.score, loads(row.reasons), row.record_id, replay=True)


# How much a shared blocking key says, for choosing whom to score: an e-mail, phone, card or loyalty
# id is one person's; a door (postcode + house number) or a whole name (phonetic) narrows to a few
# people; a first name or surname in a postcode, or a birth date, to many. With these weights the
# default 10 candidates find about as many duplicates as 20 did with e-mail/phone/card/loyalty 3 and
# everything else 1, scoring half the pairs (README, Decisions).
_KEY_WEIGHTS = {"e": 3.0, "p": 3.0, "c": 3.0, "l": 3.0, "ph": 2.0, "nn": 1.5}


def _key_strength(key: str) -> float:
    return _KEY_WEIGHTS.get(key.partition(":")[0], 1.0)


KeyPlace = tuple[str, str]
"""A blocking key and an incoming record's place in it (`blocking.graph_keys`)."""


def _key_hits(connection: Connection, wanted: list[KeyPlace], per_key: int) -> dict[KeyPlace, list[str]]:
    """Record ids per blocking key, at most `per_key` of them: those nearest the incoming record's
    place in the key (`_nearest_first`). A key shared by thousands (a shop's own address typed in
    for walk-ins) must not flood the comparison, and of a key shared by hundreds (a surname in a
    postcode) the records read are the most alike."""
    if is_postgres(connection):
        return _key_hits_postgres(connection, wanted, per_key)
    hits: dict[KeyPlace, list[str]] = {}
    for chunk in in_chunks(connection, wanted):
        given = values(column("key", String), column("place", String), name="wanted").data(chunk).cte("wanted")
        after = keys_table.c.place >= given.c.place
        # One window per key and side, each counting outwards from the incoming record's place.
        rank = func.row_number().over(
            partition_by=(given.c.key, given.c.place, after),
            order_by=(case((after, keys_table.c.place)), case((after, keys_table.c.record_id)),
                      case((~after, keys_table.c.place)).desc(), case((~after, keys_table.c.record_id)).desc()))
        ranked = (select(given.c.key, given.c.place, keys_table.c.record_id, after.label("after"), rank.label("rank"))
                  .select_from(given.join(keys_table, keys_table.c.key == given.c.key)).subquery())
        sides: dict[KeyPlace, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for key, place, record_id, is_after, _rank in connection.execute(
                select(ranked).where(ranked.c.rank <= per_key).order_by(ranked.c.rank)).all():
            sides[(key, place)][0 if is_after else 1].append(record_id)
        for key_place, (later, earlier) in sides.items():
            hits[key_place] = _nearest_first(later, earlier, per_key)
    return hits


def _key_hits_postgres(connection: Connection, wanted: list[KeyPlace], per_key: int) -> dict[KeyPlace, list[str]]:
    """`_key_hits` in one round trip: per key (the batch's keys and places, each once) one index
    walk from the place up and one from it down (none for a key without places), each side's
    record ids as one array, so a hundred thousand hits come back as a few thousand rows."""
    # The planner's row estimate for the whole key list trips JIT compilation, which costs more
    # than these index walks take.
    connection.exec_driver_sql("SET LOCAL jit = off")
    given = func.unnest(text_array([k for k, _ in wanted]), text_array([p for _, p in wanted])
                        ).table_valued("key", "place").render_derived(name="wanted")

    def outwards(place: Any, record_id: Any, after: bool) -> tuple[Any, ...]:
        return (place, record_id) if after else (place.desc(), record_id.desc())

    def side(after: bool) -> Any:
        walk = (select(keys_table.c.record_id, keys_table.c.place)
                .where(keys_table.c.key == given.c.key,
                       keys_table.c.place >= given.c.place if after else keys_table.c.place < given.c.place)
                .order_by(*outwards(keys_table.c.place, keys_table.c.record_id, after)).limit(per_key)
                .correlate(given).subquery("after" if after else "before"))
        return select(func.array_agg(aggregate_order_by(
            walk.c.record_id, *outwards(walk.c.place, walk.c.record_id, after)))).scalar_subquery()

    rows = connection.execute(select(given.c.key, given.c.place, side(True),
                                     case((given.c.place == "", None), else_=side(False))))
    return {(key, place): _nearest_first(later or [], earlier or [], per_key)
            for key, place, later, earlier in rows.all() if later or earlier}


def _nearest_first(after: list[str], before: list[str], limit: int) -> list[str]:
    """Record ids nearest an incoming record's place: alternately the next at or after it and the
    next before it (each side in order outwards), at most `limit`."""
    return [record_id for pair in zip_longest(after, before) for record_id in pair if record_id][:limit]


def _stored_candidates(connection: Connection, record_ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Golden id and stored features (JSON) of records, by record id."""
    stored: dict[str, tuple[str, dict[str, Any]]] = {}
    for chunk in in_chunks(connection, record_ids):
        rows = connection.execute(
            select(source_records.c.record_id, source_records.c.golden_id, source_records.c.features)
            .where(one_of(connection, source_records.c.record_id, chunk))).all()
        for record_id, golden_id, data in rows:
            stored[record_id] = (golden_id, loads(data))
    return stored


def _closest_records(keys: dict[str, str], hits: dict[KeyPlace, list[str]], limit: int) -> list[str]:
    """The records sharing the most blocking keys with an incoming record, each key weighed by what
    it says (`_KEY_WEIGHTS`), at most `limit`. Among equals, a record sharing a rarer key comes first
    (the same full name in a town says more than the same first name there), then the smaller
    record id, so one graph always gives one answer."""
    rank: dict[str, list[Any]] = {}  # record id → [-weight, size of its rarest shared key, record id]
    for key, place in keys.items():
        found = hits.get((key, place))
        if not found:
            continue
        strength, size = _key_strength(key), len(found)
        for record_id in found:
            entry = rank.get(record_id)
            if entry is None:
                rank[record_id] = [-strength, size, record_id]
            else:
                entry[0] -= strength
                entry[1] = min(entry[1], size)
    return [entry[2] for entry in heapq.nsmallest(limit, rank.values())]


def _candidates(
    connection: Connection, item_keys: list[dict[str, str]], per_key: int, limit: int
) -> tuple[list[list[str]], dict[str, tuple[str, dict[str, Any]]]]:
    """Per incoming record its closest records (see `_closest_records`; at most `per_key` hits per
    key, at most `limit` records per incoming record), and the golden id and stored features of each.

    Only the chosen records (`limit` of the hundred or more hits of a record in a large graph) are
    read with their features."""
    hits = _key_hits(connection, sorted({item for keys in item_keys for item in keys.items()}), per_key)
    closest = [_closest_records(keys, hits, limit) for keys in item_keys]
    return closest, _stored_candidates(connection, sorted({r for records in closest for r in records}))


def _score_against_graph(
    connection: Connection, incoming: list[CustomerFeatures], item_keys: list[dict[str, str]],
    settings: MatchSettings,
) -> list[dict[str, _Verdict]]:
    """Per incoming record: the verdict against each candidate golden customer (its best record).

    Candidates are the `max_candidates` records sharing the most blocking keys with the record
    (each key read up to `max_reads_per_key` records), grouped by their golden customer. Ranking records
    rather than golden customers needs no golden id for each of the many key hits of a record in a
    large graph, only for the few that are scored.
    """
    nearest, stored = _candidates(connection, item_keys, settings.max_reads_per_key, settings.max_candidates)
    candidate_ids = sorted(stored)
    # A key whose record is gone (blocking keys carry no foreign key) is skipped, not trusted.
    chosen = [[(record_id, stored[record_id][0]) for record_id in records if record_id in stored]
              for records in nearest]
    pairs = [(item, record_id, golden_id) for item, candidates in enumerate(chosen)
             for record_id, golden_id in candidates]
    verdicts: list[dict[str, _Verdict]] = [{} for _ in incoming]
    if not pairs:
        return verdicts
    row_of = {record_id: row for row, record_id in enumerate(candidate_ids)}
    scores, decisions = judge_columns(
        FeatureColumns.of(incoming).take(np.fromiter((i for i, _, _ in pairs), dtype=np.int64, count=len(pairs))),
        FeatureColumns.of_json([stored[r][1] for r in candidate_ids]).take(
            np.fromiter((row_of[r] for _, r, _ in pairs), dtype=np.int64, count=len(pairs))),
        settings)
    rank = list(zip(decisions.tolist(), scores.total.tolist()))  # (decision, score): the larger, the stronger
    conflicting = (scores.vetoed & (scores.total < settings.match_threshold)).tolist()
    best: dict[tuple[int, str], int] = {}
    conflicts: set[tuple[int, str]] = set()
    for k, (item, _record_id, golden_id) in enumerate(pairs):
        if conflicting[k]:
            conflicts.add((item, golden_id))
        current = best.get((item, golden_id))
        if current is None or rank[k] > rank[current]:
            best[(item, golden_id)] = k
    closest: dict[int, int] = {}  # item → its best pair overall: the reasons of a `new` answer
    for (item, _golden_id), k in best.items():
        if item not in closest or rank[k] > rank[closest[item]]:
            closest[item] = k
    for (item, golden_id), k in best.items():
        if decisions[k] == NEW and closest[item] != k:
            continue  # only the closest of the candidates that are not the same person is explained
        verdict = _Verdict(golden_id, int(decisions[k]), float(scores.total[k]), pairs[k][1],
                           explain(scores, k, incoming[item], CustomerFeatures.from_json(stored[pairs[k][1]][1]),
                                   settings))
        # A golden customer one of whose records conflicts with the new record is never merged automatically.
        if (item, golden_id) in conflicts and verdict.decision == MATCH:
            verdict.decision = REVIEW
            verdict.reasons.append({"field": "conflict", "comparison": "another record of this customer disagrees",
                                    "blocks_automatic_merge": True, "contribution": 0.0})
        verdicts[item][golden_id] = verdict
    return verdicts


@dataclass(slots=True)
class _InBatch:
    """Scores of the pairs of new records in one batch that share a key (earlier, later)."""

    partners: dict[int, list[int]]
    index: dict[tuple[int, int], int]
    scores: Any
    decisions: Any
    features: list[CustomerFeatures]
    settings: MatchSettings

    def score(self, earlier: int, later: int) -> tuple[int, float, Callable[[], list[dict[str, Any]]]]:
        k = self.index[(earlier, later)]
        return int(self.decisions[k]), float(self.scores.total[k]), lambda: explain(
            self.scores, k, self.features[later], self.features[earlier], self.settings)


def _in_batch_scores(
    fresh: list[int], features: list[CustomerFeatures], keys_of: list[dict[str, str]], settings: MatchSettings
) -> _InBatch:
    """Every pair of this batch's new records that share a key, scored in one vectorised call;
    inside a key only the `max_candidates` records before each one (bounded like the graph)."""
    members: dict[str, list[int]] = defaultdict(list)
    for position, keys in enumerate(keys_of):
        for key in keys:
            members[key].append(position)
    pairs = sorted({(group[j], group[i]) for group in members.values() for i in range(len(group))
                    for j in range(max(0, i - settings.max_candidates), i)})
    partners: dict[int, list[int]] = defaultdict(list)
    for earlier, later in pairs:
        partners[later].append(earlier)
    fresh_features = [features[index] for index in fresh]
    scores, decisions = None, None
    if pairs:
        columns = FeatureColumns.of(fresh_features)
        earlier_rows, later_rows = np.array(pairs, dtype=np.int64).T
        scores, decisions = judge_columns(columns.take(later_rows), columns.take(earlier_rows), settings)
    return _InBatch(partners, {pair: k for k, pair in enumerate(pairs)}, scores, decisions, fresh_features, settings)


@dataclass(slots=True)
class _Outcome:
    index: int
    golden_id: str
    is_new_golden: bool
    record_id: str
    decision: int
    best: _Verdict | None
    reviews: list[_Verdict]


def _decide_in_order(
    fresh: list[int], features: list[CustomerFeatures], keys_of: list[dict[str, str]], verdicts: list[dict[str, _Verdict]],
    settings: MatchSettings,
) -> list[_Outcome]:
    """Decide each new record; records earlier in the same batch count as candidates too."""
    outcomes: list[_Outcome] = []
    in_batch = _in_batch_scores(fresh, features, keys_of, settings)
    for position, index in enumerate(fresh):
        item_verdicts = dict(verdicts[position])
        for p in in_batch.partners.get(position, ()):
            decision, total, reasons = in_batch.score(p, position)
            golden_id = outcomes[p].golden_id
            current = item_verdicts.get(golden_id)
            if current is None or (decision, total) > (current.decision, current.score):
                item_verdicts[golden_id] = _Verdict(golden_id, decision, total, outcomes[p].record_id, reasons())
        ranked = sorted(item_verdicts.values(), key=lambda v: (v.decision, v.score), reverse=True)
        best = ranked[0] if ranked else None
        record_id = new_id("rec")
        if best is not None and best.decision == MATCH:
            golden_id, is_new = best.golden_id, False
            others = [v for v in ranked[1:] if v.decision >= REVIEW]
        else:
            golden_id, is_new = new_id("gc"), True
            others = [v for v in ranked if v.decision >= REVIEW]
        outcomes.append(_Outcome(index, golden_id, is_new, record_id,
                                 best.decision if best else NEW, best, others[:_MAX_REVIEWS_PER_RECORD]))
    return outcomes


def _write(
    connection: Connection, customers: Sequence[Customer], features: list[CustomerFeatures],
    keys_of: dict[int, dict[str, str]], links: list[list[tuple[str, str]]], outcomes: list[_Outcome],
    answers: list[Resolution | None], now: datetime, settings: MatchSettings,
) -> None:
    if not outcomes:
        return
    # A golden customer created by this batch holds only records of this batch: its golden record is
    # built from them in hand and written with it.
    in_hand: dict[str, list[SourceRecord]] = defaultdict(list)
    for o in outcomes:
        if o.is_new_golden or o.golden_id in in_hand:
            in_hand[o.golden_id].append(SourceRecord(o.record_id, links[o.index][0][0], customers[o.index], now))
    insert_rows(connection, golden_customers, [
        {"golden_id": golden_id, "status": "active", "merged_into": None,
         "record": dumps(build_golden_record(records, settings).model_dump(mode="json")),
         "created_at": now, "updated_at": now} for golden_id, records in in_hand.items()])
    record_rows = []
    reasons_of: dict[str, list[dict[str, Any]]] = {}
    for o in outcomes:
        reasons = reasons_of[o.record_id] = o.best.reasons if o.best else []
        record_rows.append({
            "record_id": o.record_id, "golden_id": o.golden_id, "system": links[o.index][0][0],
            "payload": dumps(customers[o.index].model_dump(mode="json")), "features": dumps(features[o.index].to_json()),
            "decision": DECISIONS[o.decision], "score": round(o.best.score, 2) if o.best else None,
            "reasons": dumps(reasons), "created_at": now,
        })
    insert_rows(connection, source_records, record_rows)
    # Key order: concurrent resolvers (several n8n workers) then lock links in one order and wait for
    # each other instead of deadlocking.
    link_rows = sorted(({"system": s, "native_id": n, "record_id": o.record_id}
                        for o in outcomes for s, n in links[o.index]), key=lambda row: (row["system"], row["native_id"]))
    inserted = {(system, native_id) for system, native_id in insert_new_rows(
        connection, source_links, link_rows, (source_links.c.system, source_links.c.native_id))}
    # Another replica linked the same record between our read and our write: its record wins.
    lost = [o for o in outcomes if not any(link in inserted for link in links[o.index])]
    rebuilt: set[str] = set()  # golden customers built in hand from a record that was then lost
    if lost:
        outcomes = [o for o in outcomes if o not in lost]
        surviving = {o.golden_id for o in outcomes}
        _drop_lost(connection, lost, links, answers, keep=surviving)
        rebuilt = {o.golden_id for o in lost if o.golden_id in in_hand} & surviving
    key_rows = [{"key": key, "place": place, "record_id": o.record_id}
                for o in outcomes for key, place in keys_of[o.index].items()]
    insert_rows(connection, keys_table, key_rows)
    review_ids = _queue_reviews(connection, outcomes, now)
    # Sorted: replicas resolving at once then lock golden customers in one order (no deadlock).
    _refresh_golden_records(connection, sorted({o.golden_id for o in outcomes if o.golden_id not in in_hand}
                                               | rebuilt), settings, now)
    for o in outcomes:
        answers[o.index] = Resolution(
            o.index, o.golden_id, DECISIONS[o.decision], round(o.best.score, 2) if o.best else None,
            reasons_of[o.record_id], o.record_id, review_ids=review_ids.get(o.record_id, []))


def _drop_lost(
    connection: Connection, lost: list[_Outcome], links: list[list[tuple[str, str]]], answers: list[Resolution | None],
    keep: set[str],
) -> None:
    """Remove the records that lost the link race, and the golden customers they created unless a
    surviving record of the batch joined them (`keep`)."""
    record_ids = [o.record_id for o in lost]
    connection.execute(source_records.delete().where(source_records.c.record_id.in_(record_ids)))
    connection.execute(golden_customers.delete().where(
        golden_customers.c.golden_id.in_([o.golden_id for o in lost if o.is_new_golden and o.golden_id not in keep])))
    winners = _known_links(connection, [link for o in lost for link in links[o.index]])
    for o in lost:
        hit = next(winners[link] for link in links[o.index] if link in winners)
        answers[o.index] = _replay(o.index, hit)


def _queue_reviews(connection: Connection, outcomes: list[_Outcome], now: datetime) -> dict[str, list[int]]:
    proposals = [(o, v) for o in outcomes for v in o.reviews if v.golden_id != o.golden_id]
    if not proposals:
        return {}
    rejected = _rejected_golden_pairs(connection, {g for o, v in proposals for g in (o.golden_id, v.golden_id)})
    rows = [{"record_id": o.record_id, "candidate_record_id": v.record_id, "score": round(v.score, 2),
             "reasons": dumps(v.reasons), "status": "open", "created_at": now}
            for o, v in proposals if frozenset((o.golden_id, v.golden_id)) not in rejected]
    if not rows:
        return {}
    created = insert_new_rows(connection, review_items, rows,
                              (review_items.c.review_id, review_items.c.record_id))
    by_record: dict[str, list[int]] = defaultdict(list)
    for review_id, record_id in created:
        by_record[record_id].append(review_id)
    return by_record


def _rejected_golden_pairs(connection: Connection, golden_ids: set[str]) -> set[frozenset[str]]:
    """Golden pairs a reviewer already declared different people (through any of their records)."""
    left, right = source_records.alias("left_record"), source_records.alias("right_record")
    rows = connection.execute(
        select(left.c.golden_id, right.c.golden_id)
        .select_from(not_a_match.join(left, left.c.record_id == not_a_match.c.record_a)
                     .join(right, right.c.record_id == not_a_match.c.record_b))
        .where(or_(one_of(connection, left.c.golden_id, sorted(golden_ids)),
                   one_of(connection, right.c.golden_id, sorted(golden_ids))))
    )
    return {frozenset(row) for row in rows}


# ------------------------------------------------------------------------------------- golden records

def _refresh_golden_records(
    connection: Connection, golden_ids: Iterable[str], settings: MatchSettings, now: datetime
) -> None:
    golden_ids = list(golden_ids)
    records: dict[str, list[SourceRecord]] = defaultdict(list)
    for chunk in in_chunks(connection, golden_ids):
        rows = connection.execute(
            select(source_records.c.record_id, source_records.c.golden_id, source_records.c.system,
                   source_records.c.payload, source_records.c.created_at)
            .where(one_of(connection, source_records.c.golden_id, chunk))).all()
        for row in rows:
            records[row.golden_id].append(SourceRecord(
                row.record_id, row.system, Customer.model_validate_json(row.payload), row.created_at))
    updates = [{"g": g, "record": dumps(build_golden_record(records[g], settings).model_dump(mode="json")),
                "updated_at": now} for g in golden_ids]
    if updates:
        connection.execute(
            update(golden_customers).where(golden_customers.c.golden_id == bindparam("g"))
            .values(record=bindparam("record"), updated_at=bindparam("updated_at")), updates)


def current_golden_id(connection: Connection, golden_id: str) -> str | None:
    """Follow `merged_into` to the golden customer that holds the records today."""
    holder = golden_holders(connection, [golden_id]).get(golden_id)
    return holder[0] if holder else None


def get_customer(database: Database, golden_id: str) -> dict[str, Any] | None:
    """The golden record, its links (system + native id per source record) and its merge history.
    A merged id answers with the golden customer that absorbed it (`requested_id` says which)."""
    with database.connect() as connection:
        current = current_golden_id(connection, golden_id)
        if current is None:
            return None
        golden = connection.execute(select(golden_customers).where(golden_customers.c.golden_id == current)).one()
        records = connection.execute(
            select(source_records.c.record_id, source_records.c.system, source_records.c.created_at,
                   source_records.c.decision, source_records.c.score)
            .where(source_records.c.golden_id == current).order_by(source_records.c.created_at,
                                                                   source_records.c.record_id)).all()
        link_rows = connection.execute(
            select(source_links).where(source_links.c.record_id.in_([r.record_id for r in records]))
            .order_by(source_links.c.system, source_links.c.native_id)).all()
        history = connection.execute(
            select(merges).where(or_(merges.c.golden_id == current, merges.c.absorbed_golden_id == current))
            .order_by(merges.c.merge_id)).all()
    links_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for link in link_rows:
        links_of[link.record_id].append({"system": link.system, "native_id": link.native_id})
    return {
        "golden_id": current,
        "requested_id": golden_id,
        "status": golden.status,
        "created_at": golden.created_at.isoformat(),
        "record": loads(golden.record),
        "links": [link | {"record_id": r.record_id} for r in records for link in links_of[r.record_id]],
        "records": [{"record_id": r.record_id, "system": r.system, "created_at": r.created_at.isoformat(),
                     "decision": r.decision, "score": r.score, "links": links_of[r.record_id]} for r in records],
        "history": [_merge_json(m) for m in history],
    }


def _merge_json(row: Any) -> dict[str, Any]:
    return {
        "merge_id": row.merge_id, "golden_id": row.golden_id, "absorbed_golden_id": row.absorbed_golden_id,
        "record_ids": loads(row.record_ids), "actor": row.actor, "reason": row.reason, "score": row.score,
        "reasons": loads(row.reasons), "merged_at": row.created_at.isoformat(),
        "undone_at": row.undone_at.isoformat() if row.undone_at else None, "undone_by": row.undone_by,
    }


# ------------------------------------------------------------------------------------ merge / unmerge

def merge_goldens(
    connection: Connection, survivor: str, absorbed: str, *, actor: str, reason: str, score: float | None,
    reasons: list[dict[str, Any]], settings: MatchSettings, now: datetime,
) -> int:
    moved = sorted(connection.scalars(select(source_records.c.record_id)
                                      .where(source_records.c.golden_id == absorbed)))
    connection.execute(update(source_records).where(source_records.c.golden_id == absorbed).values(golden_id=survivor))
    connection.execute(update(golden_customers).where(golden_customers.c.golden_id == absorbed)
                       .values(status="merged", merged_into=survivor, updated_at=now))
    merge_id = connection.execute(merges.insert().values(
        golden_id=survivor, absorbed_golden_id=absorbed, record_ids=dumps(moved), actor=actor, reason=reason,
        score=score, reasons=dumps(reasons), created_at=now).returning(merges.c.merge_id)).scalar_one()
    _refresh_golden_records(connection, [survivor], settings, now)
    return int(merge_id)


def unmerge(
    database: Database, golden_id: str, merge_id: int | None, *, actor: str, settings: MatchSettings
) -> dict[str, Any]:
    """Split a golden customer back into the state before one of its merges.

    The records that merge moved go back to the golden customer they came from. Records linked
    to the survivor after that merge are scored against both sides and stay with the side they
    match better; records that later merges brought in stay where they are. Nothing is deleted.
    """
    now = datetime.now(timezone.utc)
    with database.transaction() as connection:
        current = current_golden_id(connection, golden_id)
        if current is None:
            raise GraphError("identity.unknown_golden_id", f"No golden customer '{golden_id}'")
        active = connection.execute(
            select(merges).where(merges.c.undone_at.is_(None)).order_by(merges.c.merge_id.desc())).all()
        holders = golden_holders(connection, {m.golden_id for m in active})  # one query for all survivors
        mine = [m for m in active if m.golden_id in holders and holders[m.golden_id][0] == current]
        chosen = next((m for m in mine if merge_id is None or m.merge_id == merge_id), None)
        if chosen is None:
            what = f"merge {merge_id}" if merge_id is not None else "any merge"
            raise GraphError("identity.nothing_to_unmerge", f"Golden customer '{current}' has no active {what}")
        moved = set(loads(chosen.record_ids))
        later_merged = {r for m in mine if m.merge_id > chosen.merge_id for r in loads(m.record_ids)}
        remaining = connection.execute(
            select(source_records.c.record_id, source_records.c.created_at, source_records.c.features)
            .where(source_records.c.golden_id == current)).all()
        side_b = [r for r in remaining if r.record_id in moved]
        side_a = [r for r in remaining if r.record_id not in moved]
        since = [r for r in side_a if r.created_at > chosen.created_at and r.record_id not in later_merged]
        stay_a = [r for r in side_a if r not in since]
        follow_b = _better_side(since, stay_a, side_b, settings)
        back = sorted({r.record_id for r in side_b} | set(follow_b))
        if back:
            connection.execute(update(source_records).where(source_records.c.record_id.in_(back))
                               .values(golden_id=chosen.absorbed_golden_id))
        connection.execute(update(golden_customers).where(golden_customers.c.golden_id == chosen.absorbed_golden_id)
                           .values(status="active", merged_into=None, updated_at=now))
        connection.execute(update(merges).where(merges.c.merge_id == chosen.merge_id)
                           .values(undone_at=now, undone_by=actor))
        _refresh_golden_records(connection, [current, chosen.absorbed_golden_id], settings, now)
    return {"golden_id": current, "restored_golden_id": chosen.absorbed_golden_id, "merge_id": chosen.merge_id,
            "moved_back": sorted(moved & {r.record_id for r in side_b}), "followed": sorted(follow_b)}


def _better_side(since: list[Any], side_a: list[Any], side_b: list[Any], settings: MatchSettings) -> list[str]:
    """Records linked after the merge: those that match the restored side better go with it."""
    if not since or not side_b:
        return []
    features = {r.record_id: CustomerFeatures.from_json(loads(r.features)) for r in [*since, *side_a, *side_b]}
    pairs = [(s.record_id, other.record_id, side) for s in since
             for side, others in (("a", side_a), ("b", side_b)) for other in others]
    scores, _ = judge_pairs([(features[s], features[o]) for s, o, _ in pairs], settings)
    best: dict[tuple[str, str], float] = defaultdict(lambda: -np.inf)
    for k, (s, _o, side) in enumerate(pairs):
        best[(s, side)] = max(best[(s, side)], float(scores.total[k]))
    return [s.record_id for s in since if best[(s.record_id, "b")] > best[(s.record_id, "a")]]


# --------------------------------------------------------------------------------------- review queue

def list_reviews(database: Database, status: str = "open", limit: int = 100, offset: int = 0) -> dict[str, Any]:
    left, right = source_records.alias("left_record"), source_records.alias("right_record")
    with database.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(review_items).where(review_items.c.status == status))
        rows = connection.execute(
            select(review_items, left.c.golden_id.label("golden_id"), right.c.golden_id.label("candidate_golden_id"),
                   left.c.payload.label("record"), right.c.payload.label("candidate_record"))
            .join(left, left.c.record_id == review_items.c.record_id)
            .join(right, right.c.record_id == review_items.c.candidate_record_id)
            .where(review_items.c.status == status).order_by(review_items.c.review_id).limit(limit).offset(offset)
        ).all()
    return {"reviews": [_review_json(r) for r in rows], "total": total}


def _review_json(row: Any) -> dict[str, Any]:
    return {
        "review_id": row.review_id, "status": row.status, "score": row.score, "reasons": loads(row.reasons),
        "record_id": row.record_id, "golden_id": row.golden_id, "record": loads(row.record),
        "candidate_record_id": row.candidate_record_id, "candidate_golden_id": row.candidate_golden_id,
        "candidate_record": loads(row.candidate_record), "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None, "decided_by": row.decided_by,
        "merge_id": row.merge_id,
    }


def _open_review(connection: Connection, review_id: int) -> Any:
    row = connection.execute(select(review_items).where(review_items.c.review_id == review_id)).first()
    if row is None:
        raise GraphError("identity.unknown_review", f"No review item {review_id}")
    if row.status != "open":
        raise GraphError("identity.review_not_open", f"Review item {review_id} is {row.status}, not open")
    return row


def _golden_of(connection: Connection, record_id: str) -> str:
    return connection.scalar(select(source_records.c.golden_id).where(source_records.c.record_id == record_id))


def approve_review(database: Database, review_id: int, *, actor: str, settings: MatchSettings) -> dict[str, Any]:
    """Approve = merge: the record's golden customer joins the candidate's (the older one survives)."""
    now = datetime.now(timezone.utc)
    with database.transaction() as connection:
        row = _open_review(connection, review_id)
        absorbed, survivor = _golden_of(connection, row.record_id), _golden_of(connection, row.candidate_record_id)
        merge_id = None
        if absorbed != survivor:
            merge_id = merge_goldens(connection, survivor, absorbed, actor=actor, reason="review", score=row.score,
                                     reasons=loads(row.reasons), settings=settings, now=now)
        connection.execute(update(review_items).where(review_items.c.review_id == review_id)
                           .values(status="approved", decided_at=now, decided_by=actor, merge_id=merge_id))
    return {"review_id": review_id, "status": "approved", "golden_id": survivor, "merge_id": merge_id}


def reject_review(database: Database, review_id: int, *, actor: str) -> dict[str, Any]:
    """Reject = remember the pair as different people, so it is never proposed again."""
    now = datetime.now(timezone.utc)
    with database.transaction() as connection:
        row = _open_review(connection, review_id)
        a, b = sorted((row.record_id, row.candidate_record_id))
        connection.execute(database.insert(not_a_match).values(record_a=a, record_b=b, decided_by=actor,
                                                               created_at=now).on_conflict_do_nothing())
        connection.execute(update(review_items).where(review_items.c.review_id == review_id)
                           .values(status="rejected", decided_at=now, decided_by=actor))
    return {"review_id": review_id, "status": "rejected"}

