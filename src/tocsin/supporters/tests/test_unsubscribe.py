"""Issue 14, finding 8: every mail that follows a consent carries a one-click unsubscribe
(RFC 8058 headers and a visible link), which withdraws the consent however the address was
spelt; opening the link changes nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.personal_data import export_person
from tocsin.dashboard import exports
from tocsin.events.factories import SessionFactory
from tocsin.petitions import forms as petition_forms
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(settings):
    settings.TOCSIN_BASE_URL = "http://testserver"
    campaign = CampaignFactory(status="live")
    PetitionFactory(campaign=campaign)
    return campaign


def sign(client, monkeypatch, campaign, email: str, consent: bool = True) -> None:
    monkeypatch.setattr(petition_forms, "MIN_FILL_SECONDS", 0)
    data = {
        "name": "Ana",
        "email": email,
        "postcode": "53703",
        "started": petition_forms.started_value(),
    }
    if consent:
        data[f"consent_{campaign.organization.pk}"] = "on"
    response = client.post(reverse("petitions:sign", kwargs={"slug": campaign.slug}), data)
    assert response.status_code == 302


def one_click(message) -> str:
    """The header's address, checked to be the link shown in the mail too."""
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("http://testserver/supporters/unsubscribe/")
    assert url in message.get_body(("plain",)).get_content()
    return url.removeprefix("http://testserver")


def post_like_a_mail_client(url: str):
    """RFC 8058: a POST with the one-click body, no cookie and no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_a_petition_mail_after_a_consent_unsubscribes_in_one_click_under_any_spelling(
    client, campaign, monkeypatch, smtp_server, run_tasks
):
    sign(client, monkeypatch, campaign, "Ana.Lopez+petition@gmail.com")
    run_tasks()
    [message] = smtp_server.messages
    url = one_click(message)
    Signature.objects.update(confirmed_at=timezone.now())

    assert client.get(url).status_code == 200  # a scanner opening it withdraws nothing
    [signature] = export_person("analopez@gmail.com")["petitions"]
    assert signature["consents"][0]["withdrawn"] is False

    assert post_like_a_mail_client(url).status_code == 200
    [signature] = export_person("ANALOPEZ@googlemail.com")["petitions"]
    assert signature["consents"][0]["withdrawn"] is True
    # The organizers' list no longer names her.
    _header, lines = exports.signatures(campaign)
    [row] = list(lines)
    assert "Ana" not in row
    assert "analopez@gmail.com" not in row


def test_a_petition_mail_without_a_consent_has_no_unsubscribe(
    client, campaign, monkeypatch, smtp_server, run_tasks
):
    sign(client, monkeypatch, campaign, "bo@example.org", consent=False)
    run_tasks()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe"] is None


def test_unsubscribing_from_a_petition_mail_withdraws_a_consent_given_by_joining_too(
    client, campaign, monkeypatch, smtp_server, run_tasks
):
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": "analopez@gmail.com",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    Consent.objects.update(confirmed_at=timezone.now())
    sign(client, monkeypatch, campaign, "a.n.a.lopez+x@gmail.com")
    run_tasks()
    petition_mail = next(m for m in smtp_server.messages if "signature" in m["Subject"])
    post_like_a_mail_client(one_click(petition_mail))
    assert not Consent.objects.current().exists()


def test_an_rsvp_mail_after_a_consent_unsubscribes_in_one_click(
    client, campaign, smtp_server, run_tasks
):
    session = SessionFactory(event__campaign=campaign)
    organization = campaign.organization
    client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            "guests": "0",
            f"consent_{organization.pk}": "on",
        },
    )
    client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {"name": "Bo", "email": "bo@example.org", "postcode": "53703", "guests": "0"},
    )
    run_tasks()
    rsvp_mails = {m["To"]: m for m in smtp_server.messages if "coming" in m["Subject"]}
    assert rsvp_mails["bo@example.org"]["List-Unsubscribe"] is None
    url = one_click(rsvp_mails["ana@example.org"])
    assert post_like_a_mail_client(url).status_code == 200
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()


def test_the_welcome_mail_unsubscribes_in_one_click_before_and_after_confirming(
    client, campaign, smtp_server, run_tasks
):
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    run_tasks()
    [message] = smtp_server.messages
    url = one_click(message)
    body = message.get_body(("plain",)).get_content()
    [confirm] = re.findall(r"http://testserver(/supporters/confirm/\S+)", body)
    client.post(confirm)
    assert Consent.objects.current().exists()
    assert post_like_a_mail_client(url).status_code == 200
    assert not Consent.objects.current().exists()
    # A confirmation pressed after unsubscribing brings nothing back.
    client.post(confirm)
    assert not Consent.objects.current().exists()


def test_links_mailed_before_they_named_their_kind_still_unsubscribe(client, campaign):
    from django.core import signing

    from tocsin.supporters.factories import ConsentFactory
    from tocsin.supporters.services import UNSUBSCRIBE_SALT

    consent = ConsentFactory(organization=campaign.organization)
    token = signing.dumps(
        {"s": consent.supporter.pk, "o": [campaign.organization.pk]},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )
    assert (
        post_like_a_mail_client(reverse("supporters:unsubscribe", args=[token])).status_code == 200
    )
    assert not Consent.objects.current().exists()
