"""The two arithmetic helpers every mapper relies on: exact unit splitting and cent allocation."""

from __future__ import annotations

from decimal import Decimal

from belegfluss.sources._lines import allocate, unit_lines

ARTICLE = {"name": "Espresso Bohnen", "tax_rate": Decimal(19)}


def _totals(lines):
    return sum((line["quantity"] * line["unit_price"] - line["discount"] for line in lines), Decimal(0))


def test_a_gross_divisible_by_the_quantity_stays_one_line():
    (line,) = unit_lines(ARTICLE, Decimal(4), Decimal("6.00"), Decimal("0.60"))

    assert (line["quantity"], line["unit_price"], line["discount"]) == (
        Decimal(4),
        Decimal("1.50"),
        Decimal("0.60"),
    )


def test_an_odd_cent_splits_the_article_into_two_lines_of_the_same_name():
    lines = unit_lines(ARTICLE, Decimal(7), Decimal("10.00"), Decimal("2.00"))

    # 10.00 / 7 = 1.428…: one unit at 1.42 and six at 1.43
    assert [(line["quantity"], line["unit_price"]) for line in lines] == [
        (Decimal(1), Decimal("1.42")),
        (Decimal(6), Decimal("1.43")),
    ]
    assert {line["name"] for line in lines} == {"Espresso Bohnen"}
    assert _totals(lines) == Decimal("8.00")


def test_a_discount_larger_than_the_cheaper_part_continues_on_the_second():
    lines = unit_lines(ARTICLE, Decimal(3), Decimal("3.53"), Decimal("2.00"))

    assert [line["discount"] for line in lines] == [Decimal("1.17"), Decimal("0.83")]
    assert _totals(lines) == Decimal("1.53")


def test_weighed_goods_keep_their_quantity_when_the_price_fits():
    (line,) = unit_lines(ARTICLE, Decimal("0.5"), Decimal("4.50"))

    assert (line["quantity"], line["unit_price"]) == (Decimal("0.5"), Decimal("9.00"))


def test_weighed_goods_whose_price_does_not_fit_become_one_line_with_the_whole_amount():
    (line,) = unit_lines(ARTICLE, Decimal("3.7"), Decimal("0.10"))  # 3.7 × 0.03 = 0.11, 3.7 × 0.02 = 0.07

    assert (line["quantity"], line["unit_price"]) == (Decimal(1), Decimal("0.10"))


def test_allocation_follows_the_weights_and_never_loses_a_cent():
    shares = allocate(Decimal("1.00"), [Decimal("1"), Decimal("1"), Decimal("1")])

    assert sorted(shares) == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]
    assert allocate(Decimal("0.85"), [Decimal("5.00"), Decimal("3.50")]) == [Decimal("0.50"), Decimal("0.35")]


def test_allocation_over_zero_weights_lands_on_the_first_part():
    assert allocate(Decimal("0.10"), [Decimal(0), Decimal(0)]) == [Decimal("0.10"), Decimal("0.00")]
