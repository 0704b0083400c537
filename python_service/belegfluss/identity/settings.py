"""Matching configuration: weights, thresholds and blocking limits, with documented defaults.

Weights are Fellegi–Sunter style log2 Bayes factors: how many bits of evidence a field's
comparison level adds for (positive) or against (negative) "same person". A location profile may
override any of them under `identity:`; the defaults were tuned on the synthetic German set and
Febrl3 (see `tests/benchmarks/`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Level = str
"""exact, close, phonetic, initial, swapped, different, missing: see `comparisons.py`."""


def _default_weights() -> dict[str, dict[Level, float]]:
    return {
        # A shared address is strong evidence; a second address is common, so disagreement is weak.
        "email": {"exact": 8.0, "different": -1.0},
        "phone": {"exact": 8.0, "different": -1.0},
        # Tokens of a payment card or a loyalty card belong to one person.
        "card_token": {"exact": 12.0, "different": 0.0},
        "loyalty_id": {"exact": 12.0, "different": -4.0},
        "first_name": {"exact": 4.0, "close": 3.0, "initial": 0.5, "different": -5.0},
        "last_name": {"exact": 5.0, "close": 3.5, "phonetic": 2.5, "swapped": 6.0, "different": -5.0},
        "birth_date": {"exact": 7.0, "close": 2.0, "different": -6.0},
        "street": {"exact": 4.0, "close": 2.5, "different": -1.5},
        "postcode": {"exact": 2.0, "close": 0.5, "different": -1.5},
        "city": {"exact": 1.0, "close": 0.5, "different": -0.5},
    }


class MatchSettings(BaseModel):
    """How sure the evidence must be. `match` merges automatically, so it needs near-certainty
    and no conflicting field; `review` asks a person."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, dict[Level, float]] = Field(default_factory=_default_weights)
    match_threshold: float = Field(14.0, description="Total weight from which a pair merges automatically.")
    review_threshold: float = Field(8.0, description="Total weight from which a pair goes to the review queue.")
    veto_fields: list[str] = Field(
        default_factory=lambda: ["first_name", "last_name", "birth_date", "loyalty_id"],
        description="A `different` level on any of these blocks an automatic merge (twins, family e-mails).",
    )
    close_similarity: float = Field(0.92, description="Jaro-Winkler similarity from which names count as close.")
    street_close_similarity: float = 0.9
    email_provider_rules: bool = Field(False, description="Drop Gmail dots and +tags before comparing.")
    max_block_size: int = Field(
        50, description="Batch dedup: a blocking key shared by more records compares only sorted neighbours "
        "(see `window`).")
    max_reads_per_key: int = Field(
        20, description="Resolving against the graph takes at most this many records per blocking key: those "
        "nearest the incoming record in the key's order (a surname's key by first name, a first name's by surname, "
        "a whole name's by postcode and street, a door's by street and surname), read outwards from the incoming "
        "record's place on both sides.")
    window: int = Field(8, description="Neighbours compared inside an oversized block, by sorted name.")
    max_candidates: int = Field(
        10, description="Records scored per incoming record at most: those sharing the most blocking keys "
        "with it, weighed by what each key says. Raise it for a graph whose duplicates share little but a name.")
    estimate_weights: bool = Field(
        False, description="Batch dedup: estimate Fellegi–Sunter m/u weights from the data set instead of "
        "using `weights` (see `estimation.py`); thresholds then come from the two probabilities below.")
    estimated_match_probability: float = Field(0.99, gt=0, lt=1)
    estimated_review_probability: float = Field(0.5, gt=0, lt=1)
    source_priority: list[str] = Field(
        default_factory=lambda: ["hubspot", "pipedrive", "shopify", "sumup", "square", "dsfinvk", "generic", "anonymous"],
        description="Survivorship: whose names and details win when records disagree (first wins; unlisted last).",
    )


DEFAULT_SETTINGS = MatchSettings()
