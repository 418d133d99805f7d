"""Issue 16: a gift belongs to a person. The gift form asks for consent like every action
form (carried to the webhook by a GiftIntent, never in a URL or at Stripe); the gift
recorded from Stripe's signed webhook finds or creates the donor's person, goes on their
timeline, stores the page's ?source=, and a consent ticked stays pending until the donor
presses the button in the mail sent to them. Offline gifts: a person and an action only."""

import re

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import PartnershipFactory
from tocsin.fundraising import services
from tocsin.fundraising.models import Gift, GiftIntent
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.supporters.models import Activity, Consent, Supporter

from .conftest import form_value, payload

pytestmark = pytest.mark.django_db


def give(client, fundraiser, query: str = "", **data):
    return client.post(reverse("fundraising:detail", args=[fundraiser.slug]) + query, data)


def completed(fundraiser, intent=None, **changes) -> dict:
    event = payload("checkout_session_completed.json", fundraiser, **changes)
    if intent is not None:
        event["data"]["object"]["metadata"]["intent"] = str(intent.pk)
    return event


def test_the_gift_form_asks_each_organization_for_consent_with_its_wording(
    client, stripe_keys, fundraiser
):
    partner = OrganizationFactory(name="Friends of the Earth")
    PartnershipFactory(campaign=fundraiser.campaign, organization=partner, accepted=True)
    page = client.get(fundraiser.get_absolute_url()).content.decode()
    for organization in (fundraiser.organization, partner):
        assert f'name="consent_{organization.pk}"' in page
        assert f"Yes, {organization.name} may email me" in page
    assert "Who may email you (optional)" in page


def test_ticked_consents_and_the_source_travel_by_an_intent_not_by_url(
    client, fake_stripe, fundraiser
):
    organization = fundraiser.organization
    page = client.get(fundraiser.get_absolute_url() + "?source=Op-Ed<b>").content.decode()
    assert 'name="source" value="op-edb"' in page

    response = give(
        client,
        fundraiser,
        amount="2500",
        source="Op-Ed<b>",
        **{f"consent_{organization.pk}": "on"},
    )

    assert response.status_code == 303
    intent = GiftIntent.objects.get()
    assert intent.source == "op-edb"
    assert intent.page == fundraiser.get_absolute_url()
    [record] = intent.consents
    assert record == {
        "organization": organization.pk,
        "wording": f"Yes, {organization.name} may email me about its campaigns. "
        "I can unsubscribe at any time with one click.",
    }
    [request] = fake_stripe.requests
    assert form_value(request, "metadata[intent]") == str(intent.pk)
    assert form_value(request, "success_url").endswith("/thank-you/?asked=1")
    assert "@" not in str(request["form"])  # nothing about the donor goes to Stripe


def test_a_failed_checkout_keeps_no_intent(client, fake_stripe, fundraiser):
    fake_stripe.fail_with = 500
    assert give(client, fundraiser, amount="2500").status_code == 503
    assert not GiftIntent.objects.exists()


def test_a_paid_gift_with_consent_makes_a_person_whose_consent_waits_for_the_mail(
    client, post_event, fundraiser, smtp_server, run_tasks
):
    organization = fundraiser.organization
    wording = "Yes, they may email me."
    intent = GiftIntent.objects.create(
        fundraiser=fundraiser,
        consents=[{"organization": organization.pk, "wording": wording}],
        language="en",
        page=fundraiser.get_absolute_url(),
        source="newsletter",
    )
    event = completed(fundraiser, intent)
    event["data"]["object"]["customer_details"]["email"] = "Ana.Donor@Example.org"

    assert post_event(event).status_code == 200

    gift = Gift.objects.get()
    person = Supporter.objects.get()
    assert (gift.supporter, gift.source_code) == (person, "newsletter")
    assert (person.organization, person.email, person.name) == (
        organization,
        "ana.donor@example.org",
        "Ana Donor",
    )
    assert (person.source, person.first_page) == ("newsletter", fundraiser.get_absolute_url())
    [activity] = person.activities.all()
    assert (activity.kind, activity.source) == (Activity.Kind.GAVE, "newsletter")
    assert activity.summary == f"Gave £25 · {fundraiser.title}"
    assert (activity.ref_model, activity.ref_id) == ("fundraising.gift", gift.pk)
    consent = Consent.objects.get()
    # A paid checkout proves nothing about who owns the address: pending until confirmed.
    assert consent.confirmed_at is None
    assert person.email_confirmed_at is None
    assert (consent.wording, consent.source, consent.page) == (
        wording,
        "newsletter",
        fundraiser.get_absolute_url(),
    )
    assert not GiftIntent.objects.exists()

    run_tasks()
    [mail] = smtp_server.messages
    assert mail["To"] == "ana.donor@example.org"
    body = mail.get_body(("plain",)).get_content()
    [confirm_path] = re.findall(r"https://act\.example\.org(/supporters/confirm/\S+)", body)
    assert client.post(confirm_path).status_code == 200
    consent.refresh_from_db()
    assert consent.confirmed_at is not None
    assert Supporter.objects.get().email_confirmed_at is not None


def test_a_paid_gift_without_consent_is_an_action_and_nothing_more(
    post_event, fundraiser, smtp_server, run_tasks
):
    intent = GiftIntent.objects.create(fundraiser=fundraiser, consents=[], source="x")
    assert post_event(completed(fundraiser, intent)).status_code == 200
    person = Supporter.objects.get()
    assert person.activities.get().kind == Activity.Kind.GAVE
    assert not Consent.objects.exists()
    run_tasks()
    assert smtp_server.messages == []


def test_a_replayed_payment_records_the_action_once(post_event, fundraiser):
    event = completed(fundraiser)
    post_event(event)
    event["id"] = "evt_resent_0002"
    post_event(event)
    assert Activity.objects.count() == 1


def test_a_gift_without_intent_or_address_is_still_recorded(post_event, fundraiser):
    event = completed(fundraiser)
    event["data"]["object"]["metadata"]["intent"] = "999999"  # forgotten meanwhile
    event["data"]["object"]["customer_details"]["email"] = None
    assert post_event(event).status_code == 200
    assert Gift.objects.get().supporter is None
    assert not Supporter.objects.exists()


def test_each_month_of_a_monthly_gift_goes_on_the_same_person(post_event, fundraiser):
    post_event(payload("checkout_session_completed_monthly.json", fundraiser))
    post_event(payload("invoice_paid_renewal.json", fundraiser))
    person = Supporter.objects.get()
    assert Gift.objects.filter(supporter=person).count() == 2
    summaries = list(person.activities.values_list("summary", flat=True))
    assert len(summaries) == 2
    assert all("monthly" in s for s in summaries)


def test_an_offline_gift_with_an_address_is_a_person_and_an_action_without_consent(
    client, fundraiser
):
    client.force_login(OrganizerFactory(organizations=[fundraiser.organization]))
    response = client.post(
        reverse("admin:fundraising_gift_add"),
        {
            "fundraiser": fundraiser.pk,
            "source": "cheque",
            "amount": "40",
            "donor_name": "Branch 12",
            "donor_email": "Treasurer@Branch12.example.org",
            "reference": "CHQ 1001",
            "note": "",
            "received_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    gift = Gift.objects.get()
    person = gift.supporter
    assert (person.email, person.organization) == (
        "treasurer@branch12.example.org",
        fundraiser.organization,
    )
    activity = person.activities.get()
    assert activity.summary == f"Gave £40 (Cheque) · {fundraiser.title}"
    assert activity.occurred_at.date().isoformat() == "2026-01-05"
    assert not Consent.objects.exists()

    # Corrected by the organizer: the timeline follows; deleted: the action goes.
    gift.amount = 5000
    services.record_offline_gift(gift)
    assert Activity.objects.get().summary.startswith("Gave £50 (Cheque)")
    services.remove_offline_gift(gift)
    assert not Activity.objects.exists()
