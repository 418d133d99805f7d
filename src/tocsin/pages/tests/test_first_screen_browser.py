import pytest

from tocsin.campaigns.models import Campaign
from tocsin.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_demo_campaign_shows_its_ask_and_primary_action_on_the_first_phone_screen(
    browser_page, demo_site
):
    page = browser_page
    slugs = list(Campaign.objects.live().values_list("slug", flat=True))
    assert len(slugs) >= 3
    for slug in slugs:
        page.goto(f"{demo_site}/c/{slug}/")
        assert page.viewport_size == {"width": 390, "height": 844}
        headline = page.locator("h1")
        assert headline.is_visible()
        assert headline.bounding_box()["y"] >= 0
        ask = page.locator(".primary-action .ask").first
        button = page.locator(".primary-action .button").first
        assert ask.is_visible()
        assert button.is_visible()
        box = button.bounding_box()
        assert box["y"] + box["height"] <= 844, f"{slug}: primary action ends at {box}"
        page.screenshot(path=ARTIFACTS / f"first-screen-{slug}.png")
