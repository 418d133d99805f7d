"""Issue 20's proof, walked at phone width as a new organizer would: an owner invites a
campaigner and a volunteer; the campaigner accepts from the mail, sets up an authenticator
app, builds the Baldwin call campaign through the guided flow, previews and publishes it;
the volunteer checks someone in at the door of the organization's event and cannot open an
export."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign
from tocsin.conftest import ARTIFACTS
from tocsin.events.factories import EventFactory, RsvpFactory, SessionFactory
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Invitation, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_PASSWORD = "a long organizer passphrase"
CAMPAIGNER_PASSWORD = "calls to the honduras desk"
VOLUNTEER_PASSWORD = "door duty on tuesdays"
TITLE = "Senator Baldwin: don't recognise the stolen election"


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"walk20-{name}.png", full_page=True)


def current_code(device: TOTPDevice) -> str:
    """What the authenticator app holding this device's key shows now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(base + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def join_link(message) -> str:
    return re.search(r"https?://\S+/organize/members/join/\S+/", message.get_content()).group(0)


def test_invited_colleagues_build_publish_and_keep_the_door(
    live_server, browser_page, settings, smtp_server, run_tasks
):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = True
    settings.TOCSIN_BASE_URL = live_server.url
    base, page = live_server.url, browser_page
    organization = OrganizationFactory(name="SOA Watch")
    owner = OrganizerFactory(
        username="owner", organizations=[organization], organizations__role=Role.OWNER
    )
    owner_device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)

    # The owner signs in, proves the second factor, and invites two colleagues.
    sign_in(page, base, "owner", OWNER_PASSWORD)
    page.wait_for_url("**" + reverse("signin:verify") + "*")
    page.fill("input[name=code]", current_code(owner_device))
    page.get_by_role("button", name="Continue").click()
    page.goto(base + reverse("organizations:members", args=[organization.pk]))
    for address, role in (("rosa@example.net", "Campaigner"), ("tomas@example.net", "Volunteer")):
        page.get_by_label("Their email address").fill(address)
        page.get_by_label("Role", exact=True).select_option(label=role)
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.get_by_text(f"An invitation is on its way to {address}")).to_be_visible()
    shot(page, "members-invited")
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("rosa@example.net", Role.CAMPAIGNER),
        ("tomas@example.net", Role.VOLUNTEER),
    }

    run_tasks()
    mails = {message["To"]: message for message in smtp_server.messages}
    assert set(mails) == {"rosa@example.net", "tomas@example.net"}
    assert "SOA Watch" in mails["rosa@example.net"]["Subject"]

    # The campaigner opens the link, makes an account, then signs in as she will every day.
    page.context.clear_cookies()
    page.goto(join_link(mails["rosa@example.net"]))
    expect(page.get_by_role("heading", name="Join SOA Watch")).to_be_visible()
    expect(page.get_by_text("You are invited as a campaigner")).to_be_visible()
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password", exact=True).fill(CAMPAIGNER_PASSWORD)
    page.get_by_label("The same password again").fill(CAMPAIGNER_PASSWORD)
    shot(page, "join")
    page.get_by_role("button", name="Create my account and join").click()
    rosa = get_user_model().objects.get(username="rosa")
    assert Membership.objects.get(user=rosa, organization=organization).role == Role.CAMPAIGNER

    sign_in(page, base, "rosa", CAMPAIGNER_PASSWORD)
    page.wait_for_url("**" + reverse("signin:setup") + "*")
    page.get_by_text("Add an authenticator app").click()
    expect(page.locator(".signin-qr svg")).to_have_count(1)
    shot(page, "authenticator")
    device = TOTPDevice.objects.get(user=rosa)
    page.fill("input[name=code]", current_code(device))
    page.get_by_text("Confirm").click()
    codes = page.locator(".signin-codes code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "recovery-codes")
    assert TOTPDevice.objects.get(user=rosa).confirmed
    page.get_by_text("Continue").click()

    # The guided flow: basics, two targets, the call with its script and post, preview.
    page.goto(base + reverse("organize:home"))
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What it asks").fill("Ask Senator Baldwin to reject the declared result.")
    page.get_by_label("Demands").fill("1. Do not recognise the result.\n2. Cut off all aid.")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Deadline").fill(deadline.isoformat())
    shot(page, "basics")
    page.get_by_role("button", name="Save and add actions").click()
    expect(page.get_by_role("heading", name="2. Whom to ask, and the actions")).to_be_visible()

    for name, department, phone in (
        ("Honduras Desk", "US Department of State", "202-647-4000"),
        ("Tammy Baldwin", "Senator", "202-224-5653"),
    ):
        page.get_by_text("Add a custom target").click()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Title or department").fill(department)
        page.get_by_label("Office phone").fill(phone)
        page.get_by_role("button", name="Add this target").click()
        expect(page.locator(".target-list")).to_contain_text(name)

    call = page.locator("section[aria-labelledby=h-call]")
    call.get_by_label("Title").fill("Call the State Department and Senator Baldwin")
    call.get_by_label("Script").fill("Hello, please tell {name} not to recognise the result.")
    call.get_by_label("Post to share").fill("I called about Honduras. #Honduras")
    call.get_by_role("button", name="Save the call").click()
    expect(page.locator("#h-call")).to_contain_text("added")
    shot(page, "actions")

    page.get_by_role("link", name="Next: preview and checklist").click()
    expect(page.locator("p[data-checklist]")).to_have_text(
        "Nothing missing: it is ready to publish."
    )
    # The draft page itself, framed at phone width, as supporters will see it.
    phone = page.frame_locator("iframe[title='The draft campaign page at phone width']")
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(phone.get_by_role("region", name="What we demand")).to_contain_text("Cut off all aid.")
    expect(phone.get_by_text("A draft: its actions open here")).to_be_visible()
    shot(page, "preview")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/organize/")
    campaign = Campaign.objects.get(organization=organization)
    assert campaign.status == Campaign.Status.LIVE
    assert campaign.title == TITLE
    call_action = CallAction.objects.get(campaign=campaign)
    assert "{name}" in call_action.script
    assert {t.name for t in campaign.targets.all()} >= {
        "Honduras Desk",
        "Tammy Baldwin",
    }
    expect(page.locator(f"[data-campaign='{campaign.pk}']")).to_contain_text("Live")
    shot(page, "home")

    page.context.clear_cookies()
    page.goto(base + campaign.get_absolute_url())
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("A campaign by SOA Watch")).to_be_visible()
    expect(page.get_by_role("link", name="Start calling")).to_be_visible()
    expect(page.get_by_role("region", name="What we demand")).to_contain_text("Cut off all aid.")
    expect(page.get_by_role("link", name="202-647-4000")).to_be_visible()
    expect(page.get_by_text("Senator Tammy Baldwin").first).to_be_visible()
    shot(page, "public")

    # The volunteer joins, and at the door of the group's event checks one person in.
    session = SessionFactory(event=EventFactory(campaign=campaign, organization=organization))
    arriving = RsvpFactory(session=session, name="Berta Flores")
    page.goto(join_link(mails["tomas@example.net"]))
    page.get_by_label("Username").fill("tomas")
    page.get_by_label("Password", exact=True).fill(VOLUNTEER_PASSWORD)
    page.get_by_label("The same password again").fill(VOLUNTEER_PASSWORD)
    page.get_by_role("button", name="Create my account and join").click()
    tomas = get_user_model().objects.get(username="tomas")
    assert Membership.objects.get(user=tomas, organization=organization).role == Role.VOLUNTEER

    sign_in(page, base, "tomas", VOLUNTEER_PASSWORD)
    page.goto(base + reverse("events:door", args=[session.pk]))
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    page.get_by_role("button", name="Berta Flores").click()
    expect(page.locator(f"#rsvp-{arriving.pk}")).to_contain_text("Checked in")
    expect(page.locator(".big-count")).to_contain_text("1 / 1")
    shot(page, "door")
    arriving.refresh_from_db()
    assert arriving.attended_at is not None
    page.get_by_role("link", name=f"{session.event.title}: {session.title}").click()
    expect(page.get_by_role("heading", name=session.event.title)).to_be_visible()

    for what in ("signatures", "rsvps", "calls"):
        url = reverse("dashboard:export", args=[campaign.pk, what])
        response = page.goto(base + url)
        assert response.status == 403, what
    expect(page.get_by_role("heading", name="Your role does not allow this")).to_be_visible()
    shot(page, "export-refused")
