"""Errors as values: what a batch item answers when something is wrong with it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_jsonable_python


class ItemError(BaseModel):
    """One actionable problem with one item.

    `code` is stable (clients switch on it), `path` is a JSON path into the item, `message`
    names the field as the user knows it, `value` is the offending value.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    path: str
    message: str
    value: Any = None


def json_path(location: tuple[int | str, ...] | list[int | str], root: str = "$") -> str:
    """`("lines", 0, "tax_rate")` → `$.lines[0].tax_rate`."""
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


UNION_TAGS = frozenset({"sale", "z_report"})
"""What pydantic puts in front of a location inside the tagged event union."""


def schema_errors(exc: ValidationError, root: str = "$") -> list[ItemError]:
    """Pydantic's complaints about a canonical model, as item errors: code `schema.<type>`, the path
    into the event, a message that names the field, and the offending value."""
    errors = []
    for detail in exc.errors(include_url=False):
        kind = detail["type"]
        location = tuple(detail["loc"])
        if location and location[0] in UNION_TAGS:
            location = location[1:]
        field = ".".join(str(part) for part in location) or "event"
        errors.append(ItemError(
            code="schema." + kind,
            path=json_path(location, root),
            message=f"{field}: {detail['msg']}",
            # A missing field's "input" is its parent object, not the offending value.
            value=None if kind == "missing" else to_jsonable_python(detail.get("input"), fallback=str),
        ))
    return errors
