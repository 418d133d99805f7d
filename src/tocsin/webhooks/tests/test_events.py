"""Each kind of event, sent by its own app's service, becomes a delivery with the resource in
its OSDI shape, for the endpoints of that organization that chose it, and no others."""

import pytest

from tocsin.calls.factories import CallReportFactory
from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.signals import EVENTS, happened
from tocsin.events import services as events
from tocsin.events.factories import EventFactory, RsvpFactory, SessionFactory
from tocsin.fundraising import services as fundraising
from tocsin.fundraising.factories import FundraiserFactory
from tocsin.fundraising.models import Gift
from tocsin.supporters import services as supporters
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def listening(ours):
    """An endpoint of ours that chose every event, and one that chose none of them."""
    Endpoint.objects.create(organization=ours, url="https://93.184.215.14/none", events=[])
    return Endpoint.objects.create(
        organization=ours, url="https://93.184.215.14/all", events=list(EVENTS)
    )


def sent(event: str) -> list[dict]:
    rows = Delivery.objects.filter(event=event)
    assert {d.endpoint.url for d in rows} <= {"https://93.184.215.14/all"}
    return [d.payload for d in rows]


def test_joining_and_unsubscribing(ours, listening):
    person = SupporterFactory(organization=ours, email="rosa@example.net", name="Rosa Parra")
    ConsentFactory(supporter=person, confirmed_at=None)
    supporters.confirm_address(person)
    supporters.confirm_address(person)  # nothing left to confirm: no second event
    [joined] = sent("person.joined")
    assert joined["type"] == "person.joined"
    osdi_person = joined["data"]["osdi:person"]
    assert osdi_person["identifiers"] == [f"tocsin:{person.pk}"]
    assert osdi_person["family_name"] == "Parra"
    request = supporters.UnsubscribeRequest("rosa@example.net", (ours.pk,))
    assert supporters.withdraw_consents(request) == 1
    assert supporters.withdraw_consents(request) == 0
    [left] = sent("person.unsubscribed")
    assert left["data"]["osdi:person"]["identifiers"] == [f"tocsin:{person.pk}"]


def test_answers_for_an_event_and_their_cancellation(ours, listening):
    session = SessionFactory(event=EventFactory(campaign=CampaignFactory(organization=ours)))
    person = SupporterFactory(organization=ours)
    answer = RsvpFactory(session=session, supporter=person, email=person.email)
    happened.send(None, organization=ours, event="rsvp.made", instance=answer)
    assert events.cancel(answer)
    [made] = sent("rsvp.made")
    [cancelled] = sent("rsvp.cancelled")
    assert made["data"]["osdi:attendance"]["identifiers"] == [f"tocsin:{answer.pk}"]
    assert cancelled["data"]["osdi:attendance"]["status"] == "declined"
    assert cancelled["data"]["person"]["identifiers"] == [f"tocsin:{person.pk}"]


def test_a_gift_and_its_refund(ours, listening):
    fundraiser = FundraiserFactory(campaign=CampaignFactory(organization=ours))
    gift = fundraising.record_offline_gift(
        Gift(
            fundraiser=fundraiser,
            source=Gift.Source.CASH,
            amount=2_500,
            donor_name="Ana Donor",
            donor_email="ana.donor@example.org",
        )
    )
    gift.donor_name = "Ana M. Donor"  # an organizer corrects the name: not a second gift
    fundraising.record_offline_gift(gift)
    [given] = sent("donation.succeeded")
    assert given["data"]["osdi:donation"]["amount"] == "25.00"
    assert given["data"]["person"]["email_addresses"][0]["address"] == "ana.donor@example.org"
    Gift.objects.filter(pk=gift.pk).update(stripe_payment_id="pi_123")
    fundraising.record_refund(
        payment_id="pi_123", invoice_id="", refunded_total=1_000, currency_code=gift.currency
    )
    fundraising.record_refund(  # the same report again refunds nothing more
        payment_id="pi_123", invoice_id="", refunded_total=1_000, currency_code=gift.currency
    )
    [refunded] = sent("donation.refunded")
    assert refunded["data"]["osdi:donation"]["amount"] == "15.00"
    digest = Delivery.objects.filter(event="donation.refunded").get().person_digest
    assert digest
    assert "ana.donor" not in digest


def test_an_anonymous_call_report(ours, listening):
    report = CallReportFactory(action__campaign=CampaignFactory(organization=ours))
    happened.send(None, organization=ours, event="call.reported", instance=report)
    [call] = sent("call.reported")
    outreach = call["data"]["osdi:outreach"]
    assert outreach["type"] == "phone"
    assert "person" not in call["data"]
    assert Delivery.objects.get(event="call.reported").person_digest == ""


def test_another_organizations_events_reach_none_of_our_endpoints(ours, listening):
    theirs = SupporterFactory()
    ConsentFactory(supporter=theirs, confirmed_at=None)
    supporters.confirm_address(theirs)
    assert not Delivery.objects.exists()


def test_a_fault_building_the_payload_never_loses_the_action(ours, listening, monkeypatch):
    from tocsin.petitions import services as petitions
    from tocsin.petitions.factories import PetitionFactory
    from tocsin.petitions.models import Signature
    from tocsin.webhooks import services

    def broken(row):
        raise KeyError("a representation with a bug")

    monkeypatch.setitem(services.RESOURCES, "signature", ("osdi:signature", broken))
    petition = PetitionFactory(campaign=CampaignFactory(organization=ours))
    result = petitions.sign(
        petition,
        name="Ana",
        email="ana@example.org",
        postcode="",
        country="",
        comment="",
        consents=[],
        language="en",
        address_proven=True,
    )
    assert result.outcome == petitions.SignOutcome.CONFIRMED
    assert Signature.objects.get().confirmed_at is not None
    assert not Delivery.objects.filter(event="signature.confirmed").exists()
