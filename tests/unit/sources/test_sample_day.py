"""The shipped sample day: every payload maps and validates, except the six broken on purpose
(listed in `demo/sample_day/README.md`), which fail with the documented codes."""

from __future__ import annotations

import json
from pathlib import Path

import belegfluss
import pytest
from belegfluss.profiles.model import LocationProfile
from belegfluss.sources import MappingError, map_payload
from belegfluss.validation.rules import check_event
from belegfluss.validation.sequence import SequenceState, check_reference

SAMPLE_DAY = Path(belegfluss.__file__).parent / "demo" / "sample_day"

BROKEN_ON_PURPOSE = {
    ("sumup", 16): "sumup.missing_field",
    ("sumup", 17): "currency.not_allowed",
    ("sumup", 21): "sumup.unsupported_status",
    ("square", 10): "tax.rate_invalid_on_date",
    ("shopify", 7): "payment.not_covering",
    ("shopify", 11): "refund.unknown_original",
}


def replay(source: str) -> dict[int, list[str]]:
    """Map and validate a source's file in order, as the demo does; line number → error codes."""
    state = SequenceState()
    outcome = {}
    lines = (SAMPLE_DAY / f"{source}.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        try:
            event = map_payload(source, json.loads(line))
        except MappingError as error:
            outcome[number] = [item.code for item in error.errors]
            continue
        profile = LocationProfile(id=event.location_id, name=event.location_id)
        errors = [*check_event(event, profile), *check_reference(event, state)]
        if not errors:
            state.accept(event)
        outcome[number] = [item.code for item in errors]
    return outcome


@pytest.mark.parametrize("source", ["sumup", "square", "shopify"])
def test_only_the_payloads_broken_on_purpose_fail_and_with_the_documented_code(source):
    outcome = replay(source)

    failed = {(source, number): codes for number, codes in outcome.items() if codes}
    expected = {key: [code] for key, code in BROKEN_ON_PURPOSE.items() if key[0] == source}
    assert failed == expected


def test_the_day_has_enough_payloads_and_customers_for_the_demo():
    payloads = {
        source: [json.loads(line) for line in (SAMPLE_DAY / f"{source}.jsonl").read_text().splitlines()]
        for source in ("sumup", "square", "shopify")
    }
    assert 40 <= sum(len(rows) for rows in payloads.values()) <= 60

    emails = set()
    for source, rows in payloads.items():
        for payload in rows:
            try:
                sale = map_payload(source, payload)
            except MappingError:
                continue
            if sale.customer and sale.customer.email:
                emails.add(sale.customer.email.lower())
    assert {"mila.neumann@example.org", "jonas.becker@example.com", "f.yilmaz@example.net"} <= emails


def test_the_readme_lists_every_payload_broken_on_purpose():
    readme = (SAMPLE_DAY / "README.md").read_text(encoding="utf-8")

    for (source, number), code in BROKEN_ON_PURPOSE.items():
        assert f"`{source}.jsonl` {number} |" in readme and code in readme
