"""The accounting section of a location profile and its resolution against the chart's defaults.

A profile names only what differs from its chart's shipped defaults (`charts/skr03.py`,
`charts/skr04.py`). `resolve_accounts` merges the two and rejects, with a message naming the
profile field, every mapping a tax advisor would have to correct later:

- an account that is neither in the chart's known accounts nor declared as an individual account;
- a mapping explicitly left open (`cash: null`) or required by a choice (Einzweck vouchers need
  `single_purpose_voucher_redemption`);
- revenue at one VAT rate mapped to an Automatikkonto of another rate, or to a non-automatic
  account for a rate that has no BU-Schlüssel;
- an account longer than the Sachkontenlänge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ..model.errors import ItemError
from ..model.money import ZERO, Money, TaxRate
from .charts import Chart, ChartName, chart_for

DEFAULT_PRODUCT_GROUP = "default"
DEFAULT_PROVIDER = "default"

BU_KEY_BY_RATE: Mapping[Decimal, str] = {Decimal("19"): "3", Decimal("7"): "2"}
"""BU-Schlüssel for revenue on a non-automatic account: 3 = USt 19 %, 2 = USt 7 % (reference §2.1)."""

ACCOUNT_LABELS = {
    "cash": "Kasse",
    "bank": "Bank",
    "geldtransit": "Geldtransit",
    "fees": "Nebenkosten des Geldverkehrs (processor fees)",
    "tips_staff": "Fremdgeld (staff tips)",
    "voucher_liability": "Ausgegebene Geschenkgutscheine (Mehrzweck vouchers)",
    "single_purpose_voucher_redemption": "Einzweck voucher redemption",
    "other_payment": "other payment methods",
    "cash_surplus": "Kassendifferenz surplus (Kassenüberschuss)",
    "cash_shortfall": "Kassendifferenz shortfall (Kassenfehlbetrag)",
    "revenue": "Erlöse",
}
_REQUIRED_SINGLE_ACCOUNTS = (
    "cash",
    "bank",
    "fees",
    "tips_staff",
    "voucher_liability",
    "cash_surplus",
    "cash_shortfall",
)
_OPTIONAL_SINGLE_ACCOUNTS = ("single_purpose_voucher_redemption", "other_payment")


class AccountingConfigError(ValueError):
    """A profile's accounting section that would book wrongly; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class DatevSettings(BaseModel):
    """The numbers the tax advisor gives: they fill the EXTF header."""

    model_config = ConfigDict(extra="forbid")

    beraternummer: int = Field(ge=1001, le=9999999, description="DATEV Beraternummer (1001–9999999)")
    mandantennummer: int = Field(ge=1, le=99999, description="DATEV Mandantennummer (1–99999)")
    wirtschaftsjahr_beginn: str = Field(
        default="01-01",
        pattern=r"^\d{2}-\d{2}$",
        description="Wirtschaftsjahr-Beginn as MM-DD (01-01 = calendar year)",
    )
    sachkontenlaenge: int = Field(default=4, ge=4, le=8, description="Sachkontenlänge (4–8 digits)")
    festschreibung: bool = Field(
        default=False, description="Header field Festschreibung; 0 lets the Kanzlei correct"
    )
    diktatkuerzel: str = Field(
        default="", pattern=r"^([A-Z]{2})?$", description="Diktatkürzel: two capitals or empty"
    )

    @field_validator("wirtschaftsjahr_beginn")
    @classmethod
    def _a_real_day(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            date(2001, month, day)  # a non-leap year: 29 February cannot start every year
        except ValueError as exc:
            raise ValueError(f"Wirtschaftsjahr-Beginn {value!r} is not a day of every year (MM-DD)") from exc
        return value

    def fiscal_year_start(self, day: date) -> date:
        """The first day of the Wirtschaftsjahr that contains `day`."""
        month, first = (int(part) for part in self.wirtschaftsjahr_beginn.split("-"))
        start = date(day.year, month, first)
        return start if start <= day else date(day.year - 1, month, first)

    def fiscal_year_end(self, day: date) -> date:
        start = self.fiscal_year_start(day)
        next_start = date(start.year + 1, start.month, start.day)
        return date.fromordinal(next_start.toordinal() - 1)


class AccountOverrides(BaseModel):
    """`accounting.accounts`: only what differs from the chart's defaults. `null` means "left open"
    and is rejected for a required account."""

    model_config = ConfigDict(extra="forbid")

    cash: int | None = None
    bank: int | None = None
    geldtransit: dict[str, int | None] = Field(
        default_factory=dict,
        description="Payment provider (lower case, e.g. sumup) → Geldtransit account; "
        "'default' for card/wallet payments of any other provider",
    )
    fees: int | None = None
    tips_staff: int | None = None
    voucher_liability: int | None = None
    single_purpose_voucher_redemption: int | None = None
    other_payment: int | None = None
    cash_surplus: int | None = None
    cash_shortfall: int | None = None
    revenue: dict[str, dict[TaxRate, int | None]] = Field(
        default_factory=dict,
        description="Product group → VAT rate → revenue account; 'default' for all groups",
    )

    @field_validator("geldtransit")
    @classmethod
    def _providers_lower_case(cls, value: dict[str, int | None]) -> dict[str, int | None]:
        return {provider.lower(): account for provider, account in value.items()}


@dataclass(frozen=True)
class AccountMapping:
    """The resolved mapping the posting rules read: every account a booking may need."""

    chart: Chart
    cash: int
    bank: int
    geldtransit: Mapping[str, int]
    fees: int
    tips_staff: int
    voucher_liability: int
    single_purpose_voucher_redemption: int | None
    other_payment: int | None
    cash_surplus: int
    cash_shortfall: int
    revenue: Mapping[str, Mapping[Decimal, int]]
    automatic: Mapping[int, Decimal]

    def geldtransit_account(self, provider: str | None) -> int:
        key = (provider or DEFAULT_PROVIDER).lower()
        return self.geldtransit.get(key, self.geldtransit[DEFAULT_PROVIDER])

    def revenue_account(
        self, product_group: str | None, tax_rate: Decimal
    ) -> tuple[int | None, ItemError | None]:
        """The revenue account for a product group and rate; a fallback to the default group comes
        with a warning. `None` when not even the default group maps the rate."""
        group = product_group or DEFAULT_PRODUCT_GROUP
        accounts = self.revenue.get(group, {})
        if tax_rate in accounts:
            return accounts[tax_rate], None
        fallback = self.revenue[DEFAULT_PRODUCT_GROUP].get(tax_rate)
        if group == DEFAULT_PRODUCT_GROUP:
            return fallback, None
        reason = "is not mapped" if group not in self.revenue else f"has no account for {_rate(tax_rate)} %"
        warning = ItemError(
            code="accounting.product_group_fallback",
            path="$.lines",
            value=group,
            message=f"Product group '{group}' {reason} in the profile; booked on the default revenue account "
            f"{fallback} for {_rate(tax_rate)} %",
        )
        return fallback, warning

    def bu_key(self, revenue_account: int, tax_rate: Decimal) -> str:
        """Empty on an Automatikkonto (DATEV splits the VAT itself); 3/2 on other revenue accounts."""
        if revenue_account in self.automatic:
            return ""
        return BU_KEY_BY_RATE.get(tax_rate, "")


class AccountingSettings(BaseModel):
    """`accounting:` in a location profile."""

    model_config = ConfigDict(extra="forbid")

    datev: DatevSettings
    booking_mode: Literal["per_receipt", "daily"] = Field(
        default="per_receipt",
        description="per_receipt: every receipt booked; daily: one set per Kassenabschluss",
    )
    tips: Literal["staff", "owner"] = Field(
        default="staff", description="staff: tips are Fremdgeld passed on; owner: tips are taxable revenue"
    )
    vouchers: Literal["mehrzweck", "einzweck"] = Field(
        default="mehrzweck",
        description="What a voucher payment redeems: Mehrzweck (liability) or Einzweck vouchers",
    )
    kost1: str | None = Field(
        default=None,
        max_length=36,
        pattern=r"^[A-Za-z0-9$&%*+\-/ ]+$",
        description="KOST1 cost centre written on every booking of the location",
    )
    reconcile_threshold: Money = Field(
        default=ZERO, description="A Z-report difference above this is a mismatch"
    )
    individual_accounts: dict[int, str] = Field(
        default_factory=dict, description="Accounts the tax advisor added to the chart (number → name)"
    )
    automatic_accounts: dict[int, TaxRate] | None = Field(
        default=None, description="Automatikkonten (account → VAT rate); omitted = the chart's default set"
    )
    accounts: AccountOverrides = Field(default_factory=AccountOverrides)

    _mapping: AccountMapping | None = PrivateAttr(None)

    def bind_chart(self, chart: ChartName) -> None:
        """Resolve the mapping against the profile's chart (called by the profile's validator)."""
        self._mapping = resolve_accounts(self, chart_for(chart))

    @property
    def mapping(self) -> AccountMapping:
        if self._mapping is None:
            raise RuntimeError("accounting settings used before bind_chart()")
        return self._mapping


def _rate(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def resolve_accounts(settings: AccountingSettings, chart: Chart) -> AccountMapping:
    known = {**chart.known_accounts, **settings.individual_accounts}
    length = settings.datev.sachkontenlaenge

    def check(field: str, account: int) -> int:
        if account not in known:
            raise AccountingConfigError(
                f"accounting.{field}",
                f"account {account} is not a {chart.name} account Belegfluss knows; if your tax "
                f"advisor set it "
                f"up, declare it under accounting.individual_accounts",
            )
        if len(str(account)) > length:
            raise AccountingConfigError(
                f"accounting.{field}", f"account {account} is longer than the Sachkontenlänge {length}"
            )
        return account

    overrides = settings.accounts
    explicitly_set = overrides.model_fields_set

    def single(name: str, required: bool) -> int | None:
        value = getattr(overrides, name)
        if value is None and name in explicitly_set and required:
            raise AccountingConfigError(
                f"accounting.accounts.{name}",
                f"the {ACCOUNT_LABELS[name]} account is left open; map it or remove the line to use the "
                f"{chart.name} default {chart.defaults.get(name)}",
            )
        account = value if value is not None else chart.defaults.get(name)
        return None if account is None else check(f"accounts.{name}", account)

    singles: dict[str, Any] = {name: single(name, required=True) for name in _REQUIRED_SINGLE_ACCOUNTS}
    singles.update({name: single(name, required=False) for name in _OPTIONAL_SINGLE_ACCOUNTS})
    if settings.vouchers == "einzweck" and singles["single_purpose_voucher_redemption"] is None:
        raise AccountingConfigError(
            "accounting.accounts.single_purpose_voucher_redemption",
            "Einzweck vouchers are booked as revenue when sold, so their redemption needs an account "
            "(ask your tax advisor; often the revenue account of the voucher's rate)",
        )

    geldtransit = {**chart.defaults["geldtransit"], **overrides.geldtransit}
    for provider, account in geldtransit.items():
        if account is None:
            raise AccountingConfigError(
                f"accounting.accounts.geldtransit.{provider}",
                f"the Geldtransit account for '{provider}' is left open",
            )
        check(f"accounts.geldtransit.{provider}", account)

    automatic_source = settings.automatic_accounts
    automatic = dict(chart.automatic_accounts if automatic_source is None else automatic_source)
    for account in automatic:
        check("automatic_accounts", account)

    revenue = _resolve_revenue(chart, overrides.revenue)
    for group, by_rate in revenue.items():
        for rate, account in by_rate.items():
            field = f"accounts.revenue.{group}.{_rate(rate)}"
            check(field, account)
            automatic_rate = automatic.get(account)
            if automatic_rate is not None and automatic_rate != rate:
                raise AccountingConfigError(
                    f"accounting.{field}",
                    f"account {account} is an Automatikkonto for {_rate(automatic_rate)} % VAT and "
                    f"cannot carry "
                    f"revenue at {_rate(rate)} %",
                )
            if automatic_rate is None and rate != 0 and rate not in BU_KEY_BY_RATE:
                raise AccountingConfigError(
                    f"accounting.{field}",
                    f"no BU-Schlüssel is known for {_rate(rate)} % VAT on the non-automatic account "
                    f"{account}",
                )

    return AccountMapping(
        chart=chart, geldtransit=geldtransit, revenue=revenue, automatic=automatic, **singles
    )


def _resolve_revenue(
    chart: Chart, overrides: Mapping[str, Mapping[Decimal, int | None]]
) -> dict[str, dict[Decimal, int]]:
    defaults = {
        group: {Decimal(rate): account for rate, account in by_rate.items()}
        for group, by_rate in chart.defaults["revenue"].items()
    }
    merged: dict[str, dict[Decimal, int | None]] = {
        group: dict(by_rate) for group, by_rate in defaults.items()
    }
    for group, by_rate in overrides.items():
        merged.setdefault(group, {}).update(by_rate)
    resolved: dict[str, dict[Decimal, int]] = {}
    for group, by_rate in merged.items():
        resolved[group] = {}
        for rate, account in by_rate.items():
            if account is None:
                raise AccountingConfigError(
                    f"accounting.accounts.revenue.{group}.{_rate(rate)}",
                    f"the revenue account for product group '{group}' at {_rate(rate)} % is left open",
                )
            resolved[group][rate] = account
    return resolved
