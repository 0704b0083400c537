"""The text of a purchase note, the same for every CRM: what was bought, where, for how much."""

from __future__ import annotations

from ..model.sale import Sale

_KIND = {"sale": "Purchase", "refund": "Refund", "void": "Storno"}


def purchase_text(sale: Sale) -> str:
    """`Purchase K1-0042 at cafe-koeln: 12.50 EUR (2 × Cappuccino, 1 × Croissant) [Belegfluss sumup:abc]`."""
    lines = ", ".join(f"{_quantity(line.quantity)} × {line.name}" for line in sale.lines)
    return (f"{_KIND[sale.type]} {sale.receipt_number} at {sale.location_id}: {sale.total} {sale.currency}"
            + (f" ({lines})" if lines else "") + f" [Belegfluss {sale.id}]")


def _quantity(quantity: object) -> str:
    text = str(quantity)
    return text.rstrip("0").rstrip(".") if "." in text else text
