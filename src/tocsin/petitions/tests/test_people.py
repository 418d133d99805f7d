"""Issue 16: a signature is an action of one person of the campaign's organization. Signing
finds or creates them (and, for a partner ticked, a person of the partner with a pending
consent); confirming makes the signature count, confirms the address and the consents (the
confirmation mail was the welcome) and puts "signed" on their timeline, with the source."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, PartnershipFactory
from tocsin.core.personal_data import erase_person, export_person
from tocsin.organizations.factories import OrganizationFactory
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import started_value
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Activity, Consent, Supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(settings):
    settings.TOCSIN_BASE_URL = "http://testserver"
    return PetitionFactory(campaign=CampaignFactory(status="live", title="Stop the exports"))


def sign(client, petition, *, source: str = "", consent_to=(), **changes):
    url = reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})
    data = {
        "name": "Ana",
        "email": "ana@example.org",
        "postcode": "53703",
        "started": started_value(time.time() - 30),
        **{f"consent_{organization.pk}": "on" for organization in consent_to},
        **changes,
    }
    if source:
        data["source"] = source
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def confirm_path(message) -> str:
    link = re.search(r"https?://\S+/petitions/confirm/\S+/", message.get_content()).group(0)
    return link.removeprefix("http://testserver")


def test_a_signature_with_consent_waits_for_the_confirmation_which_is_the_only_mail(
    client, petition, smtp_server, run_tasks
):
    organization = petition.campaign.organization
    sign(client, petition, source="op-ed", consent_to=[organization])

    person = Supporter.objects.get()
    signature = Signature.objects.get()
    assert (person.organization, person.email, person.source) == (
        organization,
        "ana@example.org",
        "op-ed",
    )
    assert (signature.supporter, signature.source) == (person, "op-ed")
    consent = Consent.objects.get()
    assert (consent.supporter, consent.confirmed_at, consent.source) == (person, None, "op-ed")
    assert consent.wording in client.get(petition_url(petition)).content.decode()
    assert consent.page == petition_url(petition)
    # Not counted yet, so not on the timeline yet, and nobody's supporter yet.
    assert not Activity.objects.exists()
    assert person.email_confirmed_at is None

    run_tasks()
    [confirmation] = smtp_server.messages
    client.post(confirm_path(confirmation))

    consent.refresh_from_db()
    person.refresh_from_db()
    assert consent.confirmed_at is not None
    assert person.email_confirmed_at is not None
    signed = Activity.objects.get(kind=Activity.Kind.SIGNED)
    assert (signed.supporter, signed.campaign, signed.source) == (
        person,
        petition.campaign,
        "op-ed",
    )
    assert signed.summary == f"Signed “{petition.title}”"
    assert (signed.ref_model, signed.ref_id) == ("petitions.signature", signature.pk)
    assert Activity.objects.filter(kind=Activity.Kind.JOINED, supporter=person).count() == 1

    run_tasks()
    assert len(smtp_server.messages) == 1  # the confirmation was the welcome: no second mail

    client.post(confirm_path(confirmation))  # pressed again: nothing more
    assert Activity.objects.count() == 2
    assert Consent.objects.count() == 1


def petition_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})


def test_the_same_address_written_differently_is_one_person(client, petition):
    other = PetitionFactory(
        campaign=CampaignFactory(status="live", organization=petition.campaign.organization)
    )
    sign(client, petition, email="Ana.Lopez@gmail.com")
    sign(Client(), other, email="A.N.A.LOPEZ+petitions@GoogleMail.com")
    person = Supporter.objects.get()
    assert person.email == "analopez@gmail.com"
    assert set(Signature.objects.values_list("supporter", flat=True)) == {person.pk}


def test_without_consent_the_signature_is_an_action_and_nothing_more(
    client, petition, smtp_server, run_tasks
):
    sign(client, petition, source="newsletter")
    run_tasks()
    [confirmation] = smtp_server.messages
    client.post(confirm_path(confirmation))

    person = Supporter.objects.get()
    assert person.email_confirmed_at is not None
    assert not Consent.objects.exists()
    [signed] = Activity.objects.all()
    assert (signed.kind, signed.supporter, signed.source) == ("signed", person, "newsletter")
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_partner_gets_a_person_only_with_its_consent(client, petition, smtp_server, run_tasks):
    partner = OrganizationFactory(name="Partner")
    bystander = OrganizationFactory(name="Bystander")
    PartnershipFactory(campaign=petition.campaign, organization=partner, accepted=True)
    PartnershipFactory(campaign=petition.campaign, organization=bystander, accepted=True)
    services.forget_public_petition(petition.campaign.slug)
    sign(client, petition, consent_to=[partner])

    ours, theirs = (
        Supporter.objects.get(organization=petition.campaign.organization),
        Supporter.objects.get(organization=partner),
    )
    assert not Supporter.objects.filter(organization=bystander).exists()
    assert Signature.objects.get().supporter == ours
    assert Consent.objects.get().supporter == theirs

    run_tasks()
    [confirmation] = smtp_server.messages
    assert "Partner may email you" in confirmation.get_content()
    client.post(confirm_path(confirmation))

    assert Consent.objects.current().get().organization == partner
    assert Activity.objects.get(kind="signed").supporter == ours
    assert Activity.objects.get(kind="joined").supporter == theirs
    theirs.refresh_from_db()
    assert theirs.email_confirmed_at is not None
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_consent_withdrawn_from_the_mail_before_confirming_stays_withdrawn(
    client, petition, smtp_server, run_tasks
):
    organization = petition.campaign.organization
    sign(client, petition, consent_to=[organization])
    run_tasks()
    [confirmation] = smtp_server.messages
    unsubscribe = confirmation["List-Unsubscribe"].strip().strip("<>")
    unsubscribe = unsubscribe.removeprefix("http://testserver")
    Client().post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert Consent.objects.get().withdrawn_at is not None
    # The worker forgets pending consents after a week; confirming later must not revive one.
    Consent.objects.filter(withdrawn_at__isnull=True).delete()

    client.post(confirm_path(confirmation))
    assert not Consent.objects.open().exists()
    assert Activity.objects.filter(kind="signed").exists()


def test_a_consent_forgotten_while_waiting_is_given_again_at_confirmation(
    client, petition, smtp_server, run_tasks
):
    organization = petition.campaign.organization
    sign(client, petition, consent_to=[organization])
    wording = Consent.objects.get().wording
    Consent.objects.all().delete()  # what forget_unconfirmed does after CONFIRM_DAYS
    Supporter.objects.all().delete()
    run_tasks()
    [confirmation] = smtp_server.messages
    client.post(confirm_path(confirmation))

    consent = Consent.objects.current().get()
    assert (consent.organization, consent.wording) == (organization, wording)
    assert Signature.objects.get().supporter == consent.supporter


def test_the_source_is_cleaned_carried_through_the_form_and_stored(client, petition):
    page = client.get(petition_url(petition) + "?source=Op-Ed%20<b>2024</b>")
    assert 'name="source" value="op-edb2024b"' in page.content.decode()
    sign(client, petition, source="Op-Ed <b>2024</b>;DROP")
    assert Signature.objects.get().source == "op-edb2024bdrop"
    assert Supporter.objects.get().source == "op-edb2024bdrop"


def test_signing_again_changes_nothing_about_the_person(client, petition):
    organization = petition.campaign.organization
    sign(client, petition, name="Ana", source="first")
    sign(Client(), petition, name="Someone Else", source="second", consent_to=[organization])
    person = Supporter.objects.get()
    assert (person.name, person.source) == ("Ana", "first")
    assert not Consent.objects.exists()
    assert Signature.objects.get().source == "first"


def test_export_and_erasure_cover_the_person_and_the_signature(
    client, petition, smtp_server, run_tasks
):
    sign(client, petition, source="op-ed", consent_to=[petition.campaign.organization])
    run_tasks()
    client.post(confirm_path(smtp_server.messages[0]))

    exported = export_person("ana@example.org")
    assert exported["petitions"][0]["source"] == "op-ed"
    [person] = exported["supporters"]
    assert sorted(a["action"] for a in person["actions"]) == ["joined", "signed"]

    erase_person("ana@example.org")
    signature = Signature.objects.get()
    person = Supporter.objects.get()
    assert signature.email.endswith("@invalid")
    assert signature.name == ""
    assert (person.email, person.erased_at is not None) == (None, True)
    assert services.public_count(petition).confirmed == 1  # the count stays
