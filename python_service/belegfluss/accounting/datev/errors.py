"""Why a DATEV file cannot be written; `row` is the 1-based data row (file line = row + 2)."""

from __future__ import annotations


class DatevExportError(ValueError):
    def __init__(self, message: str, row: int | None = None, field: str | None = None) -> None:
        super().__init__(f"row {row}: {message}" if row is not None else message)
        self.row = row
        self.field = field
        self.detail = message
