import datetime

import pytest
from django.utils import timezone

from tocsin.conftest import ARTIFACTS
from tocsin.core.dates import weekday_date
from tocsin.fundraising import services
from tocsin.fundraising.factories import FundraiserFactory
from tocsin.fundraising.models import Gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fund(db):
    return FundraiserFactory(
        title="Fighting fund: stand with Honduras",
        campaign__title="No British spyware for Honduras's security forces",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        suggested_amounts="5, 10, 25, 50, 100",
        allow_monthly=True,
        story="This fund pays for **leaflets**, rooms for meetings and speakers' travel.",
        offline_instructions="By bank transfer: sort code 00-00-00, account 00000000.\n"
        "By cheque: payable to LFPLA.",
    )


def figures(page) -> dict[str, str]:
    terms = page.locator(".thermometer .figures dt").all_inner_texts()
    values = page.locator(".thermometer .figures dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_an_offline_gift_shows_on_the_phone_sized_thermometer(browser_page, live_server, fund):
    page = browser_page
    page.goto(f"{live_server.url}{fund.get_absolute_url()}")
    assert figures(page) == {
        "Reached": "0%",
        "Still needed": "£18,000",
        "Time left": "14 days\nuntil " + weekday_date(fund.deadline),
        "Donors": "0",
    }
    assert "not set up" not in page.content()
    page.screenshot(path=ARTIFACTS / "fundraiser-offline-phone.png", full_page=True)

    services.record_offline_gift(Gift(fundraiser=fund, source="cheque", amount=810_400))
    page.reload()

    assert page.locator(".thermometer .raised").inner_text() == "£8,104 raised of £18,000"
    assert figures(page) == {
        "Reached": "45%",
        "Still needed": "£9,896",
        "Time left": "14 days\nuntil " + weekday_date(fund.deadline),
        "Donors": "1",
    }
    bar = page.locator(".thermometer progress")
    assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("810400", "1800000")
    assert bar.get_attribute("aria-label") == "45% of the goal raised"
    assert bar.bounding_box()["width"] > 300  # spans the card on a phone
    # Nothing sticks out sideways on a 390px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}{fund.campaign.get_absolute_url()}")
    assert "£8,104" in page.locator(".action .thermometer").inner_text()
    page.locator(".action .thermometer").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "fundraiser-on-campaign-phone.png")
    page.get_by_role("link", name="Give", exact=True).click()
    assert page.url.endswith(fund.get_absolute_url())


def test_screenshots_with_and_without_stripe(browser_page, live_server, fund, settings):
    services.record_offline_gift(Gift(fundraiser=fund, source="cash", amount=810_400))
    page = browser_page
    url = f"{live_server.url}{fund.get_absolute_url()}"
    for configured in (False, True):
        settings.STRIPE_SECRET_KEY = "sk_test_x" if configured else ""
        settings.STRIPE_WEBHOOK_SECRET = "whsec_x" if configured else ""
        name = "stripe" if configured else "offline"
        for width, height, size in ((390, 844, "phone"), (1280, 900, "desktop")):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if configured:
                page.locator("label.amount-choice").nth(2).click()
                assert page.locator("input[name=amount]:checked").get_attribute("value") == "2500"
            page.screenshot(path=ARTIFACTS / f"fundraiser-{name}-{size}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.locator("input[name=other_amount]").fill("-5")
    page.get_by_role("button", name="Continue to secure payment").click()
    assert "in numbers only" in page.locator("[role=alert]").inner_text()
    page.screenshot(path=ARTIFACTS / "fundraiser-error-phone.png", full_page=True)
