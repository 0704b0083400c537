"""What every posting rule needs: the profile's accounting section, the row context, the checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ...model.errors import ItemError
from ...profiles.model import LocationProfile
from ..booking import Booking
from ..settings import AccountingSettings, AccountMapping
from .legs import Leg
from .result import PostingError, posting_error
from .texts import provider_label

DATEV_ENCODING = "cp1252"


def accounting_of(profile: LocationProfile, location_id: str, currency: str) -> AccountingSettings:
    if profile.accounting is None:
        raise posting_error(
            "accounting.profile_without_accounting",
            "$.profile",
            f"Location profile '{profile.id}' has no accounting section",
            profile.id,
        )
    if location_id != profile.id:
        raise posting_error(
            "accounting.location_mismatch",
            "$.location_id",
            f"The event belongs to location '{location_id}', not to profile '{profile.id}'",
            location_id,
        )
    if currency != "EUR":
        raise posting_error(
            "accounting.currency_not_supported",
            "$.currency",
            f"Only EUR events can be booked (WKZ Umsatz EUR); this one is in {currency}",
            currency,
        )
    return profile.accounting


def local_date(moment: datetime, profile: LocationProfile) -> date:
    """Belegdatum: the calendar day at the location, not in UTC (a 23:30 sale stays on its day)."""
    return moment.astimezone(ZoneInfo(profile.timezone)).date()


def payment_leg(
    mapping: AccountMapping,
    settings: AccountingSettings,
    method: str,
    provider: str | None,
    amount: Decimal,
    path: str,
) -> Leg:
    if method == "cash":
        return Leg(mapping.cash, amount, "Bar")
    if method in ("card", "wallet"):
        return Leg(mapping.geldtransit_account(provider), amount, provider_label(provider, "Karte"))
    if method == "voucher":
        if settings.vouchers == "mehrzweck":
            return Leg(mapping.voucher_liability, amount, "Gutschein")
        assert mapping.single_purpose_voucher_redemption is not None  # enforced by the profile's validation
        return Leg(mapping.single_purpose_voucher_redemption, amount, "Gutschein")
    if mapping.other_payment is None:
        raise posting_error(
            "accounting.payment_account_missing",
            path,
            f"Payment method '{method}' has no account: set accounting.accounts.other_payment in the profile",
            method,
        )
    return Leg(mapping.other_payment, amount, provider_label(provider, "Sonstige"))


def ensure_cp1252(bookings: Sequence[Booking]) -> None:
    """The DATEV file is cp1252; a character it cannot carry is refused now, with the text that holds it,
    rather than at export time (or, worse, written as '?')."""
    errors: list[ItemError] = []
    for field, label in (
        ("text", "Buchungstext"),
        ("event_id", "Beleginfo (event id)"),
        ("cost_center", "KOST1"),
    ):
        for booking in bookings:
            value = getattr(booking, field)
            try:
                value.encode(DATEV_ENCODING)
            except UnicodeEncodeError as exc:
                errors.append(
                    ItemError(
                        code="accounting.not_cp1252",
                        path="$",
                        value=value,
                        message=f"{label} '{value}' contains '{value[exc.start : exc.end]}', which "
                        f"a DATEV file "
                        f"(cp1252) cannot carry",
                    )
                )
                break
    if errors:
        raise PostingError(errors)
