"""Blocking: which records meet at all, in batch dedup and in the identity graph."""

from belegfluss.identity.batch import dedup_batch
from belegfluss.identity.blocking import blocking_keys, graph_keys
from belegfluss.identity.features import customer_features
from belegfluss.model.customer import Customer, PostalAddress


def test_a_mistyped_postcode_still_meets_its_record_through_surname_and_town():
    """Nathan and "Nathab" Priest, same street and town, postcode digits swapped: no name, door or
    postcode key is shared, only the surname in the town. Batch dedup proposes the pair."""
    nathan = Customer(first_name="Nathan", last_name="Priest",
                      address=PostalAddress(street="Banks Street", house_number="7", postcode="47501", city="Malvern"))
    typed = Customer(first_name="Nathab", last_name="Priest",
                     address=PostalAddress(street="Banks Street", house_number="7", postcode="45701", city="Malvern"))
    shared = blocking_keys(customer_features(nathan)) & blocking_keys(customer_features(typed))
    assert {key.partition(":")[0] for key in shared} == {"nc"}
    result = dedup_batch([nathan, typed])
    assert [(i, j) for i, j, _ in result.review_pairs] == [(0, 1)]


def test_the_graph_stores_neither_a_birth_date_nor_a_surname_in_a_town_alone():
    """Both rules are batch dedup's: in a graph of a million customers they would be crowded keys
    written for every record (README, Decisions)."""
    anna = customer_features(Customer(first_name="Anna", last_name="Schulz", birth_date="1980-02-03",
                                      address=PostalAddress(postcode="50674", city="Köln")))
    batch_prefixes = {key.partition(":")[0] for key in blocking_keys(anna)}
    graph_prefixes = {key.partition(":")[0] for key in graph_keys(anna)}
    assert {"b", "nc"} <= batch_prefixes
    assert batch_prefixes - graph_prefixes == {"b", "nc"}
