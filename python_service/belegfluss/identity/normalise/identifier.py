"""Identifiers (card token, loyalty id) compare exactly: only surrounding blanks are dropped."""

from __future__ import annotations


def normalise_identifier(raw: str | None) -> str | None:
    value = raw.strip() if raw else ""
    return value or None
