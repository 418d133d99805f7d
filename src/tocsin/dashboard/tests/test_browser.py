import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tocsin.conftest import ARTIFACTS
from tocsin.dashboard.tests.conftest import Scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_reads_the_dashboard_and_the_map(browser_page, live_server, congress_data):
    scenario = Scenario()
    scenario.refresh()
    page = browser_page
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(scenario.organizer.username)
    page.get_by_label("Password").fill("a long organizer passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    change = reverse("admin:campaigns_campaign_change", args=[scenario.campaign.pk])
    page.goto(live_server.url + change)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save the river")
    expect(page.locator("[data-total=call]")).to_have_text(str(len(scenario.counted_calls())))
    expect(page.locator("[data-total=signature]")).to_have_text(
        str(len(scenario.counted_signatures()))
    )
    expect(page.locator("[data-total=rsvp]")).to_have_text(str(len(scenario.counted_rsvps())))
    expect(page.locator("[data-total=gift]")).to_have_text(str(len(scenario.gifts)))
    expect(page.get_by_role("img", name="Signatures by day")).to_be_visible()
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"dashboard-{name}.png", full_page=True)

    page.get_by_role("link", name="Map of signatures, calls and letters").click()
    wi2 = sum(1 for s in scenario.counted_signatures() if s.district == "WI-2")
    expect(page.locator("#place-table tr[data-place='WI-2'] td")).to_have_text(str(wi2))
    expect(page.get_by_role("img", name="Signatures by congressional district")).to_be_visible()
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"dashboard-map-{name}.png", full_page=True)
    page.get_by_role("link", name="Calls").click()
    page.get_by_role("link", name="By state").click()
    wisconsin = sum(1 for c in scenario.counted_calls() if c.place.startswith("WI"))
    expect(page.locator("#place-table tr[data-place='WI'] td")).to_have_text(str(wisconsin))
