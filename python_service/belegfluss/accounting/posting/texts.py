"""What a booking says about its origin: Belegfeld 1 and Buchungstext.

Belegfeld 1 (≤ 36, `[A-Za-z0-9$&%*+-/]`): `<register>/<receipt>` for a receipt, `<register>/Z<n>` for a
Kassenabschluss, `<provider>/<payout id>` for a payout. Sanitised deterministically:
1. German umlauts and ß are transliterated (ä → ae, ß → ss), other accents dropped (é → e);
2. every run of characters outside the DATEV set (spaces, dots, `#`, `_`, …) becomes one `-`;
   leading and trailing `-` of each part are removed;
3. longer than 36 → the LAST 36 characters are kept: the running number sits at the end of a POS
   number and is what makes it unique.
So `Kasse 1` / `#4711` → `Kasse-1/4711`, `Café` / `Bon.12` → `Cafe/Bon-12`.

Buchungstext (≤ 60): `[Storno |Erstattung ]Kasse <register> Bon <receipt> <what> <paid by>`, e.g.
`Kasse K1 Bon 4711 19% Bar`, `Erstattung Kasse K1 Bon 4712 7% SumUp`, `Kasse K1 Bon 4711 Trinkgeld SumUp`;
a Kassenabschluss reads `Kasse K1 Z 12 19% Bar` and `Kasse K1 Z 12 Kassendifferenz`, a payout
`Auszahlung SumUp PO-77` and `Gebühr SumUp PO-77`. Control characters become spaces; longer texts
are cut at 60 characters.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

BELEGFELD_MAX = 36
BUCHUNGSTEXT_MAX = 60
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_OUTSIDE_DATEV_SET = re.compile(r"[^A-Za-z0-9$&%*+\-/]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def belegfeld(*parts: str) -> str:
    """Belegfeld 1 from its parts, joined by `/` (see the module doc for the rules)."""
    joined = "/".join(part for part in (_datev_charset(part) for part in parts) if part)
    return joined[-BELEGFELD_MAX:].lstrip("-/")


def _datev_charset(text: str) -> str:
    ascii_only = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    )
    return _OUTSIDE_DATEV_SET.sub("-", ascii_only).strip("-")


def buchungstext(*parts: str) -> str:
    text = " ".join(part for part in parts if part)
    return _CONTROL.sub(" ", text)[:BUCHUNGSTEXT_MAX].rstrip()


def rate_label(rate: Decimal) -> str:
    return f"{format(rate.normalize(), 'f')}%"


_PROVIDER_NAMES = {
    "sumup": "SumUp",
    "shopify": "Shopify",
    "square": "Square",
    "paypal": "PayPal",
    "stripe": "Stripe",
}


def provider_label(provider: str | None, fallback: str) -> str:
    """How a payment provider is named in a Buchungstext ("sumup" → "SumUp")."""
    if not provider or not provider.strip():
        return fallback
    name = provider.strip()
    return _PROVIDER_NAMES.get(name.lower(), name if any(c.isupper() for c in name) else name.title())
