import os
from pathlib import Path

import pytest

from tocsin.conftest import ARTIFACTS
from tocsin.events.demo import load_demo_events
from tocsin.events.models import Rsvp
from tocsin.organizations.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TOCSIN_SHOTS_DIR") or ARTIFACTS)


def shoot(page, name: str) -> None:
    """The page at phone size (as the test runs), and at desktop size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SHOTS / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def test_a_supporter_rsvps_for_the_latin_america_session_on_a_phone(browser_page, live_server):
    organization = OrganizationFactory(name="Labour Friends of Progressive Latin America")
    event = load_demo_events(organization)
    page = browser_page
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    assert "Arise" in page.locator("h1").inner_text()
    assert "London time" in page.content()
    assert "Europe/London time" not in page.content()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "event-page")

    session = page.locator(".session", has_text="Latin America")
    session.get_by_role("link", name="RSVP: I'm coming").click()
    shoot(page, "rsvp-form")
    page.get_by_label("Your name").fill("Rosa Martínez")
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("ZIP or postcode").fill("N1 9GU")
    page.get_by_label("Guests you are bringing").fill("1")
    page.get_by_role("button", name="RSVP").click()

    assert "on the list. See you there!" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "rsvp-done")
    rosa = Rsvp.objects.get(email="rosa@example.org")
    assert (rosa.status, rosa.guests, rosa.session.venue_name) == ("confirmed", 1, "Unite House")
    # The browser told us its zone, so mails can show both times.
    assert rosa.time_zone


def test_a_reader_elsewhere_sees_their_own_time_beside_the_event_s(browser_page, live_server):
    event = load_demo_events(OrganizationFactory(name="LFPLA"))
    context = browser_page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="America/Chicago", locale="en-US"
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{event.get_absolute_url()}")
        rally = page.locator(".session", has_text="Opening rally")
        # 18:30 in London is 12:30 in Chicago, summer or winter.
        assert "Your time:" in rally.inner_text()
        assert "12:30" in rally.locator(".theirs").inner_text()
    finally:
        context.close()
