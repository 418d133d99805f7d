"""The OpenAPI document's resource components say what the representations really return:
for a real row of each resource, the component has exactly the keys the representation gives
(and, inside, no key it does not list), and /api/docs/ shows the fields."""

import pytest
from django.test import Client

from tocsin.api import representations as rep
from tocsin.calls.factories import CallActionFactory, CallReportFactory
from tocsin.campaigns.factories import CampaignFactory
from tocsin.events.factories import RsvpFactory, SessionFactory
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import Letter
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters import services as people
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Tag, Tagging
from tocsin.targets.factories import CustomTargetFactory

pytestmark = pytest.mark.django_db

COMPONENTS = {
    "person": "Person",
    "tag": "Tag",
    "tagging": "Tagging",
    "petition": "Petition",
    "signature": "Signature",
    "event": "Event",
    "attendance": "Attendance",
    "fundraising_page": "FundraisingPage",
    "donation": "Donation",
    "advocacy_campaign": "AdvocacyCampaign",
    "outreach": "Outreach",
}
PLURALS = {
    "person": "people",
    "tag": "tags",
    "tagging": "taggings",
    "petition": "petitions",
    "signature": "signatures",
    "event": "events",
    "attendance": "attendances",
    "fundraising_page": "fundraising_pages",
    "donation": "donations",
    "advocacy_campaign": "advocacy_campaigns",
    "outreach": "outreaches",
}


@pytest.fixture(scope="module")
def spec(django_db_blocker):
    with django_db_blocker.unblock():
        answer = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()


def resolve(spec, item):
    while True:
        if "allOf" in item and len(item["allOf"]) == 1:
            item = item["allOf"][0]
        elif "$ref" in item:
            item = spec["components"]["schemas"][item["$ref"].rsplit("/", 1)[-1]]
        else:
            return item


def check(spec, value, schema, where):
    """Every key of `value` is a property of `schema`, and every required property is there,
    all the way down (lists item by item)."""
    schema = resolve(spec, schema)
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        assert set(value) <= set(properties), (where, set(value) - set(properties))
        assert set(schema.get("required", [])) <= set(value), where
        for key, inner in value.items():
            check(spec, inner, properties[key], f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, inner in enumerate(value):
            check(spec, inner, schema["items"], f"{where}[{index}]")


@pytest.fixture
def rows(org):
    """Real rows of every resource, with their optional parts filled in."""
    person = ConsentFactory(
        supporter=SupporterFactory(organization=org, name="Ana Lopez", postcode="N1 9GU"),
        organization=org,
    ).supporter
    tag = Tag.objects.create(organization=org, kind=Tag.Kind.TAG, name="volunteers")
    people.add_tag([person], tag)
    petition = PetitionFactory(campaign=CampaignFactory(organization=org))
    signature = Signature.objects.create(
        petition=petition, email="a@example.org", name="A", supporter=person, source="mail"
    )
    session = SessionFactory(
        event__campaign=CampaignFactory(organization=org), venue_name="Conway Hall"
    )
    fundraiser = FundraiserFactory(campaign=CampaignFactory(organization=org))
    campaign = CampaignFactory(organization=org)
    call = CallReportFactory(action=CallActionFactory(campaign=campaign), supporter=person)
    letter = Letter.objects.create(
        action=WriteActionFactory(campaign=campaign),
        target=CustomTargetFactory(organization=org),
        supporter=person,
        name="Ana Lopez",
        email="ana@example.org",
        subject="Stop it",
        body="Dear minister",
        method=Letter.Method.choices[0][0],
    )
    return {
        "person": [person],
        "tag": [tag],
        "tagging": [Tagging.objects.get(supporter=person)],
        "petition": [petition],
        "signature": [signature],
        "event": [session.event],
        "attendance": [RsvpFactory(session=session, supporter=person, source="mail")],
        "fundraising_page": [fundraiser],
        "donation": [GiftFactory(fundraiser=fundraiser, supporter=person)],
        "advocacy_campaign": [campaign],
        "outreach": [call, letter],
    }


@pytest.mark.parametrize("resource", list(COMPONENTS))
def test_each_component_has_the_keys_its_representation_returns(spec, rows, resource):
    schemas = spec["components"]["schemas"]
    component = schemas[COMPONENTS[resource]]
    represent = getattr(rep, resource)
    answers = [represent(row, base_url="https://act.example.org") for row in rows[resource]]
    returned = set().union(*(answer.keys() for answer in answers))
    assert set(component["properties"]) == returned
    for answer in answers:
        check(spec, answer, component, resource)
    # The collection: the OSDI envelope, its items this component.
    page = schemas[f"{COMPONENTS[resource]}Collection"]
    assert set(page["properties"]) == {
        "total_pages",
        "per_page",
        "page",
        "total_records",
        "_links",
        "_embedded",
    }
    embedded = resolve(spec, page["properties"]["_embedded"])["properties"]
    assert embedded[f"osdi:{PLURALS[resource]}"]["items"] == {
        "$ref": f"#/components/schemas/{COMPONENTS[resource]}"
    }


def test_operations_answer_with_the_components(spec):
    def answer(path, method, code="200"):
        content = spec["paths"][path][method]["responses"][code]["content"]
        return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert answer("/api/v1/people", "get") == "PersonCollection"
    assert answer("/api/v1/people", "post", "201") == "Person"
    assert answer("/api/v1/people/{id}", "get") == "Person"
    assert answer("/api/v1/people/{id}/donations", "get") == "DonationCollection"
    assert answer("/api/v1/tags", "get") == "TagCollection"
    assert answer("/api/v1/fundraising_pages/{id}/donations", "post", "201") == "Donation"
    assert answer("/api/v1/advocacy_campaigns/{id}/outreaches/{item_pk}", "get") == "Outreach"
    errors = spec["paths"]["/api/v1/people"]["get"]["responses"]
    assert errors["404"]["description"] == "Not this organization's."


def test_docs_page_shows_each_resources_fields():
    page = Client().get("/api/docs/").content.decode()
    assert 'id="schema-Person"' in page
    person = page.split('id="schema-Person"', 1)[1].split("</section>", 1)[0]
    for field in ("given_name", "email_addresses", "email_addresses[].address", "tocsin:tags"):
        assert f"<code>{field}</code>" in person, field
    collection = page.split('id="schema-PersonCollection"', 1)[1].split("</section>", 1)[0]
    assert "<code>total_records</code>" in collection
    assert '<a href="#schema-Person">list of Person</a>' in collection
    assert 'href="#schema-PersonCollection"' in page  # from GET /api/v1/people's answers
