"""Validation of canonical events: schema, arithmetic, tax, TSE, references and sequence."""
