import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tocsin.conftest import ARTIFACTS
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_solves_the_challenge_and_the_signature_is_not_held(
    browser_page, live_server, settings, monkeypatch
):
    settings.TOCSIN_ALTCHA_MAX_NUMBER = 20_000
    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    petition = PetitionFactory(ask_for_challenge=True)
    page = browser_page
    page.goto(live_server.url + reverse("petitions:sign", args=[petition.campaign.slug]))
    page.get_by_role("textbox", name="Name").fill("Rosa Ortega")
    page.get_by_role("textbox", name="Email").fill("rosa@example.org")
    page.get_by_label("ZIP").fill("53703")
    # The widget solves the puzzle on its own (in a worker served from our static files) and
    # puts the solution in the form.
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(".+"), timeout=30_000)
    page.screenshot(path=ARTIFACTS / "petition-challenge-phone.png", full_page=True)
    page.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/check-your-email/")
    signature = Signature.objects.get()
    assert signature.held_at is None
    assert signature.mailed_at is not None
