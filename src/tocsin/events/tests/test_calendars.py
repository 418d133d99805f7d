import datetime

import icalendar
import pytest
from django.urls import reverse

from tocsin.campaigns.models import Campaign
from tocsin.events.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db

CHICAGO_EVENING = datetime.datetime(2030, 3, 15, 23, 0, tzinfo=datetime.UTC)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_campaign_feed_parses_with_uid_dtstamp_and_vtimezone(client):
    event = EventFactory(time_zone="America/Chicago")
    first = SessionFactory(
        event=event,
        starts_at=CHICAGO_EVENING,
        ends_at=CHICAGO_EVENING + datetime.timedelta(hours=2),
    )
    SessionFactory(
        event=event,
        starts_at=CHICAGO_EVENING + datetime.timedelta(days=1),
        ends_at=CHICAGO_EVENING + datetime.timedelta(days=1, hours=3),
    )
    SessionFactory(event__is_published=False, event__campaign=event.campaign)  # a draft

    calendar = parse(client.get(reverse("events:campaign-feed", args=[event.campaign.slug])))
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 2
    uids = {str(v["UID"]) for v in vevents}
    assert len(uids) == 2
    assert f"tocsin-session-{first.pk}@" in "".join(uids)
    for vevent in vevents:
        assert "DTSTAMP" in vevent
        assert vevent["DTSTART"].params["TZID"] == "America/Chicago"
        assert vevent["DTEND"].params["TZID"] == "America/Chicago"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"
    start = min(v["DTSTART"].dt for v in vevents)
    assert start == CHICAGO_EVENING
    assert (start.hour, start.minute) == (18, 0)  # 6 pm in Chicago, daylight time


def test_the_organization_feed_has_every_public_event_of_the_group(client):
    event = EventFactory()
    SessionFactory(event=event)
    SessionFactory(event__organization=event.organization, event__campaign=None)
    SessionFactory()  # another group's
    calendar = parse(
        client.get(reverse("events:organization-feed", args=[event.organization.slug]))
    )
    assert len(calendar.walk("VEVENT")) == 2
    assert calendar.walk("VTIMEZONE")


def test_a_draft_campaign_has_no_public_feed(client):
    event = EventFactory(campaign__status=Campaign.Status.DRAFT)
    SessionFactory(event=event)
    url = reverse("events:campaign-feed", args=[event.campaign.slug])
    assert client.get(url).status_code == 404


def test_one_session_downloads_as_its_own_ics(client):
    session = SessionFactory()
    response = client.get(reverse("events:session-calendar", args=[session.event.slug, session.pk]))
    [vevent] = parse(response).walk("VEVENT")
    assert str(vevent["LOCATION"]).startswith("Student Central")
    assert str(vevent["SUMMARY"]) == f"{session.event.title}: {session.title}"
