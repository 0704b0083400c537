"""A booking is one DATEV Buchungsstapel row: an amount from Konto to Gegenkonto.

Field names are English; the DATEV column each one fills is given beside it. Amounts are always
positive: the direction is the Soll/Haben-Kennzeichen, relative to `account` (Konto). A reversal
(refund, Storno) repeats the rows of the original with "H" instead of "S".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import TypeAdapter

from ..model.money import ZERO

DebitCredit = Literal["S", "H"]


@dataclass(frozen=True, slots=True)
class Booking:
    amount: Decimal
    """Umsatz (ohne Soll/Haben-Kz): positive, cents."""
    debit_credit: DebitCredit
    """Soll/Haben-Kennzeichen: "S" books `account` in Soll and `contra_account` in Haben."""
    account: int
    """Konto."""
    contra_account: int
    """Gegenkonto (ohne BU-Schlüssel)."""
    bu_key: str
    """BU-Schlüssel: empty on Automatikkonten, "3" (USt 19 %) or "2" (USt 7 %) on other revenue accounts."""
    document_date: date
    """Belegdatum (written as TTMM)."""
    document_number: str
    """Belegfeld 1: the receipt, Z or payout number in DATEV's character set, ≤ 36."""
    text: str
    """Buchungstext, ≤ 60."""
    event_id: str
    """The canonical event the row comes from (written to Beleginfo 1 for the audit trail)."""
    location_id: str
    cost_center: str = ""
    """KOST1 - Kostenstelle."""
    reverses_event_id: str | None = None
    """For a refund or Storno: the event whose booking it reverses."""
    tax_rate: Decimal | None = None
    """The VAT rate of a revenue row (informational; DATEV takes it from the account or BU)."""
    currency: str = "EUR"


BOOKING_LIST = TypeAdapter(list[Booking])
"""JSON (de)serialisation of bookings: amounts and rates as strings, dates as ISO dates."""


def net_by_account(bookings: Iterable[Booking]) -> dict[int, Decimal]:
    """Soll minus Haben per account. Every DATEV row moves the same amount on both sides, so the
    values of any set add up to zero; what a posting rule must get right is the split per account."""
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for booking in bookings:
        signed = booking.amount if booking.debit_credit == "S" else -booking.amount
        net[booking.account] += signed
        net[booking.contra_account] -= signed
    return {account: amount for account, amount in net.items() if amount != ZERO}
