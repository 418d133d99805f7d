"""Finding 6 of issue 15 in a real browser on a phone: an empty petition sent back puts the
keyboard focus on the error summary, and its links lead to the fields."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tocsin.conftest import ARTIFACTS
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_petition_sent_on_a_phone_focuses_the_error_summary(browser_page, live_server):
    petition = PetitionFactory()
    page = browser_page
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(live_server.url + reverse("petitions:sign", args=[petition.campaign.slug]))
    page.get_by_role("button", name="Sign").click()
    page.wait_for_load_state("load")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.screenshot(path=ARTIFACTS / "petition-errors-phone.png", full_page=False)

    summary.get_by_role("link", name="Email").click()
    expect(page.locator("#id_email")).to_be_focused()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert not Signature.objects.exists()
