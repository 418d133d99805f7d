import datetime

import pytest
from django.utils import timezone

from tocsin.events.factories import EventFactory, SessionFactory
from tocsin.events.models import Session

pytestmark = pytest.mark.django_db


def test_the_event_page_shows_times_in_the_event_zone_with_its_name_and_a_map(client):
    event = EventFactory(time_zone="Europe/London")
    start = datetime.datetime(2030, 7, 26, 17, 30, tzinfo=datetime.UTC)
    SessionFactory(
        event=event,
        title="Opening rally",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2, minutes=30),
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Friday 26 July 2030, 18:30" in page
    assert "21:00" in page
    assert "London time (BST)" in page
    assert "Europe/London time" not in page
    assert "https://www.openstreetmap.org/search?query=Student+Central%2C+Malet+Street" in page
    assert "RSVP: I&#x27;m coming" in page or "RSVP: I'm coming" in page


def test_a_full_session_offers_the_waitlist_and_a_past_one_no_button(client):
    event = EventFactory()
    full = SessionFactory(event=event, capacity=1)
    Session.objects.filter(pk=full.pk).update(seats_taken=1)
    SessionFactory(
        event=event,
        title="Yesterday",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(hours=20),
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Join the waitlist" in page
    assert "This session has started or is over." in page


def test_the_campaign_page_lists_upcoming_events_with_an_rsvp_button(client):
    event = EventFactory()
    SessionFactory(event=event, title="Talks at Unite House")
    past = EventFactory(campaign=event.campaign, title="Last year's meeting")
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    SessionFactory(
        event=past, starts_at=two_days_ago, ends_at=two_days_ago + datetime.timedelta(hours=1)
    )
    page = client.get(event.campaign.get_absolute_url()).content.decode()
    assert event.title in page
    assert "Talks at Unite House" in page
    assert f'href="{event.get_absolute_url()}"' in page
    assert "Last year" not in page


def test_saving_an_edited_session_never_writes_back_a_stale_seat_count():
    session = SessionFactory(capacity=10)
    stale = Session.objects.get(pk=session.pk)
    Session.objects.filter(pk=session.pk).update(seats_taken=4)  # answers came in meanwhile
    stale.capacity = 12
    stale.save()
    fresh = Session.objects.get(pk=session.pk)
    assert (fresh.capacity, fresh.seats_taken) == (12, 4)
