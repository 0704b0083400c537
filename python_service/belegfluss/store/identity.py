"""Tables of the identity graph: golden customers, their source records and links, blocking keys,
merge history, the review queue and remembered not-a-match pairs.

Uniqueness lives in the schema (a system's native id links one record; a review pair is queued
once; a not-a-match pair is kept once), and writers use `INSERT … ON CONFLICT DO NOTHING`, so two
replicas resolving the same record at the same moment cannot create it twice.

Also the bulk read of who holds a golden customer's records today (after merges).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
    select,
)

from .bulk import in_chunks, one_of
from .database import Database, UtcDateTime, loads, metadata

golden_customers = Table(
    "identity_golden_customers",
    metadata,
    Column("golden_id", String(40), primary_key=True),
    Column("status", String(16), nullable=False, default="active"),  # active | merged
    Column("merged_into", String(40)),
    Column("record", Text, nullable=False),  # the survivorship result, JSON
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

source_records = Table(
    "identity_source_records",
    metadata,
    Column("record_id", String(40), primary_key=True),
    Column("golden_id", String(40), ForeignKey("identity_golden_customers.golden_id"), nullable=False),
    Column("system", String(64), nullable=False),  # the system of the record's first link
    Column("payload", Text, nullable=False),  # the Customer as received
    Column("features", Text, nullable=False),  # normalised once, reused for every later comparison
    Column("decision", String(16), nullable=False),  # the answer given when it was first resolved
    Column("score", Float),
    Column("reasons", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
Index("ix_identity_records_golden", source_records.c.golden_id)

source_links = Table(
    "identity_source_links",
    metadata,
    Column("system", String(64), nullable=False),
    Column("native_id", String(200), nullable=False),
    Column("record_id", String(40), ForeignKey("identity_source_records.record_id"), nullable=False),
    PrimaryKeyConstraint("system", "native_id", name="pk_identity_source_links"),
)
Index("ix_identity_links_record", source_links.c.record_id)

# No foreign key on `record_id`: resolve writes a record's keys right after the record, in one
# transaction, and no source record is ever deleted once its keys exist. Checking each of the ~7 keys
# per record against `identity_source_records` took a third of PostgreSQL's CPU for resolve.
# `place` orders a key's records (`identity/blocking.py: graph_keys`); the primary key's index is
# what resolve reads, from an incoming record's place outwards. Byte order ("C") on PostgreSQL, as
# SQLite compares: a server locale such as de_DE ignores spaces at first, and the two databases
# would then read different neighbours of one record.
_PLACE = String(100).with_variant(String(100, collation="C"), "postgresql")
blocking_keys = Table(
    "identity_blocking_keys",
    metadata,
    Column("key", String(300), nullable=False),
    Column("place", _PLACE, nullable=False, server_default=""),
    Column("record_id", String(40), nullable=False),
    PrimaryKeyConstraint("key", "place", "record_id", name="pk_identity_blocking_keys"),
)

merges = Table(
    "identity_merges",
    metadata,
    Column("merge_id", Integer, primary_key=True, autoincrement=True),
    Column("golden_id", String(40), nullable=False),  # the survivor
    Column("absorbed_golden_id", String(40), nullable=False),
    Column("record_ids", Text, nullable=False),  # JSON list: the records moved from the absorbed golden
    Column("actor", String(200), nullable=False),  # "automatic" or the reviewer's key id / name
    Column("reason", String(32), nullable=False),  # automatic | review
    Column("score", Float),
    Column("reasons", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("undone_at", UtcDateTime()),
    Column("undone_by", String(200)),
)
Index("ix_identity_merges_golden", merges.c.golden_id)
Index("ix_identity_merges_absorbed", merges.c.absorbed_golden_id)

review_items = Table(
    "identity_review_items",
    metadata,
    Column("review_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(40), nullable=False),  # the record that raised the question
    Column("candidate_record_id", String(40), nullable=False),  # its best partner in the other golden
    Column("score", Float, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("status", String(16), nullable=False, default="open"),  # open | approved | rejected
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_at", UtcDateTime()),
    Column("decided_by", String(200)),
    Column("merge_id", Integer),
    UniqueConstraint("record_id", "candidate_record_id", name="uq_identity_review_pair"),
)
Index("ix_identity_review_status", review_items.c.status, review_items.c.review_id)

not_a_match = Table(
    "identity_not_a_match",
    metadata,
    Column("record_a", String(40), nullable=False),  # the smaller id of the pair
    Column("record_b", String(40), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("record_a", "record_b", name="pk_identity_not_a_match"),
)
Index("ix_identity_not_a_match_b", not_a_match.c.record_b)


def golden_holders(connection: Connection, golden_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Per requested golden id: the golden customer that holds its records today (following
    `merged_into` from merge to merge) and that customer's golden record (JSON text). One query on
    PostgreSQL, one per IN list on SQLite. Unknown ids and merge chains that end nowhere or loop are
    left out."""
    requested = sorted(set(golden_ids))
    found: dict[str, tuple[str, str]] = {}
    merged = golden_customers.c.status == "merged"
    holding = or_(~merged, golden_customers.c.merged_into.is_(None), golden_customers.c.merged_into == "")
    for chunk in in_chunks(connection, requested):
        chain = (select(golden_customers.c.golden_id.label("requested_id"), golden_customers.c.golden_id)
                 .where(one_of(connection, golden_customers.c.golden_id, chunk))
                 .cte("merge_chain", recursive=True))
        # UNION, not UNION ALL: a looping chain repeats a row, which ends the recursion.
        chain = chain.union(
            select(chain.c.requested_id, golden_customers.c.merged_into)
            .join_from(chain, golden_customers, golden_customers.c.golden_id == chain.c.golden_id)
            .where(~holding))
        rows = connection.execute(
            select(chain.c.requested_id, golden_customers.c.golden_id, golden_customers.c.record)
            .join_from(chain, golden_customers, golden_customers.c.golden_id == chain.c.golden_id)
            .where(holding)).all()
        found.update((row.requested_id, (row.golden_id, row.record)) for row in rows)
    return found


def current_golden_records(database: Database,
                           golden_ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """`golden_holders` with the golden records parsed, for batch paths (CRM mapping)."""
    with database.connect() as connection:
        return {requested: (holder, loads(record))
                for requested, (holder, record) in golden_holders(connection, golden_ids).items()}
