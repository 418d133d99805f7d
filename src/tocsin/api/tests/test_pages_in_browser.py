"""The docs page and the keys page in Chromium, at phone and desktop widths: the new key is
shown once and revoking it works from the page. Screenshots go to test-artifacts/."""

import pytest
from django.test import Client

from tocsin.api.models import ApiKey
from tocsin.conftest import ARTIFACTS
from tocsin.organizations.factories import OrganizerFactory
from tocsin.organizations.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def both_widths(page, name: str) -> None:
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"api-{name}-{width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} at {width}px scrolls sideways by {overflow}px"


def test_keys_page_and_docs(browser_page, live_server, org):
    page = browser_page
    owner = OrganizerFactory(organizations=[org], organizations__role=Role.OWNER)
    sign_in_as(page, live_server, owner)
    page.goto(f"{live_server.url}/organize/api-keys/")
    page.fill("#id_name", "CRM sync")
    page.check("#id_can_write")
    page.click("text=Make the key")
    key = page.inner_text("#new-key")
    assert key.startswith("tocsin_")
    assert ApiKey.objects.get().can_write
    both_widths(page, "keys-new")
    page.goto(f"{live_server.url}/organize/api-keys/")
    assert key not in page.content()
    page.click("button:has-text('Revoke')")
    page.wait_for_selector("text=revoked")
    assert ApiKey.objects.get().revoked_at is not None
    both_widths(page, "keys")
    # At phone width the table's head is out of sight: each cell names its column.
    page.set_viewport_size({"width": 390, "height": 844})
    labels = page.eval_on_selector_all(
        ".api-keys tbody td[data-label]",
        "cells => cells.map(c => getComputedStyle(c, '::before').content)",
    )
    assert labels[:3] == ['"Name"', '"Starts with"', '"Access"'], labels

    page.goto(f"{live_server.url}/api/docs/")
    assert page.get_by_text("/api/v1/petitions/{id}/signatures").first.is_visible()
    both_widths(page, "docs")
