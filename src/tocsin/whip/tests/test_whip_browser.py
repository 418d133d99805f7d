import datetime

import pytest
from django.core.management import call_command

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Stance
from tocsin.conftest import ARTIFACTS
from tocsin.targets.factories import LegislatorFactory, OfficeFactory
from tocsin.whip import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def names(locator) -> list[str]:
    return sorted(t for t in locator.all_inner_texts())


def test_the_scoreboard_shows_what_was_recorded_at_desktop_and_phone_width(
    browser_page, live_server
):
    call_command("load_demo", organizer_password="whip-password", verbosity=0)
    campaign = CampaignFactory(slug="whip-demo", title="Co-sponsor the Berta Cáceres Act")
    people = {
        "Mark Pocan": ("WI", 2, "Democrat", Stance.SUPPORTS, 12),
        "Gwen Moore": ("WI", 4, "Democrat", Stance.LEANS_YES, 5),
        "Ron Kind": ("WI", 3, "Democrat", Stance.UNDECIDED, 0),
        "Glenn Grothman": ("WI", 6, "Republican", Stance.OPPOSES, 3),
        "Betty McCollum": ("MN", 4, "Democrat", Stance.SUPPORTS, 1),
    }
    action = CallActionFactory(campaign=campaign)
    targets = {}
    for name, (state, district, party, stance, calls) in people.items():
        target = LegislatorFactory(name=name, state=state, district=district, party=party)
        targets[name] = target
        CampaignTargetFactory(campaign=campaign, target=target)
        services.record_stance(
            campaign,
            target,
            stance,
            stated_on=datetime.date(2018, 6, 28),
            summary=f"{name}'s office answered our letter.",
            source_title="Co-sponsors of H.R. 1299",
            source_publisher="Congress.gov",
            source_url="https://www.congress.gov/bill/115th-congress/house-bill/1299/cosponsors",
        )
        office = OfficeFactory(target=target)
        for _ in range(calls):
            CallReport.objects.create(
                action=action, target=target, office=office, outcome=Outcome.TALKED
            )
    unknown = LegislatorFactory(name="Bryan Steil", state="WI", district=1, party="Republican")
    CampaignTargetFactory(campaign=campaign, target=unknown)

    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/c/whip-demo/")
    whip = page.locator("#whip")
    supporters = names(whip.locator("#stance-supports + ul .score-row h4"))
    assert supporters == ["Betty McCollum", "Mark Pocan"]
    assert names(whip.locator("#stance-unknown + ul .score-row h4")) == ["Bryan Steil"]
    pocan = whip.locator(f"#target-{targets['Mark Pocan'].pk}")
    assert pocan.locator(".calls strong").inner_text() == "12"
    assert pocan.get_by_role("link", name="Co-sponsors of H.R. 1299").is_visible()
    assert "Supports" in whip.locator(".stance-totals").inner_text()
    whip.screenshot(path=ARTIFACTS / "whip-desktop.png")

    # The plain GET form: Wisconsin Democrats only, on the scoreboard page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.select_option("#id_state", "WI")
    page.select_option("#id_party", "Democrat")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    shown = names(page.locator(".score-row h4"))
    assert shown == ["Gwen Moore", "Mark Pocan", "Ron Kind"]
    assert "Showing 3 of 6" in page.locator("#whip").inner_text()
    page.screenshot(path=ARTIFACTS / "whip-filtered-phone.png", full_page=True)

    page.goto(f"{live_server.url}/c/whip-demo/#target-{targets['Glenn Grothman'].pk}")
    assert page.locator(f"#target-{targets['Glenn Grothman'].pk} .calls strong").inner_text() == "3"
    page.screenshot(path=ARTIFACTS / "whip-anchor-phone.png")
    page.locator(f"#target-{targets['Glenn Grothman'].pk} h4 a").click()
    page.wait_for_load_state()
    assert "Glenn Grothman" in page.locator("h1").inner_text()
    assert "Opposes" in page.locator(".stance-badge").first.inner_text()
    page.screenshot(path=ARTIFACTS / "whip-target-phone.png", full_page=True)

    # The demo: the State Department desk opposes, with the statement as its evidence.
    page.goto(f"{live_server.url}/c/baldwin-honduras-election/whip/")
    desk = page.locator("#stance-opposes + ul .score-row")
    assert "Honduras Desk" in desk.inner_text()
    assert "U.S. Committed To Honduras Security" in desk.inner_text()
    page.screenshot(path=ARTIFACTS / "whip-demo-baldwin-phone.png", full_page=True)
