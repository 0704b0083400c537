"""Rules that look beyond one event: refunds against their original sale, TSE signature counters
per serial, receipt-number gaps and duplicates per register (GoBD completeness: warnings).

`SequenceState` is prefetched from the store once per batch and then updated as the batch's own
events pass, so a refund may follow its sale inside the same batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import ItemError, Sale
from ..store.events import StoredEvent, receipt_sequence
from . import codes

RegisterKey = tuple[str, str]


@dataclass
class SequenceState:
    originals: dict[str, StoredEvent] = field(default_factory=dict)
    reversed_cents: dict[str, int] = field(default_factory=dict)
    tse_counters: dict[str, int] = field(default_factory=dict)
    receipts: dict[tuple[str, str, int], list[str]] = field(default_factory=dict)
    lowest_receipt: dict[RegisterKey, int] = field(default_factory=dict)

    def accept(self, sale: Sale) -> None:
        """Record a sale that passed, for the events after it in the same batch."""
        cents = int(sale.total * 100)
        if sale.type == "sale":
            self.originals[sale.id] = StoredEvent(sale.id, sale.type, sale.location_id, sale.register_id,
                                                  sale.currency, cents, "")
        elif sale.original_id:
            self.reversed_cents[sale.original_id] = self.reversed_cents.get(sale.original_id, 0) + cents
        if sale.tse:
            self.tse_counters[sale.tse.serial] = max(self.tse_counters.get(sale.tse.serial, 0),
                                                     sale.tse.signature_counter)
        seq = receipt_sequence(sale.receipt_number)
        if seq is not None:
            register = (sale.location_id, sale.register_id)
            self.receipts.setdefault((*register, seq), []).append(sale.id)
            self.lowest_receipt[register] = min(self.lowest_receipt.get(register, seq), seq)


def check_reference(sale: Sale, state: SequenceState) -> Iterator[ItemError]:
    if sale.type == "sale" or not sale.original_id:
        return
    original = state.originals.get(sale.original_id)
    label = "Refund" if sale.type == "refund" else "Void (Storno)"
    if original is None:
        yield ItemError(code=codes.REFUND_UNKNOWN_ORIGINAL, path="$.original_id", value=sale.original_id,
                        message=f"{label} references sale '{sale.original_id}', which is not known: "
                                f"send the original sale first")
        return
    if original.kind != "sale":
        yield ItemError(code=codes.REFUND_ORIGINAL_NOT_A_SALE, path="$.original_id", value=sale.original_id,
                        message=f"{label} references '{sale.original_id}', which is a {original.kind}, not a sale")
        return
    if original.currency != sale.currency:
        yield ItemError(code=codes.REFUND_CURRENCY_MISMATCH, path="$.currency", value=sale.currency,
                        message=f"{label} is in {sale.currency}, the original sale in {original.currency}")
    already = state.reversed_cents.get(sale.original_id, 0)
    cents = int(sale.total * 100)
    if already + cents > original.total_cents:
        yield ItemError(
            code=codes.REFUND_EXCEEDS_ORIGINAL, path="$.total", value=format(sale.total, "f"),
            message=f"{label} of {sale.total} exceeds what is left of sale '{sale.original_id}' "
                    f"({(original.total_cents - already) / 100:.2f} of {original.total_cents / 100:.2f})",
        )


def check_tse_counter(sale: Sale, state: SequenceState) -> Iterator[ItemError]:
    if sale.tse is None:
        return
    last = state.tse_counters.get(sale.tse.serial)
    if last is not None and sale.tse.signature_counter <= last:
        yield ItemError(code=codes.TSE_COUNTER_NOT_RISING, path="$.tse.signature_counter",
                        value=sale.tse.signature_counter,
                        message=f"TSE signature counter {sale.tse.signature_counter} does not rise above the last "
                                f"one seen for TSE {sale.tse.serial[:16]}… ({last})")


def receipt_warnings(sale: Sale, state: SequenceState) -> Iterator[ItemError]:
    seq = receipt_sequence(sale.receipt_number)
    if seq is None:
        return
    register = (sale.location_id, sale.register_id)
    others = [event_id for event_id in state.receipts.get((*register, seq), []) if event_id != sale.id]
    if others:
        yield ItemError(code=codes.RECEIPT_DUPLICATE_NUMBER, path="$.receipt_number", value=sale.receipt_number,
                        message=f"Receipt number {sale.receipt_number} on register {sale.register_id} is already "
                                f"used by {others[0]}")
    lowest = state.lowest_receipt.get(register)
    if lowest is not None and lowest < seq and (*register, seq - 1) not in state.receipts:
        yield ItemError(code=codes.RECEIPT_GAP, path="$.receipt_number", value=sale.receipt_number,
                        message=f"Receipt number {seq - 1} on register {sale.register_id} has not been seen "
                                f"before {sale.receipt_number}: a gap in the sequence (GoBD completeness)")
