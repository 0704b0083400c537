"""E-mail addresses: trimmed, case-folded, syntax-checked offline; provider rules are opt-in."""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

# Providers that ignore dots in the local part and deliver `name+tag@` to `name@`.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# The everyday address (letters, digits, `._+-` before the @, a plain host name after it) that
# `email-validator` accepts unchanged but for case. Checking it here skips the library's Unicode and
# IDNA work, the larger part of normalising a customer record. Anything else goes to the library.
_PLAIN_ADDRESS = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*"  # dot-atom local part
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",  # labels, then a TLD of letters
    re.ASCII,
)
_SPECIAL_USE = tuple(SPECIAL_USE_DOMAIN_NAMES)


def normalise_email(raw: str | None, *, provider_rules: bool = False) -> str | None:
    """`' Max.Muster@GMX.de '` → `'max.muster@gmx.de'`; None when the syntax is not an address.

    With `provider_rules`, Gmail's dots and `+tags` are dropped (`m.a.x+shop@googlemail.com` →
    `max@gmail.com`): only a profile may switch that on, since other providers treat dots as letters.
    """
    return _normalise_email(raw, provider_rules)


# The cache sits behind the public function: lru_cache keys on how arguments are passed, so
# `f(e)` and `f(e, provider_rules=False)` would otherwise be cached (and validated) twice.
@lru_cache(maxsize=65536)
def _normalise_email(raw: str | None, provider_rules: bool) -> str | None:
    if not raw or not raw.strip():
        return None
    address = _plain_address(raw.strip())
    if address is None:
        try:
            # Offline: no DNS lookup, so a batch never waits on the network.
            checked = validate_email(raw.strip(), check_deliverability=False)
        except EmailNotValidError:
            return None
        address = checked.local_part.casefold(), checked.domain.casefold()
    local, domain = address
    if provider_rules and domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def _plain_address(text: str) -> tuple[str, str] | None:
    """(local part, domain) case-folded, when `text` is a plain address the library would accept as
    it is; None leaves the decision to the library (IDNA, quoting, length limits, "--" labels, …)."""
    if not text.isascii() or len(text) > 254:
        return None
    folded = text.lower()  # ASCII: lower() is casefold()
    if not _PLAIN_ADDRESS.fullmatch(folded):
        return None
    local, domain = folded.rsplit("@", 1)
    if len(local) > 64 or len(domain) > 253 or "--" in domain:
        return None
    if any(domain == name or domain.endswith("." + name) for name in _SPECIAL_USE):
        return None
    return local, domain


normalise_email.cache_clear = _normalise_email.cache_clear  # type: ignore[attr-defined]  # benchmarks start cold
