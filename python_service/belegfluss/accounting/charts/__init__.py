"""The charts of accounts Belegfluss knows: per chart the accounts a POS integration may book to,
which of them are Automatikkonten (and at which VAT rate), and the shipped default mapping.

Sources: `reference/datev.md` §2.3 (account table) and §5.5 (booking patterns). The known-account
tables are deliberately small: a mapping to an account outside them is far more often a typo or an
SKR03 number in an SKR04 profile than a wish; a location's individual accounts (a Geldtransit
sub-account per provider, say) are declared in its profile under `accounting.individual_accounts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ChartName = Literal["SKR03", "SKR04"]


@dataclass(frozen=True)
class Chart:
    name: ChartName
    datev_code: str
    """Header field 27 "Sachkontenrahmen": "03" or "04"."""
    known_accounts: Mapping[int, str]
    automatic_accounts: Mapping[int, Decimal]
    """Automatikkonto → the VAT rate DATEV splits out of the gross amount."""
    defaults: Mapping[str, Any]
    """The default account mapping, in the shape of `accounting.accounts` in a profile."""

    def account_name(self, account: int) -> str | None:
        return self.known_accounts.get(account)


def chart_for(name: ChartName) -> Chart:
    from .skr03 import SKR03
    from .skr04 import SKR04

    return {"SKR03": SKR03, "SKR04": SKR04}[name]
