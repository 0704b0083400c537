"""The canonical models: the single vocabulary of the sidecar."""

from typing import Annotated, Union

from pydantic import Discriminator, Tag, TypeAdapter

from .customer import Consent, Customer, PostalAddress
from .errors import ItemError, json_path
from .money import CENT, ZERO, Money, TaxRate, from_minor_units, money, quantize_cents, to_decimal
from .sale import BundleComponent, CustomerRef, Payment, Sale, SaleLine, TseBlock
from .zreport import PaymentTotal, TaxRateTotal, ZReport


def _event_kind(value: object) -> str:
    kind = value.get("type", "sale") if isinstance(value, dict) else getattr(value, "type", "sale")
    return "z_report" if kind == "z_report" else "sale"


Event = Annotated[
    Union[Annotated[Sale, Tag("sale")], Annotated[ZReport, Tag("z_report")]],
    Discriminator(_event_kind),
]
"""A canonical event: a sale, refund or void (Storno), or a Z-report (Kassenabschluss).
A missing `type` means a sale."""

EVENT_ADAPTER: TypeAdapter[Sale | ZReport] = TypeAdapter(Event)

__all__ = [
    "CENT", "ZERO", "BundleComponent", "Consent", "Customer", "CustomerRef", "EVENT_ADAPTER",
    "Event", "ItemError", "Money", "Payment", "PaymentTotal", "PostalAddress", "Sale", "SaleLine",
    "TaxRate", "TaxRateTotal", "TseBlock", "ZReport", "from_minor_units", "json_path", "money",
    "quantize_cents", "to_decimal",
]
