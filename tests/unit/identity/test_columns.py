"""The fast paths give the answers of the plain ones: columns built once and indexed by pair,
columns read straight from stored JSON, and candidate pairs generated block by block."""

from dataclasses import fields
from itertools import combinations

import numpy as np
import pytest
from tests.fixtures.identity.german_customers import generate

from belegfluss.identity.batch import candidate_pairs
from belegfluss.identity.blocking import blocking_keys
from belegfluss.identity.comparisons import FeatureColumns, compare_columns, compare_indexed, compare_pairs
from belegfluss.identity.features import CustomerFeatures, customer_features
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer

SETTINGS = MatchSettings()


@pytest.fixture(scope="module")
def features() -> list[CustomerFeatures]:
    records = generate(600, seed=23)
    for record in records:
        record.pop("entity")
    # Several e-mails on one side and one shared with the other: the rare path of set comparison.
    records[0]["emails"] = ["anna.private@gmx.de"]
    records[300]["emails"] = ["a.family@web.de", "anna.private@gmx.de"]
    return [customer_features(Customer.model_validate(r)) for r in records]


def assert_same_tables(expected, actual) -> None:
    assert expected.levels.keys() == actual.levels.keys()
    for field in expected.levels:
        assert np.array_equal(expected.levels[field], actual.levels[field]), field
    for field in expected.similarity:
        assert np.allclose(expected.similarity[field], actual.similarity[field]), field


def test_stored_features_read_back_as_they_were_written(features):
    for feature in features[:50]:
        stored = feature.to_json()
        assert set(stored) == {f.name for f in fields(CustomerFeatures)}
        assert CustomerFeatures.from_json(stored) == feature


def test_pairs_indexed_into_columns_compare_like_the_records_themselves(features):
    pairs = candidate_pairs(features, SETTINGS)
    left, right = pairs[:, 0], pairs[:, 1]
    expected = compare_pairs([features[i] for i in left], [features[j] for j in right], SETTINGS)
    assert_same_tables(expected, compare_indexed(FeatureColumns.of(features), left, right, SETTINGS))


def test_columns_read_from_stored_json_compare_like_the_features(features):
    incoming, stored = features[:300], features[300:]
    left = np.arange(300).repeat(3)
    right = np.random.default_rng(3).integers(0, len(stored), len(left))
    right[0] = 0  # record 0 against record 300: the shared e-mail among several
    expected = compare_pairs([incoming[i] for i in left], [stored[j] for j in right], SETTINGS)
    from_json = FeatureColumns.of_json([f.to_json() for f in stored])
    assert_same_tables(expected, compare_columns(FeatureColumns.of(incoming).take(left), from_json.take(right),
                                                 SETTINGS))
    assert expected.levels["email"][0] == 1  # exact: one shared address is enough


def test_candidate_pairs_are_every_pair_that_shares_a_blocking_key_once(features):
    keys = [blocking_keys(f) for f in features]
    expected = {(i, j) for i, j in combinations(range(len(features)), 2) if keys[i] & keys[j]}
    pairs = candidate_pairs(features, SETTINGS)
    assert {(int(i), int(j)) for i, j in pairs} == expected
    assert len(pairs) == len(expected)
