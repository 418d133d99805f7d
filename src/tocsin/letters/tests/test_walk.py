"""Issue 19, in the browser at phone width: a UK supporter finds their MP by postcode and
writes (the letter reaches the MP's address over real SMTP, with the supporter as Reply-To,
only after the confirm page's POST); a Northern Ireland postcode asks for the seat; a US
supporter writes to Senator Baldwin through her web form and has the letter to copy. Each
page passes the accessibility checks, and is photographed at 390 and 1280 wide."""

import re
from email.utils import parseaddr

import pytest
from django.core.management import call_command

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign
from tocsin.conftest import ARTIFACTS
from tocsin.core.tests import a11y
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import Letter, WriteAction
from tocsin.targets.models import Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTER = (
    "Dear {title} {name},\n\n"
    "I am writing as a constituent in {town} to ask you to press the government to stop "
    "licensing the export of spyware to Honduras, where it is used against journalists and "
    "human-rights defenders.\n\n"
    "Yours sincerely,\n{supporter_name}"
)


SELECTED_TEXT = """() => {
  const box = document.activeElement;
  return box.value.slice(box.selectionStart, box.selectionEnd);
}"""


def photograph(page, name: str) -> None:
    """The page at phone width and at 1280 wide, full length, then back to the phone."""
    page.screenshot(path=ARTIFACTS / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def checked(page, where: str, problems: list) -> None:
    problems += a11y.audit(page, where)


@pytest.fixture
def uk_campaign(live_server, shared_data_dir):
    from tocsin.districts.uk import reset_uk_indexes
    from tocsin.targets.uk import sync_uk

    sync_uk(str(shared_data_dir))
    reset_uk_indexes()
    campaign = CampaignFactory(
        title="No spyware for Honduras",
        slug="no-spyware-uk",
        country=Campaign.Country.GB,
        language="en",
    )
    campaign.organization.name = "Honduras Solidarity Network"
    campaign.organization.save()
    action = WriteActionFactory(
        campaign=campaign,
        slug="mp",
        title="Write to your MP",
        intro="Your MP can question ministers on arms export licences. Ask them to.",
        subject="Stop spyware exports to Honduras",
        letter=LETTER,
        own_sentence_prompt="Why does this matter to you? One sentence is enough.",
        target_mode=WriteAction.TargetMode.LOOKUP,
    )
    yield action
    reset_uk_indexes()


def test_a_uk_supporter_finds_their_mp_by_postcode_and_writes(
    browser_page, live_server, uk_campaign, smtp_server, run_tasks, settings
):
    action, page, problems = uk_campaign, browser_page, []
    # The confirmation mail's link points at the live server.
    settings.TOCSIN_BASE_URL = base = live_server.url
    page.goto(f"{base}/c/{action.campaign.slug}/write/")
    assert page.get_by_role("button", name="Find your MP").is_visible()
    checked(page, "postcode step", problems)
    photograph(page, "letters-postcode")

    page.get_by_label("Your postcode").fill("sw1a 9zz")
    page.get_by_role("button", name="Find your MP").click()
    assert "We could not find the postcode SW1A 9ZZ" in page.content()
    checked(page, "postcode not found", problems)

    page.get_by_label("Your postcode").fill("BT1 5GS")
    page.get_by_role("button", name="Find your MP").click()
    assert "BT1 5GS is in Northern Ireland" in page.content()
    assert page.locator("button[name=seat]").count() == 18
    checked(page, "Northern Ireland: pick a seat", problems)
    photograph(page, "letters-northern-ireland")
    page.get_by_role("link", name="Enter it again").click()

    page.get_by_label("Your postcode").fill("sw1a0aa")
    page.get_by_role("button", name="Find your MP").click()
    mp = Target.objects.mp_for("E14001172")
    assert "Cities of London and Westminster" in page.content()
    assert page.get_by_text(f"{mp.display_title} {mp.name}", exact=False).first.is_visible()
    body = page.get_by_label("The letter")
    assert f"Dear {mp.display_title} {mp.name}," in body.input_value()
    checked(page, "letter form", problems)
    photograph(page, "letters-form")

    page.get_by_label("Add a sentence of your own").fill(
        "My sister is a journalist in Tegucigalpa."
    )
    page.get_by_label("Your name").fill("Rosa Ortega")
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("Town or city").fill("London")
    page.get_by_role("button", name="Send my letter").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    checked(page, "check your email", problems)
    photograph(page, "letters-check-email")

    run_tasks()
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "rosa@example.org"
    link = re.search(r"https?://\S+/letters/confirm/\S+/", confirmation.get_content()).group(0)
    page.goto(link)
    assert Letter.objects.get().state == Letter.State.AWAITING
    checked(page, "confirm button", problems)
    photograph(page, "letters-confirm")
    page.get_by_role("button", name="Confirm and send").click()
    assert page.get_by_text("Sent by email to their office").is_visible()
    checked(page, "sent", problems)
    photograph(page, "letters-sent")

    run_tasks()
    [to_mp] = smtp_server.messages[1:]
    assert to_mp["To"] == mp.email
    assert parseaddr(to_mp["Reply-To"])[1] == "rosa@example.org"
    text = to_mp.get_content()
    assert "My sister is a journalist in Tegucigalpa." in text
    assert "Rosa Ortega" in text
    assert problems == [], "\n".join(problems)


def test_a_us_supporter_writes_to_senator_baldwin_through_her_web_form(
    browser_page, live_server, shared_data_dir, smtp_server, run_tasks
):
    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
    baldwin = Target.objects.get(name__contains="Baldwin", chamber="senate")
    assert baldwin.contact_form_url
    assert not baldwin.email  # the congress data has web forms, not addresses
    campaign = CampaignFactory(
        title="Senator Baldwin: speak up for Honduras", slug="baldwin-letters", language="en"
    )
    CampaignTargetFactory(campaign=campaign, target=baldwin)
    WriteActionFactory(
        campaign=campaign,
        slug="baldwin",
        title="Write to Senator Baldwin",
        subject="Honduras: speak up for a fair count",
        letter=LETTER.replace("a constituent", "a Wisconsin resident"),
    )
    page, problems = browser_page, []
    page.goto(f"{live_server.url}/c/{campaign.slug}/write/?source=walk")
    assert "web form" in page.content()
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Email", exact=True).fill("sam@example.org")
    page.get_by_label("Town or city").fill("Madison")
    page.get_by_label("ZIP or postcode (optional)").fill("53703")
    checked(page, "US letter form", problems)
    page.get_by_role("button", name="Send my letter").click()

    form_link = page.get_by_role("link", name="Open their contact form")
    assert form_link.get_attribute("href") == baldwin.contact_form_url
    box = page.get_by_role("textbox", name="Your letter")
    assert box.get_attribute("readonly") is not None
    letter_text = box.input_value()
    assert f"Dear {baldwin.display_title} {baldwin.name}," in letter_text
    assert "Sam Lee" in letter_text
    # Selectable without JavaScript's clipboard: a tap in the box, then select all.
    box.click()
    page.keyboard.press("Control+a")
    assert page.evaluate(SELECTED_TEXT) == letter_text
    checked(page, "web form: letter to copy", problems)
    photograph(page, "letters-web-form")

    letter = Letter.objects.get()
    assert letter.state == Letter.State.HANDED_OVER
    assert letter.source == "walk"
    run_tasks()
    assert not smtp_server.messages  # nothing to confirm: nothing goes from here
    assert problems == [], "\n".join(problems)
