"""Errors as values: what a batch item answers when something is wrong with it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


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
