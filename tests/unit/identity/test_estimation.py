"""Fellegi–Sunter weights learnt from a customer set without labels."""

from belegfluss.identity.batch import compare_candidates, candidate_pairs
from belegfluss.identity.estimation import estimate_settings
from belegfluss.identity.features import customer_features
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer
from tests.fixtures.identity.german_customers import generate


def test_estimated_weights_reward_agreement_and_punish_disagreement():
    records = generate(3000, seed=3)
    features = [customer_features(Customer.model_validate({k: v for k, v in r.items() if k != "entity"}))
                for r in records]
    settings = MatchSettings(estimate_weights=True)
    comparisons = compare_candidates(features, candidate_pairs(features, settings), settings)
    estimated, info = estimate_settings(features, comparisons, settings, random_pairs=20_000)
    weights = estimated.weights
    assert weights["email"]["exact"] > 5 and weights["phone"]["exact"] > 5
    assert weights["birth_date"]["different"] < 0 and weights["last_name"]["different"] < 0
    assert weights["last_name"]["exact"] > weights["last_name"]["close"] > weights["last_name"]["different"]
    assert 0 < info["match_share_among_candidates"] < 1
    assert estimated.match_threshold > estimated.review_threshold
