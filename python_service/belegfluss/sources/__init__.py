"""POS sources: one pure mapper per vendor, from the vendor's payload to the canonical event.

`map_payload(source, payload)` is the one entry point (used by `/v1/map` and `belegfluss map`);
each vendor's field names live in its own module only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from belegfluss.model import ItemError, Sale, ZReport

from .canonical import map_canonical
from .errors import INVALID_PAYLOAD, SOURCE_UNKNOWN, MappingError
from .shopify import map_shopify
from .square import map_square
from .sumup import map_sumup

Mapper = Callable[[Any], Sale | ZReport]

MAPPERS: dict[str, Mapper] = {
    "sumup": map_sumup,
    "shopify": map_shopify,
    "square": map_square,
    "canonical": map_canonical,
}
"""Source name → mapper; the names are the `source` values of `/v1/map`."""


def map_payload(source: str, payload: Any) -> Sale | ZReport:
    """Map one POS payload of the named source; raises `MappingError` with every problem found."""
    mapper = MAPPERS.get(source)
    if mapper is None:
        raise MappingError(
            [
                ItemError(
                    code=SOURCE_UNKNOWN,
                    path="$",
                    value=source,
                    message=f"unknown source {source!r}; known: {', '.join(MAPPERS)}",
                )
            ]
        )
    if not isinstance(payload, dict):
        raise MappingError(
            [
                ItemError(
                    code=INVALID_PAYLOAD,
                    path="$",
                    value=type(payload).__name__,
                    message=f"a {source} payload must be a JSON object",
                )
            ]
        )
    return mapper(payload)


__all__ = [
    "MAPPERS",
    "MappingError",
    "map_payload",
    "map_canonical",
    "map_shopify",
    "map_square",
    "map_sumup",
]
