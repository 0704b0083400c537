"""Correction jobs: checks that find inconsistent records; each finding is fixed (with an audit
entry) or turned into a quarantine ticket."""
