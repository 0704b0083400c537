"""Decisions on hand-made hard pairs: what a shop's customer data throws at the matcher."""

from datetime import date

from belegfluss.identity.decision import DECISIONS, explain, judge_pairs
from belegfluss.identity.features import customer_features
from belegfluss.identity.settings import MatchSettings
from belegfluss.model.customer import Customer, PostalAddress

SETTINGS = MatchSettings()
HOME = PostalAddress(street="Lindenstraße", house_number="12", postcode="50674", city="Köln")


def judge(a: Customer, b: Customer, settings: MatchSettings = SETTINGS):
    fa, fb = customer_features(a), customer_features(b)
    scores, decisions = judge_pairs([(fa, fb)], settings)
    return DECISIONS[int(decisions[0])], float(scores.total[0]), explain(scores, 0, fa, fb, settings)


def reason(reasons, field):
    return next(r for r in reasons if r["field"] == field)


def test_same_person_with_umlaut_spelling_phone_format_and_email_case_is_merged():
    shop = Customer(first_name="Jürgen", last_name="Müller", phones=["0221 1234567"], emails=["J.Mueller@web.de"])
    crm = Customer(first_name="Juergen", last_name="Mueller", phones=["+49 221 1234567"], emails=["j.mueller@WEB.de"])
    decision, score, reasons = judge(shop, crm)
    assert decision == "match"
    assert reason(reasons, "phone")["comparison"] == "exact"
    assert reason(reasons, "last_name")["comparison"] == "exact"
    assert reasons[-1]["field"] == "total" and reasons[-1]["contribution"] == score


def test_typo_in_the_name_with_the_same_phone_is_merged():
    decision, score, reasons = judge(
        Customer(first_name="Katharina", last_name="Schneider", phones=["0171 5550123"]),
        Customer(first_name="Katharnia", last_name="Schneider", phones=["01715550123"]),
    )
    assert decision == "match"
    assert reason(reasons, "first_name")["comparison"] == "close"
    assert reason(reasons, "first_name")["similarity"] < 1
    assert score >= SETTINGS.match_threshold


def test_twins_at_one_address_are_not_merged():
    decision, _, reasons = judge(
        Customer(first_name="Lena", last_name="Becker", address=HOME, birth_date=date(2001, 4, 3),
                 emails=["lena.becker@gmx.de"]),
        Customer(first_name="Lara", last_name="Becker", address=HOME, birth_date=date(2001, 4, 3),
                 emails=["lara.becker@gmx.de"]),
    )
    assert decision != "match"
    first = reason(reasons, "first_name")
    assert first["comparison"] == "different" and first["blocks_automatic_merge"] is True


def test_twins_sharing_the_family_email_and_phone_go_to_review_not_merge():
    family = {"address": HOME, "emails": ["familie.becker@t-online.de"], "phones": ["0221 998877"]}
    decision, score, reasons = judge(
        Customer(first_name="Lena", last_name="Becker", **family),
        Customer(first_name="Lara", last_name="Becker", **family),
    )
    assert score >= SETTINGS.match_threshold, "the shared contact data alone is strong evidence"
    assert decision == "review", "but the different first name must stop an automatic merge"
    assert reason(reasons, "email")["comparison"] == "exact"


def test_shared_family_email_between_parents_is_not_merged():
    decision, _, _ = judge(
        Customer(first_name="Thomas", last_name="Wagner", emails=["wagners@web.de"]),
        Customer(first_name="Sabine", last_name="Wagner", emails=["wagners@web.de"]),
    )
    assert decision == "review"


def test_same_name_in_different_cities_stays_new():
    decision, score, _ = judge(
        Customer(first_name="Michael", last_name="Schmidt", address=HOME),
        Customer(first_name="Michael", last_name="Schmidt",
                 address=PostalAddress(street="Bahnhofstr.", house_number="3", postcode="80331", city="München")),
    )
    assert decision == "new"
    assert score < SETTINGS.review_threshold


def test_same_name_and_postcode_without_contact_data_asks_a_person():
    decision, _, _ = judge(
        Customer(name="Anna Schulz", address=PostalAddress(postcode="50674")),
        Customer(first_name="Anna", last_name="Schulz", address=PostalAddress(postcode="50674", city="Köln")),
    )
    assert decision == "review"


def test_card_token_alone_links_a_walk_in_to_the_card_holder():
    decision, _, reasons = judge(
        Customer(card_tokens=["tok_9f8e7d"]),
        Customer(first_name="Eva", last_name="Klein", card_tokens=["tok_9f8e7d"], emails=["eva@klein.de"]),
    )
    assert reason(reasons, "card_token")["contribution"] == SETTINGS.weights["card_token"]["exact"]
    assert decision in ("review", "match")


def test_first_and_last_name_swapped_still_count_once():
    decision, _, reasons = judge(
        Customer(first_name="Weber", last_name="Jonas", phones=["030 2223334"]),
        Customer(first_name="Jonas", last_name="Weber", phones=["030/2223334"]),
    )
    assert reason(reasons, "last_name")["comparison"] == "swapped"
    assert decision == "match"


def test_thresholds_come_from_configuration():
    strict = MatchSettings(match_threshold=100.0)
    a = Customer(first_name="Eva", last_name="Klein", emails=["eva@klein.de"])
    assert judge(a, a)[0] == "match"
    assert judge(a, a, strict)[0] == "review"


def test_siblings_with_female_and_male_form_of_a_name_are_not_merged():
    home = {"address": HOME, "phones": ["0221 998877"]}
    decision, _, reasons = judge(
        Customer(first_name="Stefan", last_name="Roth", **home),
        Customer(first_name="Stefanie", last_name="Roth", **home),
    )
    assert reason(reasons, "first_name")["comparison"] == "different"
    assert decision == "review"


def test_one_letter_typo_in_a_short_first_name_is_close_but_another_initial_is_not():
    _, _, typo = judge(Customer(first_name="Jens", last_name="Kuhn"), Customer(first_name="Jers", last_name="Kuhn"))
    _, _, other = judge(Customer(first_name="Clara", last_name="Beck"), Customer(first_name="Lara", last_name="Beck"))
    assert reason(typo, "first_name")["comparison"] == "close"
    assert reason(other, "first_name")["comparison"] == "different"
