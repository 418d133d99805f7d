import re

import pytest

from tocsin.calls.models import CallReport
from tocsin.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supporter_calls_both_targets_on_a_phone(browser_page, demo_site):
    page = browser_page
    page.goto(f"{demo_site}/c/baldwin-honduras-election/")
    page.get_by_role("link", name="Start calling").click()
    page.get_by_role("link", name="Start calling").click()

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
    assert CallReport.objects.count() == 3


def test_the_call_flow_in_spanish_finds_the_representative_by_zip(browser_page, demo_site):
    page = browser_page
    page.goto(f"{demo_site}/c/hr-1299-berta-caceres-act/call/")
    page.get_by_role("link", name="Español").click()
    page.locator("input[name=zip]").fill("53703")
    page.locator("input[name=town]").fill("Madison")
    page.get_by_role("button", name="Buscar a quién llamar").click()
    assert "Mark Pocan" in page.content()
    page.get_by_role("link", name="Empezar a llamar").click()
    assert "Qué decir" in page.content()
    assert "53703" not in page.url
    assert "Madison" not in page.url
    assert re.search(r"constituent from Madison", page.content())
    page.screenshot(path=ARTIFACTS / "call-step-es-phone.png", full_page=True)
    page.get_by_role("button", name="Hablé con el personal").click()
    assert "Gracias por llamar" in page.content()
    report = CallReport.objects.get()
    assert report.place == "WI-2"
