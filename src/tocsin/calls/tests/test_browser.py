import re

import pytest

from tocsin.calls.models import CallReport
from tocsin.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Taps:
    """Counts what the supporter taps: links, buttons and phone numbers alike."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


DIALLER = """
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href^="tel:"]');
  if (!link) return;
  event.preventDefault();
  sessionStorage.setItem("dialled", (sessionStorage.getItem("dialled") || "") + link.href + " ");
}, true);
"""


def dialled(page) -> list[str]:
    return page.evaluate("(sessionStorage.getItem('dialled') || '').trim().split(' ')")


def assert_on_first_screen(locator):
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844, box


def test_two_calls_take_five_taps_from_the_campaign_page(browser_page, demo_site):
    """Finding 1 of issue 15: no page that only lists whom to call; from the campaign page,
    the Baldwin demo's two calls (tap the number, tap how it went, twice) take five taps."""
    page = browser_page
    # A phone hands a tel: link to its dialler and the page stays; headless Chromium has no
    # dialler, so the page notes the number instead.
    page.add_init_script(DIALLER)
    before = CallReport.objects.count()
    tap = Taps(page)
    page.goto(f"{demo_site}/c/baldwin-honduras-election/")
    tap(page.get_by_role("link", name="Start calling").first)

    assert "Tammy Baldwin" in page.locator("h1").inner_text()
    number = page.locator(".call-offices li.current a.tel")
    assert number.get_attribute("href") == "tel:+12022245653"
    assert_on_first_screen(number)
    tap(number)
    tap(page.get_by_role("button", name="Talked to staff"))

    assert "Honduras Desk" in page.locator("h1").inner_text()
    number = page.locator(".call-offices li.current a.tel")
    assert number.get_attribute("href") == "tel:+12027367660"
    assert_on_first_screen(number)
    tap(number)
    tap(page.get_by_role("button", name="Left a voicemail"))

    assert "Thank you for calling" in page.content()
    assert dialled(page) == ["tel:+12022245653", "tel:+12027367660"]
    assert tap.count <= 5
    assert CallReport.objects.count() == before + 2


def test_a_supporter_calls_both_targets_on_a_phone(browser_page, demo_site):
    page = browser_page
    before = CallReport.objects.count()
    page.goto(f"{demo_site}/c/baldwin-honduras-election/call/")

    assert "Tammy Baldwin" in page.locator("h1").inner_text()
    assert (
        page.locator(".call-offices li.current a.tel").get_attribute("href") == "tel:+12022245653"
    )
    page.screenshot(path=ARTIFACTS / "call-step-phone.png", full_page=True)
    page.get_by_role("button", name="Busy or no answer").click()
    assert "did not get through" in page.content()
    assert (
        page.locator(".call-offices li.current a.tel").get_attribute("href") != "tel:+12022245653"
    )
    page.locator("label.checkbox").first.click()
    page.get_by_role("button", name="Talked to staff").click()

    assert "Honduras Desk" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Left a voicemail").click()

    assert "Thank you for calling" in page.content()
    x_box = page.locator("#share-x")
    assert "@SenatorBaldwin" in x_box.input_value()
    x_box.fill("Short post")
    assert page.locator("[data-share][data-limit='280'] [data-count]").inner_text() == "10"
    assert "Short+post" in page.get_by_role("link", name="Post on X").get_attribute("href") or (
        "Short%20post" in page.get_by_role("link", name="Post on X").get_attribute("href")
    )
    page.screenshot(path=ARTIFACTS / "call-done-phone.png", full_page=True)
    assert CallReport.objects.count() == before + 3


def test_find_my_legislators_leads_into_the_call_without_asking_again(browser_page, demo_site):
    page = browser_page
    page.goto(f"{demo_site}/c/hr-1299-berta-caceres-act/legislators/")
    page.locator("input[name=zip]").fill("53202")
    page.get_by_role("button", name="Find my legislators").click()
    page.screenshot(path=ARTIFACTS / "legislators-phone.png", full_page=True)
    page.get_by_role("button", name="Call your representative now").click()
    assert "/call/0/" in page.url
    assert "53202" not in page.url
    assert page.locator("input[name=zip]").count() == 0
    assert "What to say" in page.content()


def test_the_call_flow_in_spanish_finds_the_representative_by_zip(browser_page, demo_site):
    page = browser_page
    page.goto(f"{demo_site}/c/hr-1299-berta-caceres-act/call/")
    page.get_by_role("link", name="Español").click()
    page.locator("input[name=zip]").fill("53202")
    page.locator("input[name=town]").fill("Milwaukee")
    page.get_by_role("button", name="Buscar a quién llamar").click()
    assert "Gwen Moore" in page.content()
    assert "Qué decir" in page.content()
    assert "53202" not in page.url
    assert "Milwaukee" not in page.url
    assert re.search(r"vivo en Milwaukee", page.content())
    page.screenshot(path=ARTIFACTS / "call-step-es-phone.png", full_page=True)
    page.get_by_role("button", name="Hablé con el personal").click()
    assert "Gracias por llamar" in page.content()
    report = CallReport.objects.latest("pk")
    assert report.place == "WI-4"
