"""The canonical pass-through and the one entry point `map_payload`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from belegfluss.model import ZReport
from belegfluss.sources import MAPPERS, MappingError, map_payload

from tests.unit.sources.helpers import error_codes_and_paths, payments_of


def test_canonical_sale_passes_through_unchanged(pos_payload):
    payload = pos_payload("canonical", "sale_split_payment_with_tip")

    sale = map_payload("canonical", payload)

    assert (
        sale.model_dump(mode="json", exclude_none=True, exclude_defaults=True)["lines"][1]["discount"]
        == "0.90"
    )
    assert sale.total == sale.lines_total == Decimal("21.60")
    assert payments_of(sale) == [
        ("cash", "10.00", "0.00", "0.00", None),
        ("card", "11.60", "2.00", "0.19", "sumup"),
    ]


def test_canonical_refund_keeps_its_original(pos_payload):
    refund = map_payload("canonical", pos_payload("canonical", "refund_of_sale"))

    assert (refund.type, refund.original_id) == ("refund", "canonical:K1-20250314-0107")


def test_canonical_z_report_becomes_a_z_report(pos_payload):
    report = map_payload("canonical", pos_payload("canonical", "z_report_register_k1"))

    assert isinstance(report, ZReport)
    assert (report.z_number, report.cash_difference) == (311, Decimal("-0.30"))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "malformed_missing_lines_and_naive_time",
            [("schema.timezone_aware", "$.occurred_at"), ("schema.too_short", "$.lines")],
        ),
        ("malformed_refund_without_original", [("schema.value_error", "$")]),
    ],
)
def test_invalid_canonical_events_give_schema_errors_with_paths_into_the_event(
    pos_payload, fixture, expected
):
    with pytest.raises(MappingError) as caught:
        map_payload("canonical", pos_payload("canonical", fixture))

    assert error_codes_and_paths(caught.value) == expected


def test_unknown_source_is_reported_with_the_known_ones():
    with pytest.raises(MappingError) as caught:
        map_payload("lightspeed", {"id": 1})

    (error,) = caught.value.errors
    assert (error.code, error.path, error.value) == ("source.unknown", "$", "lightspeed")
    assert all(name in error.message for name in MAPPERS)


@pytest.mark.parametrize("source", sorted(MAPPERS))
def test_a_payload_that_is_no_object_is_rejected_by_every_source(source):
    with pytest.raises(MappingError) as caught:
        map_payload(source, ["not", "an", "object"])

    assert error_codes_and_paths(caught.value) == [("mapping.invalid_payload", "$")]


@pytest.mark.parametrize("source", ["sumup", "shopify", "square"])
def test_an_empty_object_names_the_missing_fields_instead_of_crashing(source):
    with pytest.raises(MappingError) as caught:
        map_payload(source, {})

    assert caught.value.errors
    assert all(error.code == f"{source}.missing_field" for error in caught.value.errors)


def test_schema_errors_of_mapped_sales_carry_json_values(pos_payload):
    payload = pos_payload("sumup", "card_sale_tax_inclusive")
    payload["currency"] = "euro"

    with pytest.raises(MappingError) as caught:
        map_payload("sumup", payload)

    (error,) = caught.value.errors
    assert (error.code, error.path, error.value) == ("schema.string_pattern_mismatch", "$.currency", "euro")
