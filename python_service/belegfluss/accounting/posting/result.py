"""What a posting rule answers: the bookings and the warnings, or the errors that stop it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model.errors import ItemError
from ..booking import Booking


@dataclass(frozen=True)
class PostingResult:
    bookings: list[Booking]
    warnings: list[ItemError] = field(default_factory=list)


class PostingError(Exception):
    """The event cannot be booked under this profile; `errors` say why and where."""

    def __init__(self, errors: list[ItemError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def posting_error(code: str, path: str, message: str, value: object = None) -> PostingError:
    return PostingError([ItemError(code=code, path=path, message=message, value=value)])
