"""An owner adds an endpoint in a real browser, copies its secret, sends a test and reads the
delivery log; screenshots of each page at phone and desktop widths."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tocsin.conftest import ARTIFACTS
from tocsin.webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organizer passphrase"


def shots(page, name: str) -> None:
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"webhooks-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def test_an_owner_adds_an_endpoint_and_reads_its_log(
    live_server, browser_page, owner, receiver, run_tasks
):
    page = browser_page
    base = live_server.url
    page.goto(base + reverse("admin:login"))
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(base + reverse("webhooks:index"))
    expect(page.get_by_text("No endpoints yet.")).to_be_visible()
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Our CRM (Action Builder sync)")
    page.get_by_label("A signature was confirmed").check()
    page.get_by_label("Someone answered for an event").check()
    page.get_by_label("A donation succeeded").check()
    shots(page, "add")
    page.get_by_role("button", name="Save").click()

    endpoint = Endpoint.objects.get()
    expect(page.get_by_label("Signing secret")).to_have_value(endpoint.secret)
    page.get_by_role("button", name="Send a test").click()
    expect(page.get_by_text("A test message is on its way")).to_be_visible()
    receiver.answers = [500]
    run_tasks()
    endpoint.refresh_from_db()
    from tocsin.webhooks import services

    services.ping(endpoint)
    run_tasks()
    page.reload()
    rows = page.locator("table.delivery-log tbody tr")
    expect(rows).to_have_count(2)
    assert sorted(Delivery.objects.values_list("last_response_code", flat=True)) == [200, 500]
    expect(page.get_by_role("button", name="Redeliver")).to_have_count(1)
    shots(page, "log")

    page.goto(base + reverse("webhooks:index"))
    expect(page.get_by_role("link", name=receiver.url)).to_be_visible()
    shots(page, "list")
