"""Issue 16's proof: one record per person across every action, walked in a browser as a new
supporter would. They sign a petition with consent and confirm it with the mail's button
(the mail arrives on a real SMTP server on loopback, and doubles as the welcome), answer for
an event with the same address written differently, and unsubscribe with the one POST a mail
client sends (RFC 8058). The organizer then sees one person with both actions and the
consent given, confirmed and withdrawn."""

import re
import urllib.request

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tocsin.campaigns.factories import CampaignFactory
from tocsin.conftest import ARTIFACTS
from tocsin.events.factories import EventFactory, SessionFactory
from tocsin.events.models import Rsvp
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Consent, Supporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_new_supporter_s_walk_makes_one_person_with_both_actions_and_the_consent_history(
    browser_page, live_server, settings, monkeypatch, smtp_server, run_tasks
):
    settings.TOCSIN_BASE_URL = live_server.url
    monkeypatch.setattr("tocsin.petitions.forms.MIN_FILL_SECONDS", 0)
    organization = OrganizationFactory(name="Rivers Alive")
    campaign = CampaignFactory(status="live", organization=organization, title="Save the river")
    PetitionFactory(campaign=campaign)
    session = SessionFactory(
        event=EventFactory(campaign=campaign, title="River clean-up"),
        title="Saturday morning",
        capacity=100,
    )
    page = browser_page

    # 1. Sign, ticking the box to hear from the group.
    page.goto(live_server.url + reverse("petitions:sign", args=[campaign.slug]))
    page.get_by_role("textbox", name="Name").fill("Ana López")
    page.get_by_role("textbox", name="Email").fill("ana.lopez@gmail.com")
    page.get_by_label("ZIP").fill("53703")
    page.get_by_label(re.compile("Rivers Alive may email me")).check()
    page.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/check-your-email/**")

    # 2. The confirmation mail really goes out, through SMTP, with a one-click unsubscribe.
    assert smtp_server.messages == []
    run_tasks()
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "analopez@gmail.com"
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [unsubscribe_url] = re.findall(r"<([^>]+)>", confirmation["List-Unsubscribe"])
    [confirm_url] = re.findall(
        re.escape(live_server.url) + r"/petitions/confirm/\S+", plain(confirmation)
    )
    page.goto(confirm_url)  # opening the link confirms nothing: the button does
    assert Signature.objects.get().confirmed_at is None
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    assert Signature.objects.get().confirmed_at is not None
    assert Consent.objects.current().count() == 1
    run_tasks()
    assert len(smtp_server.messages) == 1  # the confirmation was the welcome: no second mail

    # 3. Answer for the event with the same address, written with capitals and no dot.
    page.goto(live_server.url + reverse("events:rsvp", args=[session.event.slug, session.pk]))
    page.get_by_role("textbox", name="Name").fill("Ana López")
    page.get_by_role("textbox", name="Email").fill("AnaLopez@GMail.com")
    page.get_by_label("ZIP").fill("53703")
    page.get_by_role("button", name="RSVP").click()
    page.wait_for_url(re.compile(r".*/rsvp/[^/]+/$"))
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED

    # 4. Unsubscribe as a mail client's button does: one POST to the header's URL.
    assert unsubscribe_url.startswith(live_server.url + "/")
    request = urllib.request.Request(  # noqa: S310 (our own server's http URL, checked above)
        unsubscribe_url, data=b"List-Unsubscribe=One-Click", method="POST"
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200
    assert not Consent.objects.open().exists()

    # 5. The organizer sees one person, with both actions and the whole consent history.
    organizer = OrganizerFactory(organizations=[organization])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(organizer.username)
    page.get_by_label("Password").fill("a long organizer passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + reverse("admin:supporters_supporter_changelist"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "person-walk-people-list.png", full_page=True)
    person = Supporter.objects.get()
    assert Signature.objects.get().supporter == person
    assert Rsvp.objects.get().supporter == person
    page.goto(live_server.url + reverse("admin:supporters_supporter_change", args=[person.pk]))
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Signed")
    expect(timeline).to_contain_text("Coming to “River clean-up” (Saturday morning)")
    consent = page.locator(".consent")
    expect(consent).to_have_count(1)
    expect(consent).to_contain_text("Withdrawn")
    expect(consent).to_contain_text("Given")
    expect(consent).to_contain_text("Confirmed")
    expect(consent).to_contain_text("Rivers Alive may email me")
    page.screenshot(path=ARTIFACTS / "person-walk-person-page.png", full_page=True)
