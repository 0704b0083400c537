"""Whether sales can go to HubSpot now: their target's circuit checked, their customer resolved to a
golden id. The POS intake and the redelivery plan decide this alike, so a replayed sale gets the
same golden id (resolve is idempotent) and the same contact and note as on its first delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..identity.service import dedup, settings_for
from ..model.sale import CustomerRef, Sale
from ..profiles.model import LocationProfile
from ..reliability.breaker import BreakerPolicy
from ..reliability.delivery import check_items
from ..store.database import Database
from .hubspot_batches import Delivery


@dataclass(frozen=True)
class Candidate:
    """A sale that may go to HubSpot: its location's profile and the delivery target it goes to."""

    sale: Sale
    profile: LocationProfile
    target: str


@dataclass
class Readiness:
    """One candidate's answer: a delivery, or the circuit that refused it, or why its customer
    could not be resolved."""

    delivery: Delivery | None = None
    decision: str | None = None  # the dedup decision that gave the golden id (new, match, review)
    circuit: dict[str, Any] | None = None  # the breaker's answer (state, retry_at) when it refused
    customer_errors: list[dict[str, Any]] | None = None

    @property
    def refusal(self) -> str:
        """Why the sale does not go now, in words (empty when it goes)."""
        if self.circuit is not None and "state" not in self.circuit:  # the breaker refused the target itself
            return f"The delivery target cannot be checked: {_codes(self.circuit.get('errors'))}"
        if self.circuit is not None:
            return f"HubSpot circuit {self.circuit['state']} until {self.circuit['retry_at'] or '?'}"
        if self.delivery is None:
            return f"Customer could not be resolved: {_codes(self.customer_errors) or 'no reason given'}"
        return ""


def _codes(errors: list[dict[str, Any]] | None) -> str:
    return ", ".join(sorted({str(error.get("code")) for error in errors or []}))


def customer_record(customer: CustomerRef) -> dict[str, Any]:
    """The sale's customer reference as a canonical customer record, for dedup."""
    def listed(value: str | None) -> list[str]:
        return [value.strip()] if value and value.strip() else []

    return {"name": customer.name, "emails": listed(customer.email), "phones": listed(customer.phone),
            "card_tokens": listed(customer.card_token), "loyalty_ids": listed(customer.loyalty_id)}


def bound_for_hubspot(sale: Sale, profile: LocationProfile | None) -> bool:
    """A sale of a HubSpot location naming someone a CRM can keep (a name alone identifies nobody)."""
    return (profile is not None and profile.crm.target == "hubspot"
            and sale.customer is not None and sale.customer.identifies_someone)


def check_readiness(database: Database, breaker: BreakerPolicy, candidates: Sequence[Candidate]) -> list[Readiness]:
    """Per candidate, in input order. The circuit is checked per sale (so a half-open circuit lets
    one probe through), and only what it lets through is resolved, one resolve call per profile."""
    circuits = check_items(database, breaker, [{"target": candidate.target} for candidate in candidates])
    # A target the breaker cannot take (an item error, no `allowed`) refuses like an open circuit.
    answers = [Readiness() if circuit.get("allowed") else Readiness(circuit=circuit) for circuit in circuits]
    by_profile: dict[str, list[int]] = {}
    for index, answer in enumerate(answers):
        if answer.circuit is None:
            by_profile.setdefault(candidates[index].profile.id, []).append(index)
    for indexes in by_profile.values():
        profile = candidates[indexes[0]].profile
        records = [customer_record(candidates[index].sale.customer or CustomerRef()) for index in indexes]
        for index, resolved in zip(indexes, dedup(database, records, "resolve", settings_for(profile))["results"]):
            if not resolved["ok"]:
                answers[index].customer_errors = resolved["errors"]
                continue
            candidate = candidates[index]
            answers[index].delivery = Delivery(candidate.sale, candidate.target, profile.crm.base_url,
                                               resolved["golden_id"])
            answers[index].decision = resolved["decision"]
    return answers
