"""Accounting: charts of accounts (SKR03/SKR04), posting rules, DATEV EXTF export, Z-report reconciliation.

Kept import-free on purpose: the profile model imports `accounting.settings`, and the posting rules
import the profile model.
"""
