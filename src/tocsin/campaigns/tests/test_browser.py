import re

import pytest

from tocsin.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def representatives(page) -> list[str]:
    return page.locator(".person h3").all_inner_texts()


def test_a_supporter_finds_their_legislators_in_spanish_on_a_phone(browser_page, demo_site):
    page = browser_page
    page.goto(f"{demo_site}/c/baldwin-honduras-election/")
    assert "Baldwin" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    page.screenshot(path=ARTIFACTS / "campaign-es-phone.png", full_page=True)

    page.locator("input[name=zip]").fill("53703")
    page.locator("form.inline button[type=submit]").click()
    page.wait_for_load_state()
    shown = " | ".join(representatives(page))
    assert "Mark Pocan" in shown
    assert "Tammy Baldwin" in shown
    assert "Ron Johnson" in shown
    assert len(representatives(page)) == 3
    page.screenshot(path=ARTIFACTS / "legislators-es-phone.png", full_page=True)

    page.goto(f"{demo_site}/c/baldwin-honduras-election/")
    page.locator("input[name=zip]").fill("91711")
    page.locator("form.inline button[type=submit]").click()
    page.wait_for_load_state()
    choices = page.locator(".choices button")
    assert choices.count() == 6
    assert "91711" in page.locator("#split-heading").inner_text()
    # Chromium offers geolocation, so the enhancement shows the button.
    assert page.locator("form[data-geolocate]").is_visible()
    page.screenshot(path=ARTIFACTS / "split-zip-es-phone.png", full_page=True)

    chosen_label = choices.nth(1).locator("strong").inner_text()
    chosen_member = re.sub(r"\s*\(.\)$", "", choices.nth(1).locator(".small").inner_text())
    choices.nth(1).click()
    page.wait_for_load_state()
    assert "91711" not in page.url  # the ZIP code and the district went in the request's body
    assert chosen_label in page.content()
    shown = representatives(page)
    assert len(shown) == 3
    assert any(chosen_member in name for name in shown)


def test_sharing_location_narrows_a_split_zip(browser_page, demo_site):
    page = browser_page
    page.context.grant_permissions(["geolocation"])
    # Pomona College, Claremont (ZIP 91711 is split six ways).
    page.context.set_geolocation({"latitude": 34.0977, "longitude": -117.7116})
    page.goto(f"{demo_site}/c/baldwin-honduras-election/legislators/")
    page.locator("input[name=zip]").fill("91711")
    page.locator("form.inline button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Use my location").click()
    page.get_by_role("heading", name="Your legislators").wait_for()
    assert "91711" not in page.url
    assert len(representatives(page)) == 3
    page.screenshot(path=ARTIFACTS / "located-phone.png", full_page=True)
