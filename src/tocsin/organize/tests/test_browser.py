import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tocsin.campaigns.models import Campaign
from tocsin.conftest import ARTIFACTS
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(page, name: str) -> None:
    for width, height, size in ((1280, 900, "desktop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"organize-{name}-{size}.png", full_page=True)


def test_an_organizer_builds_a_call_campaign_at_phone_width_and_publishes(
    browser_page, live_server
):
    organization = OrganizationFactory(name="SOA Watch")
    organizer = OrganizerFactory(organizations=[organization])
    page = browser_page
    page.goto(live_server.url + reverse("organize:home"))
    page.get_by_label("Username").fill(organizer.username)
    page.get_by_label("Password").fill("a long organizer passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/organize/")
    _shots(page, "home-empty")

    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Title").fill("Senator Baldwin: don't recognise the stolen election")
    page.get_by_label("What it asks").fill("Ask Senator Baldwin to reject the declared result.")
    page.get_by_label("Demands").fill("1. Do not recognise the result.\n2. Cut off all aid.")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Deadline").fill(deadline.isoformat())
    _shots(page, "basics")
    page.get_by_role("button", name="Save and add actions").click()
    expect(page.get_by_role("heading", name="2. Whom to ask, and the actions")).to_be_visible()

    page.get_by_text("Add a custom target").click()
    page.get_by_label("Name").fill("Honduras Desk")
    page.get_by_label("Title or department").fill("US Department of State")
    page.get_by_label("Office phone").fill("202-736-7660")
    page.get_by_role("button", name="Add this target").click()
    expect(page.locator(".target-list")).to_contain_text("Honduras Desk")

    call = page.locator("section[aria-labelledby=h-call]")
    call.get_by_label("Title").fill("Call the State Department")
    call.get_by_label("Script").fill("Hello, please tell {name} not to recognise the result.")
    call.get_by_label("Post to share").fill("I called the State Department. #Honduras")
    _shots(page, "actions")
    call.get_by_role("button", name="Save the call").click()
    expect(page.locator("#h-call")).to_contain_text("added")

    page.get_by_role("link", name="Next: preview and checklist").click()
    expect(page.locator("p[data-checklist]")).to_have_text(
        "Nothing missing: it is ready to publish."
    )
    _shots(page, "preview")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/organize/")
    campaign = Campaign.objects.get(organization=organization)
    assert campaign.status == Campaign.Status.LIVE
    expect(page.locator(f"[data-campaign='{campaign.pk}']")).to_contain_text("Live")
    _shots(page, "home")

    page.goto(live_server.url + reverse("admin:index"))
    expect(page.locator("#organize-home-link")).to_be_visible()
    _shots(page, "admin-index")
