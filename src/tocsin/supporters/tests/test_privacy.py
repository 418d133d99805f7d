import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tocsin.campaigns.factories import CampaignFactory
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Gift
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Consent, Supporter
from tocsin.supporters.services import confirm_address

pytestmark = pytest.mark.django_db

# Under 254 characters as typed, over once normalised: the domain's ASCII (IDNA) form is longer.
GROWS_TOO_LONG = "a" * 150 + "@x" + "İ" * 60 + ".com"
TOO_LONG = "a" * 192 + "@x" + "İ" * 60 + ".com"


@pytest.fixture
def campaign():
    return CampaignFactory(status="live")


def join(client, campaign, email: str, **changes):
    return client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": email,
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
            **changes,
        },
    )


def test_a_gmail_address_with_dots_and_a_tag_is_one_supporter_everywhere(client, campaign):
    join(client, campaign, "Ana.Lopez+campaigns@gmail.com")
    join(client, campaign, "analopez@googlemail.com")
    session = SessionFactory(event__campaign=campaign)
    client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {
            "name": "Ana",
            "email": "ANA.LOPEZ+events@gmail.com",
            "postcode": "53703",
            "guests": "0",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    supporter = Supporter.objects.get()
    assert supporter.email == "analopez@gmail.com"
    assert Rsvp.objects.get().email == supporter.email
    assert Consent.objects.count() == 1  # joining again, by any spelling, adds nothing


@pytest.mark.parametrize("email", [TOO_LONG, GROWS_TOO_LONG])
def test_an_address_too_long_to_keep_is_refused_clearly_when_joining_or_answering(
    client, campaign, email
):
    response = join(client, campaign, email)
    assert response.status_code == 400
    assert "too long for us to keep" in response.content.decode()

    session = SessionFactory(event__campaign=campaign)
    response = client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {"name": "Ana", "email": email, "postcode": "53703", "guests": "0"},
    )
    assert response.status_code == 400
    assert "too long for us to keep" in response.content.decode()
    assert not Supporter.objects.exists()
    assert not Rsvp.objects.exists()
    assert not DBTaskResult.objects.exists()


# ---------------------------------------------------------------------------- admin actions


@pytest.fixture
def ana(client, campaign):
    """Ana joined, signed, answered and gave; Bo only joined."""
    join(client, campaign, "ana.lopez@gmail.com")
    join(client, campaign, "bo@example.org", name="Bo")
    for person in Supporter.objects.all():  # both pressed the mail's button
        confirm_address(person, welcome_sent=True)
    petition = PetitionFactory(campaign=campaign)
    Signature.objects.create(
        petition=petition, email="analopez@gmail.com", name="Ana", comment="Stop it"
    )
    session = SessionFactory(event__campaign=campaign)
    Rsvp.objects.create(session=session, email="analopez@gmail.com", name="Ana", status="confirmed")
    fundraiser = FundraiserFactory(organization=campaign.organization)
    GiftFactory(fundraiser=fundraiser, donor_email="analopez@gmail.com", donor_name="Ana")
    return Supporter.objects.get(email="analopez@gmail.com")


def run_action(client, action: str, supporters):
    return client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": action, "_selected_action": [s.pk for s in supporters]},
    )


def test_the_export_action_covers_every_app(client, campaign, ana):
    client.force_login(OrganizerFactory(organizations=[campaign.organization]))
    response = run_action(client, "export_data", [ana])
    assert response.status_code == 200
    [person] = json.loads(response.content)
    assert person["supporters"][0]["email"] == "analopez@gmail.com"
    assert person["petitions"][0]["comment"] == "Stop it"
    assert person["events"][0]["name"] == "Ana"
    assert person["fundraising"][0]["name_given"] == "Ana"


def test_the_erase_action_erases_them_in_every_app_and_no_one_else(client, campaign, ana):
    client.force_login(OrganizerFactory(organizations=[campaign.organization]))
    response = run_action(client, "erase", [ana])
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.email, ana.name, ana.erased_at is not None) == (None, "", True)
    assert Signature.objects.get().email.endswith("@invalid")
    assert Rsvp.objects.get().name == ""
    assert Gift.objects.get().donor_email == ""
    assert Supporter.objects.get(email="bo@example.org").name == "Bo"
    assert Consent.objects.current().get().supporter.name == "Bo"


def test_an_organizer_cannot_export_a_supporter_of_another_group(client, campaign, ana):
    client.force_login(OrganizerFactory())
    response = run_action(client, "export_data", [ana])
    assert json.loads(response.content) == []  # she is not among the people they may see


def test_addresses_stored_before_are_normalised_unless_that_would_merge_two_people():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tocsin.supporters.migrations.0003_normalise_emails")
    group = OrganizationFactory()
    Supporter.objects.create(organization=group, email="ana.lopez@gmail.com", name="Ana")
    Supporter.objects.create(organization=group, email="bo.b+news@gmail.com", name="Bob")
    Supporter.objects.create(organization=group, email="bob@gmail.com", name="Bob again")
    migration.normalise_emails(apps, None)
    assert sorted(Supporter.objects.values_list("email", flat=True)) == [
        "analopez@gmail.com",
        "bo.b+news@gmail.com",  # left alone: bob@gmail.com is someone's already
        "bob@gmail.com",
    ]
