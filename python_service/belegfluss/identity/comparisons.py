"""Field comparisons over many pairs at once: each gives every pair a level (exact, close, …).

Comparisons work on columns (one entry per candidate pair) so that rapidfuzz's `cpdist` can
compute the similarities in C for a whole batch; scoring one pair is the same call with one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .features import CustomerFeatures
from .settings import MatchSettings

LEVELS = ("missing", "exact", "close", "phonetic", "initial", "swapped", "different")
MISSING, EXACT, CLOSE, PHONETIC, INITIAL, SWAPPED, DIFFERENT = range(len(LEVELS))
FIELDS = (
    "email", "phone", "card_token", "loyalty_id", "first_name", "last_name", "birth_date", "street", "postcode", "city",
)


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    """`levels[field][i]` is the level code of pair i; `similarity` keeps the fuzzy scores for reasons."""

    levels: dict[str, np.ndarray]
    similarity: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.levels.values())))


_SET_FIELDS = (("email", "emails"), ("phone", "phones"), ("card_token", "card_tokens"), ("loyalty_id", "loyalty_ids"))
_SET_COLUMNS = 3  # values per record compared column by column; a record with more takes the slow path
_TEXT_FIELDS = ("first_name", "last_name", "first_phonetic", "last_phonetic", "birth_date",
                "street", "house_number", "postcode", "city")


@dataclass(frozen=True, slots=True)
class FeatureColumns:
    """The features of many records as columns (one entry per record): built once per record, then
    taken by pair index, so a million pairs cost array indexing instead of a million Python lookups.

    `text[name]` holds strings ("" when unknown). A set-valued field keeps `matrix[field]`, its values
    in a few columns ("" where a record has fewer), `count[field]` and `sets[field]` (the
    values themselves, looked at only for the rare record with more values than columns)."""

    text: dict[str, np.ndarray]
    matrix: dict[str, np.ndarray]
    count: dict[str, np.ndarray]
    sets: dict[str, list[Sequence[str]]]
    record: np.ndarray
    """Row → index into `sets` (taking rows leaves the Python lists alone)."""

    @classmethod
    def of(cls, features: Sequence[CustomerFeatures]) -> FeatureColumns:
        addresses = [f.address for f in features]
        return cls._build(
            {"first_name": [f.first_name for f in features], "last_name": [f.last_name for f in features],
             "first_phonetic": [f.first_phonetic for f in features],
             "last_phonetic": [f.last_phonetic for f in features],
             "birth_date": [f.birth_date or "" for f in features],
             "street": [a.street or "" for a in addresses],
             "house_number": [a.house_number or "" for a in addresses],
             "postcode": [a.postcode or "" for a in addresses], "city": [a.city or "" for a in addresses]},
            {field: [tuple(getattr(f, attribute)) for f in features] for field, attribute in _SET_FIELDS},
        )

    @classmethod
    def of_json(cls, stored: Sequence[dict[str, Any]]) -> FeatureColumns:
        """Straight from `CustomerFeatures.to_json()` as stored: no objects built for the many candidates
        that are compared once and never shown."""
        addresses = [d["address"] for d in stored]
        return cls._build(
            {"first_name": [d["first_name"] for d in stored], "last_name": [d["last_name"] for d in stored],
             "first_phonetic": [d["first_phonetic"] for d in stored],
             "last_phonetic": [d["last_phonetic"] for d in stored],
             "birth_date": [d["birth_date"] or "" for d in stored],
             "street": [a["street"] or "" for a in addresses],
             "house_number": [a["house_number"] or "" for a in addresses],
             "postcode": [a["postcode"] or "" for a in addresses],
             "city": [a["city"] or "" for a in addresses]},
            {field: [d[attribute] for d in stored] for field, attribute in _SET_FIELDS},
        )

    @classmethod
    def _build(cls, text: dict[str, list[str]], sets: dict[str, list[Sequence[str]]]) -> FeatureColumns:
        rows = len(text["first_name"])
        matrix, count = {}, {}
        for field, values in sets.items():
            count[field] = np.fromiter(map(len, values), dtype=np.int64, count=rows)
            width = min(int(count[field].max(initial=1)), _SET_COLUMNS) or 1
            # Column by column (mostly a record has one value or none); a record with more values
            # than columns leaves its row blank and is compared by `values`.
            columns = [[v[j] if len(v) > j else "" for v in values] for j in range(width)]
            matrix[field] = np.array(columns, dtype=str).reshape(width, rows).T.copy()
            matrix[field][count[field] > width] = ""
        columns_of_text = {name: _strings(text[name]) for name in _TEXT_FIELDS}
        return cls(columns_of_text, matrix, count, sets, np.arange(rows))

    def take(self, index: np.ndarray) -> FeatureColumns:
        return FeatureColumns({k: v[index] for k, v in self.text.items()}, {k: v[index] for k, v in self.matrix.items()},
                              {k: v[index] for k, v in self.count.items()}, self.sets, self.record[index])

    def values(self, field: str, row: int) -> frozenset[str]:
        return frozenset(self.sets[field][self.record[row]])


def _strings(values: Sequence[str]) -> np.ndarray:
    return np.array(values, dtype=str) if len(values) else np.array([], dtype=str)


def compare_pairs(
    left: Sequence[CustomerFeatures], right: Sequence[CustomerFeatures], settings: MatchSettings
) -> ComparisonTable:
    return compare_columns(FeatureColumns.of(left), FeatureColumns.of(right), settings)


def compare_indexed(
    columns: FeatureColumns, left: np.ndarray, right: np.ndarray, settings: MatchSettings
) -> ComparisonTable:
    """Pairs given as indexes into one set of columns (batch dedup)."""
    return compare_columns(columns.take(left), columns.take(right), settings)


def compare_columns(left: FeatureColumns, right: FeatureColumns, settings: MatchSettings) -> ComparisonTable:
    """Pair i compares `left` row i with `right` row i."""
    levels: dict[str, np.ndarray] = {}
    similarity: dict[str, np.ndarray] = {}
    for field, _attribute in _SET_FIELDS:
        levels[field] = _compare_sets(left, right, field)
    first_l, first_r = left.text["first_name"], right.text["first_name"]
    last_l, last_r = left.text["last_name"], right.text["last_name"]
    similarity["first_name"] = _similarity(first_l, first_r)
    similarity["last_name"] = _similarity(last_l, last_r)
    levels["first_name"] = _compare_names(
        first_l, first_r, similarity["first_name"], left.text["first_phonetic"], right.text["first_phonetic"],
        settings.close_similarity, initials=True,
    )
    levels["last_name"] = _compare_names(
        last_l, last_r, similarity["last_name"], left.text["last_phonetic"], right.text["last_phonetic"],
        settings.close_similarity, initials=False,
    )
    _mark_swapped_names(levels, first_l, first_r, last_l, last_r, settings.close_similarity)
    levels["birth_date"] = _compare_dates(left.text["birth_date"], right.text["birth_date"])
    street_l, street_r = left.text["street"], right.text["street"]
    similarity["street"] = _similarity(street_l, street_r)
    levels["street"] = _compare_streets(
        street_l, street_r, similarity["street"], left.text["house_number"], right.text["house_number"],
        settings.street_close_similarity,
    )
    levels["postcode"] = _compare_codes(left.text["postcode"], right.text["postcode"])
    city_l, city_r = left.text["city"], right.text["city"]
    similarity["city"] = _similarity(city_l, city_r)
    levels["city"] = _graded(city_l, city_r, similarity["city"] >= settings.street_close_similarity)
    return ComparisonTable(levels, similarity)


def _workers(pairs: int) -> int:
    """Threads pay off only for large arrays; small calls (one resolve batch) stay on one thread."""
    return -1 if pairs >= 50_000 else 1


def _similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if len(left) == 0:
        return np.zeros(0)
    return process.cpdist(left.tolist(), right.tolist(), scorer=JaroWinkler.normalized_similarity,
                          workers=_workers(len(left)))


def _both_present(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (np.char.str_len(left) > 0) & (np.char.str_len(right) > 0)


def _graded(left: np.ndarray, right: np.ndarray, close: np.ndarray) -> np.ndarray:
    """exact / close / different where both sides are known, missing elsewhere."""
    level = np.where(left == right, EXACT, np.where(close, CLOSE, DIFFERENT)).astype(np.int8)
    level[~_both_present(left, right)] = MISSING
    return level


def _compare_sets(left: FeatureColumns, right: FeatureColumns, field: str) -> np.ndarray:
    """Shared value → exact; both known but none shared → different."""
    count_l, count_r = left.count[field], right.count[field]
    values_l, values_r = left.matrix[field], right.matrix[field]
    shared = np.zeros(len(count_l), dtype=bool)
    for a in range(values_l.shape[1]):
        known = values_l[:, a] != ""
        for b in range(values_r.shape[1]):
            shared |= known & (values_l[:, a] == values_r[:, b])
    level = np.where(shared, EXACT, DIFFERENT).astype(np.int8)
    for k in np.flatnonzero((count_l > values_l.shape[1]) | (count_r > values_r.shape[1])).tolist():
        level[k] = DIFFERENT if left.values(field, k).isdisjoint(right.values(field, k)) else EXACT
    level[(count_l == 0) | (count_r == 0)] = MISSING
    return level


def _compare_names(
    left: np.ndarray, right: np.ndarray, jaro_winkler: np.ndarray, phon_left: np.ndarray, phon_right: np.ndarray,
    close_similarity: float, *, initials: bool,
) -> np.ndarray:
    level = np.full(len(left), DIFFERENT, dtype=np.int8)
    if initials:
        is_initial = ((np.char.str_len(left) == 1) | (np.char.str_len(right) == 1)) & (
            _same_initial(left, right))
        level[is_initial] = INITIAL
    else:
        # Surnames vary in spelling (Meier / Mayer); first names are spelled one way, and the coarse
        # Kölner code would let twins Lena and Leon (both "56") pass, so it is not used for them.
        level[(phon_left == phon_right) & (np.char.str_len(phon_left) > 0) & (jaro_winkler >= 0.75)] = PHONETIC
    # A typo rarely hits the first letter, while different names often differ only there (Clara, Lara).
    level[((jaro_winkler >= close_similarity) & _same_initial(left, right)) | _one_typo(left, right)] = CLOSE
    if not initials:
        # Double last names ("Müller-Lüdenscheidt" / "Müller"); a double first name is often another person.
        level[_one_contains_the_other(left, right)] = CLOSE
    if initials:
        close = np.flatnonzero((level == CLOSE) & (left != right))  # equal names become exact below
        level[close[_female_and_male_form(left[close], right[close])]] = DIFFERENT
    level[left == right] = EXACT
    level[~_both_present(left, right)] = MISSING
    return level


_FEMININE_ENDINGS = frozenset({"a", "e", "ie", "ina", "ine"})


def _female_and_male_form(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Daniel / Daniela, Christian / Christiane, Stefan / Stefanie: close in spelling, yet siblings."""
    def pair(a: str, b: str) -> bool:
        short, long = (a, b) if len(a) <= len(b) else (b, a)
        return long.startswith(short) and long[len(short):] in _FEMININE_ENDINGS
    return np.fromiter((pair(a, b) for a, b in zip(left.tolist(), right.tolist())), dtype=bool, count=len(left))


def _same_initial(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.char.ljust(left, 1).astype("U1") == np.char.ljust(right, 1).astype("U1")


def _one_typo(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One letter wrong, missing or two swapped (OSA distance 1) after the same first letter, in names
    of four letters or more: Jaro-Winkler alone is too harsh on short names ("Jens" typed "Jers"),
    while a different first letter is rarely a typo (Clara and Lara)."""
    result = np.zeros(len(left), dtype=bool)
    index = np.flatnonzero(
        (np.char.str_len(left) >= 4) & (np.char.str_len(right) >= 4) & (left != right) & _same_initial(left, right))
    if len(index):
        result[index] = process.cpdist(left[index].tolist(), right[index].tolist(), scorer=OSA.distance,
                                       workers=_workers(len(index))) <= 1
    return result


def _one_contains_the_other(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Double names: "mueller luedenscheidt" and "mueller" share every token of the shorter one."""
    multi = (np.char.count(left, " ") > 0) | (np.char.count(right, " ") > 0)
    result = np.zeros(len(left), dtype=bool)
    index = np.flatnonzero(multi & _both_present(left, right))
    if len(index):
        scores = process.cpdist(left[index].tolist(), right[index].tolist(), scorer=fuzz.token_set_ratio,
                                workers=_workers(len(index)))
        result[index] = scores >= 100
    return result


def _mark_swapped_names(
    levels: dict[str, np.ndarray], first_l: np.ndarray, first_r: np.ndarray, last_l: np.ndarray,
    last_r: np.ndarray, close_similarity: float,
) -> None:
    """First and last name typed into each other's field: one piece of evidence, counted once."""
    candidates = np.flatnonzero((levels["first_name"] == DIFFERENT) & (levels["last_name"] == DIFFERENT))
    if not len(candidates):
        return
    cross_a = _similarity(first_l[candidates], last_r[candidates])
    cross_b = _similarity(last_l[candidates], first_r[candidates])
    swapped = candidates[(cross_a >= close_similarity) & (cross_b >= close_similarity)]
    levels["last_name"][swapped] = SWAPPED
    levels["first_name"][swapped] = MISSING


def _compare_dates(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One mistyped digit or day and month swapped → close."""
    close = np.zeros(len(left), dtype=bool)
    index = np.flatnonzero((left != right) & _both_present(left, right))
    if len(index):
        close[index] = process.cpdist(
            left[index].tolist(), right[index].tolist(), scorer=Levenshtein.distance, workers=_workers(len(index))) <= 1
        close[index] |= np.array([_day_month_swapped(a, b) for a, b in zip(left[index], right[index])], dtype=bool)
    return _graded(left, right, close)


def _day_month_swapped(a: str, b: str) -> bool:
    return len(a) == len(b) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _compare_codes(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    close = np.zeros(len(left), dtype=bool)
    index = np.flatnonzero((left != right) & _both_present(left, right))
    if len(index):
        close[index] = process.cpdist(
            left[index].tolist(), right[index].tolist(), scorer=Levenshtein.distance, workers=_workers(len(index))) <= 1
    return _graded(left, right, close)


def _compare_streets(
    street_l: np.ndarray, street_r: np.ndarray, jaro_winkler: np.ndarray, number_l: np.ndarray,
    number_r: np.ndarray, close_similarity: float,
) -> np.ndarray:
    """Same street and house number → exact; a similar street with no conflicting number → close."""
    numbers_agree = (number_l == number_r) | ~_both_present(number_l, number_r)
    exact = (street_l == street_r) & numbers_agree
    close = (jaro_winkler >= close_similarity) & numbers_agree
    level = np.where(exact, EXACT, np.where(close, CLOSE, DIFFERENT)).astype(np.int8)
    level[~_both_present(street_l, street_r)] = MISSING
    return level
