"""Issue 14, findings 2 and 7: a consent given by joining counts only once the address is
confirmed (a button in the welcome mail, pressed: a POST), and the join form has a honeypot
and a per-address rate limit."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core import switches
from tocsin.organizations.factories import OrganizerFactory
from tocsin.supporters import services
from tocsin.supporters.models import Consent, Supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(status="live")


def join(client, campaign, email="ana@example.org", **extra):
    return client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": email,
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
            **extra.pop("data", {}),
        },
        **extra,
    )


def confirm_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"http://testserver(/supporters/confirm/\S+)", body)
    return url


def test_a_consent_given_by_joining_is_pending_until_the_address_is_confirmed(
    client, campaign, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    assert join(client, campaign).status_code == 302
    consent = Consent.objects.get()
    assert consent.confirmed_at is None
    assert consent.wording
    assert consent.given_at
    assert not Consent.objects.current().exists()
    organizer = OrganizerFactory(organizations=[campaign.organization])
    assert not Supporter.objects.for_organizer(organizer).exists()  # not in their list yet

    run_tasks()
    [message] = smtp_server.messages
    url = confirm_link(message)
    assert client.get(url).status_code == 200  # a mail scanner opening the link
    assert not Consent.objects.current().exists()

    response = client.post(url)
    assert response.status_code == 200
    assert "confirmed" in response.content.decode()
    consent.refresh_from_db()
    assert consent.confirmed_at is not None
    assert Consent.objects.current().get() == consent
    assert client.post(url).status_code == 200  # pressed twice: nothing more happens
    assert Consent.objects.count() == 1


def test_a_forged_or_withdrawn_confirmation_confirms_nothing(
    client, campaign, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    join(client, campaign)
    run_tasks()
    url = confirm_link(smtp_server.messages[0])
    forged = url.rstrip("/")[:-3] + "abc/"
    assert client.post(forged).status_code == 400
    assert not Consent.objects.current().exists()

    Consent.objects.update(withdrawn_at=timezone.now())  # unsubscribed before confirming
    client.post(url)
    assert not Consent.objects.current().exists()


def test_joining_again_while_pending_sends_the_confirmation_again_at_most_every_ten_minutes(
    client, campaign
):
    join(client, campaign)
    join(client, campaign)
    assert DBTaskResult.objects.count() == 1
    Consent.objects.update(given_at=timezone.now() - datetime.timedelta(minutes=11))
    join(client, campaign)
    assert DBTaskResult.objects.count() == 2
    assert Consent.objects.count() == 1


def test_unconfirmed_consents_and_the_people_known_only_by_them_are_forgotten(campaign):
    now = timezone.now()
    old = now - datetime.timedelta(days=services.CONFIRM_DAYS + 1)
    services.become_supporter(
        campaign=campaign,
        name="Never confirmed",
        email="never@example.org",
        postcode="",
        consents=[services.ConsentChoice(campaign.organization, "Yes")],
        language="en",
    )
    services.become_supporter(
        campaign=campaign,
        name="Recent",
        email="recent@example.org",
        postcode="",
        consents=[services.ConsentChoice(campaign.organization, "Yes")],
        language="en",
    )
    Consent.objects.filter(supporter__email="never@example.org").update(given_at=old)
    confirmed = Supporter.objects.create(
        organization=campaign.organization, email="confirmed@example.org", name="Confirmed"
    )
    Consent.objects.create(
        supporter=confirmed,
        organization=campaign.organization,
        wording="Yes",
        language="en",
        given_at=old,
        confirmed_at=old,
    )
    assert services.forget_unconfirmed() == 1
    assert set(Supporter.objects.values_list("email", flat=True)) == {
        "recent@example.org",
        "confirmed@example.org",
    }


# ---------------------------------------------------------------------------- anti-automation


def test_a_filled_honeypot_is_refused_and_stores_nothing(client, campaign):
    response = join(client, campaign, data={"website": "https://spam.example/"})
    assert response.status_code == 400
    assert not Supporter.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, campaign):
    page = client.get(reverse("campaigns:join", kwargs={"slug": campaign.slug})).content.decode()
    assert re.search(r'<div class="trap" aria-hidden="true">.*name="website"', page, re.S)


def test_joins_from_one_address_are_limited_per_hour(client, campaign, settings):
    switches.change(joins_per_ip_per_hour=3)
    for n in range(3):
        assert (
            join(client, campaign, f"p{n}@example.org", REMOTE_ADDR="203.0.113.7").status_code
            == 302
        )
    refused = join(client, campaign, "p9@example.org", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 400
    assert "Too many" in refused.content.decode()
    assert not Supporter.objects.filter(email="p9@example.org").exists()
    # Someone else, elsewhere, is not held up.
    assert (
        join(Client(), campaign, "other@example.org", REMOTE_ADDR="198.51.100.1").status_code == 302
    )
    # Bad input does not use up the hour.
    cache.clear()
    for _ in range(5):
        join(client, campaign, "not-an-address", REMOTE_ADDR="203.0.113.8")
    assert join(client, campaign, "p10@example.org", REMOTE_ADDR="203.0.113.8").status_code == 302
