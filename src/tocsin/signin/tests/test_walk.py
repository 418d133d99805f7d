"""In the browser at phone width, as a new organizer would: password, then set up an
authenticator app from the page (the key typed, as with a phone beside the laptop), recovery
codes, and the back office; in a new session the code is asked before it opens. Each page
passes the accessibility checks and is photographed at 390 and 1280 wide."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tocsin.conftest import ARTIFACTS
from tocsin.core.tests import a11y
from tocsin.organizations.factories import OrganizerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organizer passphrase"


def photograph(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def code_from_typed_key(typed: str, step: int = 30) -> str:
    """What an authenticator app shows for the key as the page printed it."""
    from base64 import b32decode

    key = b32decode(typed.replace(" ", "") + "=" * (-len(typed.replace(" ", "")) % 8))
    totp = TOTP(key, step=step)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in(page, base: str, organizer) -> None:
    page.goto(base + reverse("admin:index"))
    page.fill("#id_username", organizer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_a_new_organizer_sets_up_an_app_and_is_asked_for_a_code_next_time(
    live_server, browser_page, settings
):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = True
    organizer = OrganizerFactory(username="ana")
    page, problems = browser_page, []

    sign_in(page, live_server.url, organizer)
    assert page.url.startswith(live_server.url + reverse("signin:setup"))
    problems += a11y.audit(page, "setup")
    photograph(page, "signin-setup")

    page.click("text=Add an authenticator app")
    assert page.locator(".signin-qr svg").count() == 1
    typed_key = page.locator(".signin-secret").inner_text()
    page.fill("input[name=code]", "000000" if code_from_typed_key(typed_key) != "000000" else "1")
    page.click("text=Confirm")
    assert "That code is not right" in page.content()
    problems += a11y.audit(page, "confirm, wrong code")
    photograph(page, "signin-confirm-wrong")

    device = TOTPDevice.objects.get(user=organizer)
    device.throttle_reset()  # the wrong code made django-otp wait before the next try
    page.fill("input[name=code]", code_from_typed_key(typed_key))
    page.click("text=Confirm")
    codes = page.locator(".signin-codes code").all_inner_texts()
    assert len(codes) == 10
    problems += a11y.audit(page, "recovery codes")
    photograph(page, "signin-recovery-codes")

    page.click("text=Continue")
    assert page.url == live_server.url + reverse("admin:index")

    page.context.clear_cookies()
    sign_in(page, live_server.url, organizer)
    assert page.url.startswith(live_server.url + reverse("signin:verify"))
    problems += a11y.audit(page, "verify")
    photograph(page, "signin-verify")
    page.fill("input[name=code]", codes[0])
    page.click("text=Continue")
    assert page.url == live_server.url + reverse("admin:index")

    page.goto(live_server.url + reverse("signin:setup"))
    assert "You have 9 unused recovery codes." in page.content()
    problems += a11y.audit(page, "setup with an app")
    photograph(page, "signin-setup-with-app")
    assert problems == []
