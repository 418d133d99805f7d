import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.campaigns.factories import CampaignFactory, PartnershipFactory
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.models import Consent, Supporter
from tocsin.supporters.services import unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(status="live", organization=OrganizationFactory(name="SOA Watch"))
    PartnershipFactory(
        campaign=campaign,
        organization=OrganizationFactory(name="Honduras Solidarity Network"),
        accepted=True,
    )
    return campaign


def join_url(campaign):
    return reverse("campaigns:join", kwargs={"slug": campaign.slug})


def consent_key(organization):
    return f"consent_{organization.pk}"


def test_joining_records_each_ticked_consent_with_its_wording_and_time(client, campaign):
    partner = campaign.accepted_partners().get()
    response = client.post(
        join_url(campaign),
        {
            "name": "Ana López",
            "email": "Ana@Example.org",
            "postcode": "53703",
            consent_key(campaign.organization): "on",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert supporter.email == "ana@example.org"
    assert supporter.language == "es"
    consent = Consent.objects.get()
    assert consent.organization == campaign.organization
    assert "SOA Watch" in consent.wording
    assert consent.language == "es"
    assert consent.given_at is not None
    assert consent.withdrawn_at is None
    assert consent.campaign == campaign
    assert not Consent.objects.filter(organization=partner).exists()
    assert DBTaskResult.objects.filter(task_path__endswith="send_welcome_mail").count() == 1


def test_a_repeated_submission_adds_no_consent_and_no_mail(client, campaign):
    data = {
        "name": "Ana",
        "email": "ana@example.org",
        "postcode": "53703",
        consent_key(campaign.organization): "on",
    }
    client.post(join_url(campaign), data)
    client.post(join_url(campaign), data | {"name": "Someone Else", "email": "ANA@example.org"})
    assert Supporter.objects.get().name == "Ana"
    assert Consent.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "x" * 10_000}, "too long"),
        ({"name": "https://spam.example/buy"}, "not a web address"),
        ({"name": "<script>alert(1)</script>"}, "not a web address"),
        ({"name": "\x00\x07"}, "tell us your name"),
        ({"email": "not-an-email"}, "does not look like an email"),
        ({"email": ""}, "enter your email"),
        ({"postcode": "<>"}, "ZIP code like 53703"),
        ({"consent": None}, "Tick at least one group"),
    ],
)
def test_bad_input_is_refused_clearly_and_saves_nothing(client, campaign, changes, message):
    data = {
        "name": "Ana",
        "email": "ana@example.org",
        "postcode": "53703",
        consent_key(campaign.organization): "on",
    }
    if "consent" in changes:
        del data[consent_key(campaign.organization)]
    else:
        data |= changes
    response = client.post(join_url(campaign), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Supporter.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_post_without_csrf_token_is_refused_with_an_explanation(campaign):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        join_url(campaign),
        {"name": "Ana", "email": "a@example.org", "postcode": "53703"},
    )
    assert response.status_code == 403
    assert "nothing was sent" in response.content.decode()
    assert not Supporter.objects.exists()


def test_unsubscribe_link_only_withdraws_on_post(client, campaign):
    client.post(
        join_url(campaign),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            consent_key(campaign.organization): "on",
        },
    )
    supporter = Supporter.objects.get()
    url = unsubscribe_path(supporter, [campaign.organization])

    page = client.get(url)  # what a link-scanning mail filter does
    assert page.status_code == 200
    assert Consent.objects.open().count() == 1

    done = client.post(url)
    assert done.status_code == 200
    assert Consent.objects.open().count() == 0
    assert Consent.objects.get().withdrawn_at is not None

    again = client.post(url)  # replayed: still fine, nothing more changes
    assert again.status_code == 200
    assert Consent.objects.count() == 1


def test_a_forged_unsubscribe_token_changes_nothing(client, campaign):
    client.post(
        join_url(campaign),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            consent_key(campaign.organization): "on",
        },
    )
    supporter = Supporter.objects.get()
    url = unsubscribe_path(supporter, [campaign.organization])
    forged = url.rstrip("/")[:-3] + "abc/"
    response = client.post(forged)
    assert response.status_code == 400
    assert Consent.objects.open().count() == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=300),
    email=st.text(max_size=300),
    postcode=st.text(max_size=30),
    consent=st.sampled_from(["on", "", "\x00", "1" * 50]),
)
def test_any_text_in_the_join_form_is_answered_without_an_error_page(
    client, campaign, name, email, postcode, consent
):
    before = (Supporter.objects.count(), Consent.objects.count())
    response = client.post(
        join_url(campaign),
        {
            "name": name,
            "email": email,
            "postcode": postcode,
            consent_key(campaign.organization): consent,
        },
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (Supporter.objects.count(), Consent.objects.count()) == before
