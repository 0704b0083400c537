"""Posting rules: pure functions from a canonical event and a location profile to DATEV bookings.

`book_event` dispatches on the event kind: a sale, refund or Storno (`sale.py`), a Z-report
(`zreport.py`) or a provider payout (`payout.py`). Each returns a `PostingResult` or raises a
`PostingError` whose errors name the field; every returned set is balanced (checked in `legs.py`).
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Discriminator, Tag, TypeAdapter

from ...model import Sale, ZReport
from ...profiles.model import LocationProfile
from .payout import Payout, book_payout
from .result import PostingError, PostingResult
from .sale import book_sale
from .texts import belegfeld, buchungstext
from .zreport import book_z_report

BookableEvent = Sale | ZReport | Payout


def _event_kind(value: object) -> str:
    kind = value.get("type", "sale") if isinstance(value, dict) else getattr(value, "type", "sale")
    return kind if kind in ("z_report", "payout") else "sale"


BOOKABLE_EVENT_ADAPTER: TypeAdapter[BookableEvent] = TypeAdapter(
    Annotated[
        Union[
            Annotated[Sale, Tag("sale")],
            Annotated[ZReport, Tag("z_report")],
            Annotated[Payout, Tag("payout")],
        ],
        Discriminator(_event_kind),
    ]
)
"""Parses what `POST /v1/book` accepts: a sale/refund/void (no `type` = sale), a Z-report or a payout."""


def book_event(event: BookableEvent, profile: LocationProfile) -> PostingResult:
    if isinstance(event, ZReport):
        return book_z_report(event, profile)
    if isinstance(event, Payout):
        return book_payout(event, profile)
    return book_sale(event, profile)


__all__ = [
    "BOOKABLE_EVENT_ADAPTER",
    "BookableEvent",
    "Payout",
    "PostingError",
    "PostingResult",
    "belegfeld",
    "book_event",
    "buchungstext",
]
