"""Issue 18: the token of an alert's button names one person, signed and dated, and nothing
else; a forged, expired or misplaced one fills nothing."""

import time

import pytest
from django.core import signing
from django.test import RequestFactory

from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.services import erase_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return SupporterFactory(
        name="Ana López", email="ana.lopez@example.org", postcode="53703", country="US"
    )


def days_later(monkeypatch, days: float) -> None:
    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + days * 86400)


def test_a_token_names_its_person_and_carries_nothing_personal(person):
    token = prefill.token_for(person)

    assert prefill.person_for(token) == person
    for personal in ("Ana", "López", "ana.lopez", "example.org", "53703"):
        assert personal.lower() not in token.lower()
    # What it carries: the id and nothing else.
    assert signing.loads(token, salt=prefill.SALT) == {"s": person.pk}


def test_a_token_works_for_the_days_set_and_no_longer(person, settings, monkeypatch):
    settings.TOCSIN_PREFILL_DAYS = 14
    token = prefill.token_for(person)

    days_later(monkeypatch, 13.9)
    assert prefill.person_for(token) == person
    days_later(monkeypatch, 14.1)
    assert prefill.person_for(token) is None


@pytest.mark.parametrize(
    "made_up",
    [
        None,
        "",
        "nonsense",
        "x" * 5000,
        # The right shape with the wrong key, and another salt's token for the same id.
        "eyJzIjoxfQ:1uAbCd:0123456789abcdefghijklmnopqrstuvwxyzABCDE",
    ],
)
def test_a_made_up_token_names_nobody(person, made_up):
    assert prefill.person_for(made_up) is None


def test_a_token_of_another_kind_names_nobody(person):
    other = signing.dumps({"s": person.pk}, salt="tocsin.supporters.unsubscribe")
    assert prefill.person_for(other) is None
    changed = prefill.token_for(person)[:-2] + "xx"
    assert prefill.person_for(changed) is None


def test_an_erased_person_or_one_without_an_address_is_nobody(person):
    token = prefill.token_for(person)
    erase_supporter(person)
    assert prefill.person_for(token) is None

    nameless = SupporterFactory()
    nameless_token = prefill.token_for(nameless)
    type(nameless).objects.filter(pk=nameless.pk).update(email="")
    assert prefill.person_for(nameless_token) is None


def test_a_deleted_person_or_an_impossible_id_is_nobody(person):
    token = prefill.token_for(person)
    person.delete()
    assert prefill.person_for(token) is None
    too_big = signing.dumps({"s": 2**70}, salt=prefill.SALT, compress=True)
    assert prefill.person_for(too_big) is None
    not_a_number = signing.dumps({"s": "ana"}, salt=prefill.SALT, compress=True)
    assert prefill.person_for(not_a_number) is None


def test_a_request_fills_only_the_forms_of_the_persons_organization(person):
    other_group = OrganizationFactory()
    url = f"/c/x/join/?{prefill.PARAMETER}={prefill.token_for(person)}"
    request = RequestFactory().get(url)

    filled = prefill.from_request(request, [person.organization])
    assert filled.initial == {
        "name": "Ana López",
        "email": "ana.lopez@example.org",
        "postcode": "53703",
        "country": "US",
    }
    assert prefill.from_request(request, [other_group.pk, person.organization_id]) is not None
    assert prefill.from_request(request, [other_group]) is None
    assert prefill.from_request(RequestFactory().get("/c/x/join/"), [person.organization]) is None


def test_a_posted_token_counts_and_only_the_persons_own_address_is_proven(person):
    posted = RequestFactory().post("/c/x/join/", {prefill.PARAMETER: prefill.token_for(person)})
    filled = prefill.from_request(posted, [person.organization])

    assert filled.proves("Ana.Lopez@Example.org ")
    assert not filled.proves("someone.else@example.org")
    assert not filled.proves("")


def test_only_known_details_are_filled():
    person = SupporterFactory(name="", postcode="", country="")
    request = RequestFactory().get(f"/?p={prefill.token_for(person)}")
    assert prefill.from_request(request, [person.organization]).initial == {"email": person.email}
