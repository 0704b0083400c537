"""Properties every generated receipt keeps, under both charts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from belegfluss.accounting.booking import net_by_account
from belegfluss.accounting.posting import book_event
from belegfluss.model import Sale
from belegfluss.model.money import ZERO
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.accounting.stories import ACCOUNTS, make_profile, reversal_of, sale

PROFILES = {chart: make_profile(chart) for chart in ("SKR03", "SKR04")}
cents = st.integers(min_value=1, max_value=99_999).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def receipts(draw: st.DrawFn) -> tuple[str, Sale]:
    chart = draw(st.sampled_from(sorted(PROFILES)))
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        price = draw(cents)
        quantity = draw(st.integers(1, 4))
        discount_cents = draw(st.integers(0, int(price * quantity * 100) - 1)) if draw(st.booleans()) else 0
        lines.append(
            {
                "name": "x",
                "unit_price": str(price),
                "quantity": str(quantity),
                "tax_rate": draw(st.sampled_from(["19", "7"])),
                "discount": str(Decimal(discount_cents).scaleb(-2)),
            }
        )
    total = sum(
        Decimal(item["unit_price"]) * int(item["quantity"]) - Decimal(item["discount"]) for item in lines
    )
    methods = draw(st.lists(st.sampled_from(["cash", "card", "wallet", "voucher"]), min_size=1, max_size=3))
    cuts = sorted(
        draw(st.lists(st.integers(0, int(total * 100)), min_size=len(methods) - 1, max_size=len(methods) - 1))
    )
    bounds = [0, *cuts, int(total * 100)]
    payments = [
        {
            "method": method,
            "provider": draw(st.sampled_from([None, "sumup", "square"])),
            "amount": str(Decimal(bounds[i + 1] - bounds[i]).scaleb(-2)),
            "tip": str(draw(st.sampled_from([ZERO, Decimal("0.50"), Decimal("2.00")]))),
        }
        for i, method in enumerate(methods)
    ]
    return chart, sale(lines, payments)


@settings(max_examples=200, deadline=None)
@given(receipts())
def test_every_generated_sale_books_balanced(case: tuple[str, Sale]) -> None:
    chart, receipt = case
    bookings = book_event(receipt, PROFILES[chart]).bookings
    assert all(b.amount > 0 and b.amount == b.amount.quantize(Decimal("0.01")) for b in bookings)
    net = net_by_account(bookings)
    assert sum(net.values(), ZERO) == ZERO
    received = sum((p.amount + p.tip for p in receipt.payments), ZERO)
    assert sum((amount for amount in net.values() if amount > 0), ZERO) == received


@settings(max_examples=200, deadline=None)
@given(receipts())
def test_revenue_equals_gross_sales_per_tax_rate(case: tuple[str, Sale]) -> None:
    chart, receipt = case
    revenue_account = {Decimal("19"): ACCOUNTS[chart]["rev19"], Decimal("7"): ACCOUNTS[chart]["rev7"]}
    gross: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in receipt.lines:
        gross[line.tax_rate] += line.total
    net = net_by_account(book_event(receipt, PROFILES[chart]).bookings)
    for rate, account in revenue_account.items():
        assert -net.get(account, ZERO) == gross.get(rate, ZERO)
    assert -net.get(ACCOUNTS[chart]["fremdgeld"], ZERO) == receipt.tip_total


@settings(max_examples=200, deadline=None)
@given(receipts(), st.sampled_from(["refund", "void"]))
def test_a_refund_plus_its_original_net_to_zero_on_every_account(case: tuple[str, Sale], kind: str) -> None:
    chart, receipt = case
    profile = PROFILES[chart]
    both = book_event(receipt, profile).bookings + book_event(reversal_of(receipt, kind), profile).bookings
    assert net_by_account(both) == {}
