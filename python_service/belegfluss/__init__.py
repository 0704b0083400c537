"""Belegfluss sidecar: POS receipts → validated canonical events → CRM and DATEV."""

__version__ = "0.1.0"
