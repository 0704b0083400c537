"""E-mail addresses: trimmed, case-folded, syntax-checked offline; provider rules are opt-in."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# Providers that ignore dots in the local part and deliver `name+tag@` to `name@`.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


@lru_cache(maxsize=65536)
def normalise_email(raw: str | None, *, provider_rules: bool = False) -> str | None:
    """`' Max.Muster@GMX.de '` → `'max.muster@gmx.de'`; None when the syntax is not an address.

    With `provider_rules`, Gmail's dots and `+tags` are dropped (`m.a.x+shop@googlemail.com` →
    `max@gmail.com`): only a profile may switch that on, since other providers treat dots as letters.
    """
    if not raw or not raw.strip():
        return None
    try:
        # Offline: no DNS lookup, so a batch never waits on the network.
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    local, domain = checked.local_part.casefold(), checked.domain.casefold()
    if provider_rules and domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
