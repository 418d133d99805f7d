"""SignatureInput (the fast read of a signature) accepts exactly what SignForm accepts."""

import time

import pytest
from django.core import signing
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tocsin.organizations.factories import OrganizationFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import STARTED_SALT, SignatureInput, SignForm, started_token

pytestmark = pytest.mark.django_db

nasty = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
)  # fmt: skip
texts = st.one_of(
    st.sampled_from(
        ["", " ", "Ana", "  Ana  ", "http://x.example/", "www.spam", "a<b", "Ana\x00Núñez",
         "a" * 200, "a" * 201, "\u200b", "53703", " sw1a 1aa ", "SW1A-1AA", "5370", "1" * 13,
         "us", "US", "XX", "gb ", "u", "ana@example.org", " ana@example.org ", "ana@", "@x.org",
         "ana@localhost", "a@b.c\x00", "x" * 250 + "@example.org", "0", "false", "True", "on"]
    ),
    nasty,
)  # fmt: skip
VALID = {"name": "Ana", "email": "ana@example.org", "postcode": "53703", "country": "us"}
started_values = st.sampled_from(["", "garbage", "fresh", "early", "legacy"])


def started_value(kind: str) -> str:
    if kind == "fresh":
        return started_token(time.time() - 30)
    if kind == "early":
        return started_token()
    if kind == "legacy":
        return signing.dumps(time.time() - 30, salt=STARTED_SALT)
    return kind


@pytest.fixture
def petitions():
    """Each combination of what the organizer asks for, with a partner's consent box too."""
    made = []
    for ask_postcode in (True, False):
        for ask_country in (True, False):
            petition = PetitionFactory(ask_postcode=ask_postcode, ask_country=ask_country)
            petition.campaign.partners.add(OrganizationFactory(name="Partner Group"))
            organizations = [petition.campaign.organization, *petition.campaign.partners.all()]
            made.append((petition, organizations))
    return made


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.integers(0, 3),
    values=st.fixed_dictionaries(
        {},
        optional={
            "name": texts, "email": texts, "postcode": texts, "country": texts,
            "comment": st.one_of(texts, st.just("c" * 501)), "website": texts,
            "consent_first": texts, "consent_second": texts,
        },
    ),
    started=started_values,
)  # fmt: skip
@example(which=0, values=VALID | {"consent_first": "0", "consent_second": "false"},
         started="fresh")  # fmt: skip
@example(which=0, values=VALID | {"name": "a" * 200, "comment": "c" * 500}, started="fresh")
@example(which=0, values=VALID | {"name": "a" * 201}, started="fresh")
@example(which=0, values=VALID | {"comment": "c" * 501}, started="fresh")
@example(which=0, values=VALID | {"postcode": "A" * 12}, started="fresh")
@example(which=0, values=VALID | {"email": "x" * 243 + "@example.org"}, started="early")
@example(which=3, values=VALID | {"postcode": "", "country": ""}, started="garbage")
def test_the_fast_read_agrees_with_the_form(petitions, which, values, started):
    petition, organizations = petitions[which]
    data = {
        key.replace("first", str(organizations[0].pk)).replace(
            "second", str(organizations[1].pk)
        ): value
        for key, value in values.items()
    } | {"started": started_value(started)}  # fmt: skip

    form = SignForm(data, organizations=organizations, petition=petition)
    submitted = SignatureInput.parse(data, petition=petition, organizations=organizations)

    assert (submitted is not None) == form.is_valid(), form.errors
    if submitted is not None:
        for name in ("name", "email", "postcode", "country", "comment"):
            assert getattr(submitted, name) == form.cleaned_data[name], name
        assert submitted.consents == tuple(form.chosen_consents())
        assert submitted.looks_automated == form.looks_automated
