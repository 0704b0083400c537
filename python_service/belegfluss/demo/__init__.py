"""Shipped demo data: a sample day of POS payloads (`sample_day/<source>.jsonl`)."""

from pathlib import Path

SAMPLE_DAY = Path(__file__).parent / "sample_day"
