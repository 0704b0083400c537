"""The identity graph on SQLite and PostgreSQL: resolve, review, merge and unmerge."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from belegfluss.identity import graph
from belegfluss.identity.blocking import blocking_keys, graph_keys
from belegfluss.identity.features import customer_features
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Consent, Customer, PostalAddress

SETTINGS = MatchSettings()
HOME = PostalAddress(street="Lindenstraße", house_number="12", postcode="50674", city="Köln")


def customer(system: str, native_id: str, **fields) -> Customer:
    return Customer(external_ids={system: native_id}, **fields)


def resolve_one(database, record: Customer):
    (answer,) = graph.resolve(database, [record], SETTINGS)
    return answer


def state(database, golden_id):
    """What a user sees of a golden customer, without the bookkeeping timestamps of the view."""
    view = graph.get_customer(database, golden_id)
    return {"golden_id": view["golden_id"], "status": view["status"], "record": view["record"],
            "links": view["links"]}


def test_resolving_the_same_record_twice_gives_the_same_golden_id(database):
    anna = customer("sumup", "c-1", first_name="Anna", last_name="Schulz", emails=["anna@schulz.de"])
    first = resolve_one(database, anna)
    again = resolve_one(database, anna)
    assert first.decision == "new" and not first.replay
    assert again.golden_id == first.golden_id and again.record_id == first.record_id
    assert again.replay and again.decision == "new"


def test_a_record_without_any_id_is_recognised_by_its_content(database):
    walk_in = Customer(first_name="Eva", last_name="Klein", phones=["0171 2345678"])
    assert resolve_one(database, walk_in).golden_id == resolve_one(database, walk_in).golden_id


def test_the_same_person_from_the_shop_and_the_crm_becomes_one_golden_customer(database):
    shop = resolve_one(database, customer("sumup", "c-7", first_name="Jürgen", last_name="Müller",
                                          phones=["0221 1234567"], address=HOME))
    crm = resolve_one(database, customer("hubspot", "901", first_name="Juergen", last_name="Mueller",
                                         phones=["+49 221 1234567"], emails=["j.mueller@web.de"]))
    assert crm.decision == "match" and crm.golden_id == shop.golden_id
    assert any(r["field"] == "phone" and r["comparison"] == "exact" for r in crm.reasons)
    view = graph.get_customer(database, shop.golden_id)
    assert {(link["system"], link["native_id"]) for link in view["links"]} == {("sumup", "c-7"), ("hubspot", "901")}
    # Survivorship: the CRM is the preferred source for names; the address comes from the shop record.
    assert view["record"]["first_name"] == "Juergen"
    assert view["record"]["address"]["street"] == "Lindenstraße"
    assert view["record"]["email"] == "j.mueller@web.de"


def test_two_copies_of_one_person_in_one_batch_share_a_golden_customer(database):
    a = customer("sumup", "1", first_name="Lena", last_name="Becker", emails=["lena.becker@gmx.de"])
    b = customer("shopify", "2", first_name="Lena", last_name="Becker", emails=["LENA.BECKER@gmx.de"])
    first, second = graph.resolve(database, [a, b], SETTINGS)
    assert second.decision == "match" and second.golden_id == first.golden_id


def twins(database):
    family = {"address": HOME, "emails": ["familie.becker@t-online.de"]}
    lena = resolve_one(database, customer("sumup", "lena", first_name="Lena", last_name="Becker", **family))
    lara = resolve_one(database, customer("sumup", "lara", first_name="Lara", last_name="Becker", **family))
    return lena, lara


def test_twins_sharing_a_family_email_are_queued_for_review(database):
    lena, lara = twins(database)
    assert lara.decision == "review" and lara.golden_id != lena.golden_id
    queue = graph.list_reviews(database)
    assert queue["total"] == 1
    item = queue["reviews"][0]
    assert (item["golden_id"], item["candidate_golden_id"]) == (lara.golden_id, lena.golden_id)
    assert item["review_id"] in lara.review_ids


def test_rejecting_a_review_remembers_the_pair_and_does_not_propose_it_again(database):
    lena, lara = twins(database)
    review_id = graph.list_reviews(database)["reviews"][0]["review_id"]
    assert graph.reject_review(database, review_id, actor="ops@shop")["status"] == "rejected"
    assert graph.list_reviews(database)["total"] == 0
    # Lara's newsletter sign-up matches her own record and is again similar to Lena: no new question.
    again = resolve_one(database, customer("hubspot", "lara-crm", first_name="Lara", last_name="Becker",
                                           emails=["familie.becker@t-online.de"], address=HOME,
                                           phones=["0221 555"]))
    assert graph.list_reviews(database)["total"] == 0 or all(
        {r["golden_id"], r["candidate_golden_id"]} != {lena.golden_id, lara.golden_id}
        for r in graph.list_reviews(database)["reviews"])
    assert again.golden_id in (lara.golden_id, graph.get_customer(database, lara.golden_id)["golden_id"])
    with pytest.raises(graph.GraphError) as not_open:
        graph.reject_review(database, review_id, actor="ops@shop")
    assert not_open.value.code == "identity.review_not_open"


def test_approving_a_review_merges_and_records_who_why_and_which_records(database):
    lena, lara = twins(database)
    review_id = graph.list_reviews(database)["reviews"][0]["review_id"]
    approved = graph.approve_review(database, review_id, actor="ops@shop", settings=SETTINGS)
    assert approved["golden_id"] == lena.golden_id
    merged = graph.get_customer(database, lara.golden_id)
    assert merged["golden_id"] == lena.golden_id and merged["requested_id"] == lara.golden_id
    (history,) = merged["history"]
    assert history["actor"] == "ops@shop" and history["reason"] == "review"
    assert history["record_ids"] == [lara.record_id] and history["absorbed_golden_id"] == lara.golden_id
    assert history["score"] == lara.score and history["reasons"]
    assert len(merged["links"]) == 2


def test_unmerge_restores_the_state_before_the_merge_exactly(database):
    lena, lara = twins(database)
    before = (state(database, lena.golden_id), state(database, lara.golden_id))
    review_id = graph.list_reviews(database)["reviews"][0]["review_id"]
    merge_id = graph.approve_review(database, review_id, actor="ops@shop", settings=SETTINGS)["merge_id"]
    undone = graph.unmerge(database, lena.golden_id, merge_id, actor="ops@shop", settings=SETTINGS)
    assert undone["restored_golden_id"] == lara.golden_id and undone["moved_back"] == [lara.record_id]
    after = (state(database, lena.golden_id), state(database, lara.golden_id))
    assert after == before
    history = graph.get_customer(database, lena.golden_id)["history"]
    assert history[0]["undone_by"] == "ops@shop", "the merge stays in the history, marked as undone"
    with pytest.raises(graph.GraphError):
        graph.unmerge(database, lena.golden_id, merge_id, actor="ops@shop", settings=SETTINGS)


def test_unmerge_keeps_records_linked_since_the_merge_on_the_side_they_belong_to(database):
    lena, lara = twins(database)
    review_id = graph.list_reviews(database)["reviews"][0]["review_id"]
    merge_id = graph.approve_review(database, review_id, actor="ops@shop", settings=SETTINGS)["merge_id"]
    # After the (wrong) merge, Lara's loyalty sign-up is linked to the merged customer …
    lara_card = resolve_one(database, customer("shopify", "l-9", first_name="Lara", last_name="Becker",
                                               emails=["familie.becker@t-online.de", "lara.b@gmx.de"],
                                               address=HOME, loyalty_ids=["L-777"]))
    lena_shop = resolve_one(database, customer("shopify", "l-10", first_name="Lena", last_name="Becker",
                                               emails=["familie.becker@t-online.de"], address=HOME))
    assert lara_card.golden_id == lena_shop.golden_id == lena.golden_id, "both were linked to the merged customer"
    undone = graph.unmerge(database, lena.golden_id, merge_id, actor="ops@shop", settings=SETTINGS)
    assert undone["followed"] == [lara_card.record_id]
    lara_side = {link["native_id"] for link in graph.get_customer(database, lara.golden_id)["links"]}
    lena_side = {link["native_id"] for link in graph.get_customer(database, lena.golden_id)["links"]}
    assert lara_side == {"lara", "l-9"}, "Lara's later record follows Lara"
    assert lena_side == {"lena", "l-10"}, "Lena's later record stays with Lena"


def test_consent_opt_out_anywhere_wins_per_purpose(database):
    at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    later = datetime(2026, 3, 1, tzinfo=timezone.utc)
    shop = resolve_one(database, customer(
        "sumup", "k1", first_name="Eva", last_name="Klein", emails=["eva@klein.de"],
        consents=[Consent(purpose="marketing", granted=False, timestamp=at, source="sumup"),
                  Consent(purpose="newsletter", granted=True, timestamp=at, source="sumup")]))
    resolve_one(database, customer(
        "hubspot", "k2", first_name="Eva", last_name="Klein", emails=["eva@klein.de"],
        consents=[Consent(purpose="marketing", granted=True, timestamp=later, source="hubspot")]))
    consents = {c["purpose"]: c["granted"] for c in graph.get_customer(database, shop.golden_id)["record"]["consents"]}
    assert consents == {"marketing": False, "newsletter": True}


def test_candidates_are_the_records_sharing_the_most_keys_and_rarest_keys_first(database):
    """Ten Meiers in one postcode share a surname key; the one who also shares the birth date
    (two keys) and the one who shares a rare key are chosen before the others, on both databases
    (each reads a key's hits its own way: both must choose alike)."""
    narrow = MatchSettings(max_candidates=2, max_reads_per_key=16)  # every Meier is read
    for number in range(10):
        graph.resolve(database, [customer("sumup", f"m-{number}", first_name=f"Kunde{number}", last_name="Meier",
                                          address=PostalAddress(postcode="50674"))], narrow)
    same_birthday = resolve_one(database, customer("sumup", "m-b", first_name="Zora", last_name="Meier",
                                                   birth_date="1980-02-03", address=PostalAddress(postcode="50674")))
    kaya = customer("sumup", "m-d", first_name="Yusuf", last_name="Kaya",
                    address=PostalAddress(postcode="99999", house_number="7"))
    same_door = resolve_one(database, kaya)
    incoming = customer("pos", "x-1", first_name="Xaver", last_name="Meier", birth_date="1980-02-03",
                        address=PostalAddress(postcode="50674"))
    door_key = {key: place for key, place in graph_keys(customer_features(kaya)).items() if key.startswith("ph:")}
    same_door_keys = graph_keys(customer_features(incoming)) | door_key  # as if typed at Kaya's door
    with database.transaction() as connection:
        closest, stored = graph._candidates(connection, [same_door_keys], narrow.max_reads_per_key,
                                            narrow.max_candidates)
        hits = graph._key_hits(connection, sorted(same_door_keys.items()), narrow.max_reads_per_key)
    assert closest == [[same_birthday.record_id, same_door.record_id]]
    assert closest == [graph._closest_records(same_door_keys, hits, narrow.max_candidates)]
    assert stored[same_door.record_id][0] == same_door.golden_id


def test_candidates_are_chosen_by_what_their_shared_keys_say():
    """A phone is one person's, a door or a whole name narrows to a few, a first name or surname in
    a postcode to many: with room for four, the phone, the door and the name come first, then the
    rarer of the weak keys."""
    keys = {"p:+492211234567": "", "ph:50674|7": "lindenstr schulz", "nn:056|17": "50674 lindenstr",
            "fp:056|50674": "schulz", "np:17|50674": "anna"}
    hits = {("p:+492211234567", ""): ["rec_phone"], ("ph:50674|7", "lindenstr schulz"): ["rec_door"],
            ("nn:056|17", "50674 lindenstr"): ["rec_name"], ("fp:056|50674", "schulz"): ["rec_first_a", "rec_first_b"],
            ("np:17|50674", "anna"): ["rec_surname"]}
    assert graph._closest_records(keys, hits, 4) == ["rec_phone", "rec_door", "rec_name", "rec_surname"]
    # Two weak keys together outweigh a whole name, and tie with a door (the door's key is rarer).
    hits[("np:17|50674", "anna")].append("rec_first_a")
    assert graph._closest_records(keys, hits, 4) == ["rec_phone", "rec_door", "rec_first_a", "rec_name"]


def test_a_crowded_key_is_read_around_the_incoming_record_not_from_its_oldest(database):
    """Twelve Meiers in one postcode share a surname key; with room for four, resolve reads the four
    whose first names sort nearest the incoming Gisela's, alternately after and before her, on
    both databases (each walks the key its own way: both must read alike)."""
    names = ["Anna", "Berta", "Clara", "Dora", "Emma", "Frieda", "Gerda", "Hanna", "Ida", "Jana", "Karla", "Lena"]
    record_of = {}
    for name in names:
        answer = resolve_one(database, customer("sumup", name, first_name=name, last_name="Meier",
                                                address=PostalAddress(postcode="50674")))
        record_of[name] = answer.record_id
    gisela = graph_keys(customer_features(Customer(first_name="Gisela", last_name="Meier",
                                                   address=PostalAddress(postcode="50674"))))
    (surname_key,) = [(key, place) for key, place in gisela.items() if key.startswith("np:")]
    assert surname_key[1] == "gisela"
    with database.connect() as connection:
        hits = graph._key_hits(connection, [surname_key], 4)
        everyone = graph._key_hits(connection, [surname_key], 50)
    assert hits == {surname_key: [record_of[n] for n in ("Hanna", "Gerda", "Ida", "Frieda")]}
    # A key with room for all is read whole, nearest first.
    assert everyone[surname_key][:4] == hits[surname_key]
    assert sorted(everyone[surname_key]) == sorted(record_of.values())


def test_places_compare_byte_by_byte_on_both_databases(database):
    """A space sorts before every letter, as Python and SQLite compare: "anna sophie" comes before
    "annabel". A PostgreSQL locale such as de_DE would skip the space and read other neighbours, so
    the column is pinned to byte order there."""
    record_of = {}
    for name in ["Anna Maria", "Anna Sophie", "Annabel", "Annalena", "Annette"]:
        record_of[name] = resolve_one(database, customer("sumup", name, first_name=name, last_name="Meier",
                                                         address=PostalAddress(postcode="50674"))).record_id
    incoming = graph_keys(customer_features(Customer(first_name="Annab", last_name="Meier",
                                                     address=PostalAddress(postcode="50674"))))
    (surname_key,) = [(key, place) for key, place in incoming.items() if key.startswith("np:")]
    with database.connect() as connection:
        hits = graph._key_hits(connection, [surname_key], 4)
        if database.is_postgres:
            collation = connection.exec_driver_sql(
                "SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'identity_blocking_keys' AND column_name = 'place'").scalar()
            assert collation == "C"
    assert hits == {surname_key: [record_of[n] for n in ("Annabel", "Anna Sophie", "Annalena", "Anna Maria")]}


def test_a_blocking_key_whose_record_is_gone_is_skipped(database):
    """Blocking keys carry no foreign key: a key left behind by a record that no longer exists is
    no candidate, and the record behind the other key is still found."""
    from belegfluss.store.identity import blocking_keys as keys_table

    known = resolve_one(database, customer("sumup", "k-1", first_name="Ida", last_name="Roth",
                                           emails=["ida@roth.de"]))
    incoming = customer("pos", "x-9", first_name="Ida", last_name="Roth", emails=["ida@roth.de"])
    with database.transaction() as connection:
        connection.execute(keys_table.insert(), [{"key": key, "record_id": "rec_gone"}
                                                 for key in blocking_keys(customer_features(incoming))])
    answer = resolve_one(database, incoming)
    assert (answer.decision, answer.golden_id) == ("match", known.golden_id)


def test_the_graph_keeps_no_birth_date_alone_but_with_a_name(database):
    """Resolve neither stores nor looks up a birth date alone (about forty of a million share it);
    with a name's phonetic prefix it stays a key."""
    from belegfluss.store.identity import blocking_keys as keys_table

    ida = customer("sumup", "bd-1", first_name="Ida", last_name="Roth", birth_date="1980-02-03")
    stored = resolve_one(database, ida)
    with database.connect() as connection:
        keys = set(connection.scalars(select(keys_table.c.key).where(keys_table.c.record_id == stored.record_id)))
    features = customer_features(ida)
    assert "b:1980-02-03" in blocking_keys(features)  # batch dedup still blocks on it
    assert keys == blocking_keys(features) - {"b:1980-02-03"}
    assert {f"nb:{features.first_phonetic[:3]}|1980-02-03", f"nb:{features.last_phonetic[:3]}|1980-02-03"} <= keys
