"""A golden customer as a HubSpot contact and a Pipedrive person; a sale as a purchase note.
Marketing consent travels only when the marketing purpose is granted."""

from datetime import date, datetime, timezone

from belegfluss.crm import customer_payload, hubspot, pipedrive, purchase_payload
from belegfluss.identity.survivorship import ConsentState, GoldenRecord
from belegfluss.model import Sale
from belegfluss.model.customer import PostalAddress
from tests.builders import sale

GRANTED_AT = datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)


def golden(*consents: ConsentState) -> GoldenRecord:
    return GoldenRecord(first_name="Jürgen", last_name="Müller", email="j.mueller@web.de",
                        emails=["j.mueller@web.de", "juergen@firma.de"], phone="+492211234567",
                        phones=["+492211234567"], birth_date=date(1970, 5, 4),
                        address=PostalAddress(street="Lindenstraße", house_number="12", postcode="50674",
                                              city="Köln"), consents=list(consents))


def marketing(granted: bool) -> ConsentState:
    return ConsentState(purpose="marketing", granted=granted, timestamp=GRANTED_AT, source="sumup")


def test_hubspot_contact_is_upserted_by_golden_id():
    upsert = customer_payload("hubspot", "gc_1", golden())
    assert upsert["idProperty"] == "belegfluss_golden_id" and upsert["id"] == "gc_1"
    assert upsert["properties"] == {
        "belegfluss_golden_id": "gc_1", "firstname": "Jürgen", "lastname": "Müller", "email": "j.mueller@web.de",
        "phone": "+492211234567", "address": "Lindenstraße 12", "zip": "50674", "city": "Köln", "country": "DE",
        "date_of_birth": "1970-05-04",
    }


def test_marketing_consent_is_sent_only_when_granted():
    assert hubspot.contact_properties("gc_1", golden(marketing(True)))["belegfluss_marketing_consent"] == "true"
    refused = hubspot.contact_properties("gc_1", golden(marketing(False)))
    assert not any(key.startswith("belegfluss_marketing") for key in refused)
    newsletter_only = golden(ConsentState(purpose="newsletter", granted=True, timestamp=GRANTED_AT, source="x"))
    assert "belegfluss_marketing_consent" not in hubspot.contact_properties("gc_1", newsletter_only)
    assert pipedrive.person("gc_1", golden(marketing(True)))["marketing_status"] == "subscribed"
    assert "marketing_status" not in pipedrive.person("gc_1", golden(marketing(False)))


def test_pipedrive_person_carries_all_addresses_and_the_golden_id_field():
    person = pipedrive.person("gc_1", golden(), golden_id_field="a1b2c3")
    assert person["name"] == "Jürgen Müller" and person["a1b2c3"] == "gc_1"
    assert person["email"] == [{"value": "j.mueller@web.de", "primary": True, "label": "home"},
                               {"value": "juergen@firma.de", "primary": False, "label": "home"}]


def test_sale_becomes_a_purchase_note_traceable_to_its_receipt():
    event = Sale.model_validate(sale(receipt_number="K1-0042", id="sumup:tx-42", source="sumup"))
    note = purchase_payload("hubspot", event, "501")
    assert note["properties"]["hs_note_body"] == (
        "Purchase K1-0042 at cafe-berlin: 6.30 EUR (1 × Kaffee, 1 × Croissant) [Belegfluss sumup:tx-42]")
    assert note["associations"][0]["to"] == {"id": "501"}
    assert purchase_payload("pipedrive", event, "77") == {
        "content": note["properties"]["hs_note_body"], "add_time": "2025-03-14 09:30:00", "person_id": 77}
