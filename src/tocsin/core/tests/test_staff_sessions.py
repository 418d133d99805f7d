"""Issue 14, finding 12: an organizer's back-office session ends after 30 minutes without a
request and, however busy, 8 hours after signing in."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from tocsin.core import staff_sessions
from tocsin.organizations.factories import OrganizerFactory

pytestmark = pytest.mark.django_db

MINUTE = 60


@pytest.fixture
def clock(monkeypatch):
    """Time that the test moves forward."""
    real = time.time
    offset = {"seconds": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + offset["seconds"])

    def forward(minutes):
        offset["seconds"] += minutes * MINUTE

    return forward


@pytest.fixture
def organizer(client):
    client.force_login(OrganizerFactory())
    return client


def signed_in(client) -> bool:
    response = client.get(reverse("admin:index"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_an_idle_session_ends_after_thirty_minutes(organizer, clock):
    assert signed_in(organizer)
    clock(29)
    assert signed_in(organizer)
    clock(29)  # an hour since signing in, but only 29 minutes since the last request
    assert signed_in(organizer)
    clock(31)
    assert not signed_in(organizer)
    # Signed out for good, not just for one request.
    assert not signed_in(organizer)
    assert "_auth_user_id" not in organizer.session


def test_a_busy_session_still_ends_eight_hours_after_signing_in(organizer, clock):
    for _quarter_hour in range(8 * 4 - 1):
        clock(15)
        assert signed_in(organizer)
    clock(16)  # 8 hours and a minute since signing in
    assert not signed_in(organizer)


def test_the_limits_come_from_the_settings(organizer, clock, settings):
    settings.TOCSIN_STAFF_IDLE_MINUTES = 5
    clock(4)
    assert signed_in(organizer)
    clock(6)
    assert not signed_in(organizer)


def test_signed_out_organizers_are_told_why(organizer, clock):
    clock(31)
    page = organizer.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert "Your session has ended" in page.content.decode()


def test_a_session_from_before_the_limits_ends(organizer):
    session = organizer.session
    for key in (staff_sessions.SIGNED_IN_AT, staff_sessions.SEEN_AT):
        del session[key]
    session.save()
    assert not signed_in(organizer)


def test_the_session_cookie_lasts_no_longer_than_the_absolute_limit():
    assert settings.TOCSIN_STAFF_IDLE_MINUTES == 30
    assert settings.TOCSIN_STAFF_SESSION_HOURS == 8
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
