"""The location profile: per-location variables an ops team adjusts without touching a workflow.

Profiles are YAML files (`workflows/profiles/*.yaml`), validated here. Accounting extends this
model with the chart's account mapping and DATEV numbers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..accounting.settings import AccountingSettings
from ..identity.settings import MatchSettings


class CrmTarget(BaseModel):
    """Where the templates deliver customers and purchases; the base URL lets the same workflow
    JSON run against the real service and the local stand-in."""

    model_config = ConfigDict(extra="forbid")

    target: Literal["hubspot", "pipedrive", "none"] = "hubspot"
    base_url: str = "https://api.hubapi.com"
    portal_id: str | None = None


class AlertTarget(BaseModel):
    """Where the error-handler and redelivery templates send alerts (Slack-compatible JSON)."""

    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = Field(None, description="A Slack-compatible incoming webhook; none: no alerts")


class LocationProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    chart: Literal["SKR03", "SKR04"] = "SKR03"
    timezone: str = "Europe/Berlin"
    currencies: list[str] = Field(default_factory=lambda: ["EUR"])
    kassensichv_registers: list[str] = Field(
        default_factory=list,
        description="Registers bound by KassenSichV: their sales must carry a TSE block.",
    )
    crm: CrmTarget = Field(default_factory=CrmTarget)
    alerts: AlertTarget = Field(default_factory=AlertTarget)
    identity: MatchSettings | None = Field(
        None, description="Dedup weights and thresholds for this location; default: the documented defaults")
    accounting: AccountingSettings | None = Field(
        default=None,
        description="Chart mapping, DATEV numbers and booking mode; needed to book and export DATEV.",
    )

    @property
    def delivery_target(self) -> str | None:
        """The circuit-breaker target its sales are delivered to, `<crm>:<location id>`; none without a CRM."""
        return None if self.crm.target == "none" else f"{self.crm.target}:{self.id}"

    @model_validator(mode="after")
    def _resolve_accounting(self) -> "LocationProfile":
        # The account mapping depends on the chart, which lives on the profile itself.
        if self.accounting is not None:
            self.accounting.bind_chart(self.chart)
        return self
