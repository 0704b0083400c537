"""The normalisers on the German cases a shop's data really contains."""

import pytest
from email_validator import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from belegfluss.identity.normalise import (
    fold_name, koelner_phonetik, normalise_address, normalise_email, normalise_house_number, normalise_phone,
    normalise_postcode, normalise_street, phonetic_key,
)
from belegfluss.identity.normalise.email import _plain_address
from belegfluss.identity.normalise.identifier import normalise_identifier
from belegfluss.identity.normalise.koelner_phonetik import collapse_repeats, drop_inner_zeros, letter_codes


# The worked example published with the algorithm, step by step.
def test_koelner_phonetik_published_example_mueller_luedenscheidt_step_by_step():
    assert letter_codes("Müller-Lüdenscheidt") == "60550750206880022"
    assert collapse_repeats("60550750206880022") == "6050750206802"
    assert drop_inner_zeros("6050750206802") == "65752682"
    assert koelner_phonetik("Müller-Lüdenscheidt") == "65752682"


@pytest.mark.parametrize(("word", "code"), [
    ("Wikipedia", "3412"),
    ("Breschnew", "17863"),
    ("Meier", "67"), ("Maier", "67"), ("Mayer", "67"), ("Meyer", "67"),
    ("Carsten", "47826"), ("Karsten", "47826"),
])
def test_koelner_phonetik_published_examples(word, code):
    assert koelner_phonetik(word) == code


@pytest.mark.parametrize(("word", "code"), [
    ("Xaver", "4837"),      # X not after C/K/Q codes 48
    ("Philipp", "351"),     # P before H codes 3
    ("Schmidt", "862"),     # C after S codes 8
    ("Cäsar", "887"),       # C at the start before a soft vowel codes 8
    ("Claudia", "452"),     # C at the start before L codes 4
])
def test_koelner_phonetik_context_rules(word, code):
    assert koelner_phonetik(word) == code


def test_umlaut_spellings_share_a_phonetic_key():
    assert phonetic_key("Müller") == phonetic_key("Mueller") == phonetic_key("Muller")
    assert phonetic_key("Mayer-Schmidt") == "67 862"


def test_names_fold_case_umlauts_and_drop_titles_and_salutations():
    assert fold_name("Herr Dr. Jürgen WEISS") == "juergen weiss"
    assert fold_name("Frau Prof. Dr. Änne Weiß") == "aenne weiss"
    assert fold_name("Müller-Lüdenscheidt") == fold_name("Mueller Luedenscheidt") == "mueller luedenscheidt"
    assert fold_name("René Öztürk") == "rene oeztuerk"
    assert fold_name(None) == ""


def test_email_is_trimmed_and_case_folded_and_checked_offline():
    assert normalise_email("  Max.Muster@GMX.DE ") == "max.muster@gmx.de"
    assert normalise_email("max.muster@gmx") is None
    assert normalise_email("not an address") is None
    assert normalise_email("") is None


@settings(max_examples=400, deadline=None)
@given(local=st.text(alphabet="aZ09._+-ß", max_size=12),
       labels=st.lists(st.text(alphabet="aZ9-x", max_size=7), min_size=1, max_size=3),
       tld=st.sampled_from(["de", "COM", "local", "test", "arpa", "onion", "d3", "x", "museum", "xn--p1ai"]))
def test_plain_address_shortcut_agrees_with_email_validator(local, labels, tld):
    """The shortcut for everyday addresses answers exactly what the library answers, or leaves it to it."""
    raw = f"{local}@{'.'.join([*labels, tld])}"
    shortcut = _plain_address(raw)
    if shortcut is not None:
        checked = validate_email(raw, check_deliverability=False)
        assert shortcut == (checked.local_part.casefold(), checked.domain.casefold())


def test_addresses_the_shortcut_leaves_to_the_library():
    assert normalise_email("jürgen@müller.de") == "jürgen@müller.de"
    assert normalise_email("max@mail.local") is None  # special-use domain
    assert normalise_email("max..muster@gmx.de") is None
    assert normalise_email('"max muster"@gmx.de') is None  # quoted local parts are not accepted


def test_gmail_dots_and_tags_only_with_provider_rules():
    assert normalise_email("M.Muster+shop@googlemail.com") == "m.muster+shop@googlemail.com"
    assert normalise_email("M.Muster+shop@googlemail.com", provider_rules=True) == "mmuster@gmail.com"
    # Other providers treat dots as letters even with the rules on.
    assert normalise_email("m.muster@web.de", provider_rules=True) == "m.muster@web.de"


@pytest.mark.parametrize("typed", ["+49 30 1234567", "0049 30 1234567", "030 1234567", "030/123 45 67", "(030) 123-4567"])
def test_german_phone_formats_agree_in_e164(typed):
    assert normalise_phone(typed) == "+49301234567"


def test_mobile_and_foreign_numbers_and_garbage():
    assert normalise_phone("0171 2345678") == "+491712345678"
    assert normalise_phone("+43 1 5134567") == "+4315134567"
    assert normalise_phone("bitte anrufen") is None
    assert normalise_phone("12") is None


@pytest.mark.parametrize("street", ["Hauptstraße", "Hauptstrasse", "Hauptstr.", "Haupt-Str.", "HAUPTSTR"])
def test_street_spellings_agree(street):
    assert normalise_street(street) == "hauptstr"


def test_street_keeps_names_that_only_contain_str():
    assert normalise_street("Strandweg") == "strandweg"
    assert normalise_street("Am Bahnhof") == "ambahnhof"


@pytest.mark.parametrize(("typed", "normal"), [("12a", "12a"), ("12 A", "12a"), ("12-a", "12a"), ("3 - 5", "3-5"), (" 7 ", "7")])
def test_house_number_suffixes(typed, normal):
    assert normalise_house_number(typed) == normal


def test_postcode_and_a_house_number_typed_into_the_street_field():
    assert normalise_postcode("D-10115") == "10115"
    assert normalise_postcode("1067") == "01067"
    assert normalise_postcode("1010", "AT") == "1010"
    address = normalise_address("Hauptstraße 5 a", None, "10115", "Berlin")
    assert (address.street, address.house_number, address.postcode, address.city) == ("hauptstr", "5a", "10115", "berlin")


def test_identifiers_compare_exactly():
    assert normalise_identifier(" tok_ABC ") == "tok_ABC"
    assert normalise_identifier("tok_abc") != normalise_identifier("tok_ABC")
    assert normalise_identifier("  ") is None
