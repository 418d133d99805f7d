"""The caller's optional address on the thank-you page: their calls on their record, consent
given once confirmed, and the `?source=` code the flow was opened with on every report."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.factories import PartnershipFactory
from tocsin.supporters.models import Activity, Consent, Supporter

pytestmark = pytest.mark.django_db


def hidden(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def call_round(client, action, outcome=Outcome.TALKED, source=""):
    """The whole flow of a fixed list of one person: start, step, report; the done page."""
    slug = action.campaign.slug
    query = {"source": source} if source else {}
    started = client.get(reverse("calls:start", kwargs={"slug": slug}), query)
    assert started.status_code == 302
    step = client.get(started["Location"])
    html = step.content.decode()
    fields = ("key", "position", "total", "target", "office", "tried", "place", "source")
    data = {name: hidden(html, name) for name in fields} | {"outcome": outcome}
    reported = client.post(reverse("calls:report", kwargs={"slug": slug}), data)
    assert reported.status_code == 302
    return client.get(reported["Location"])


def leave_address(client, action, email="ana@example.org", consent=(), **extra):
    data = {"email": email, **extra}
    for organization in consent:
        data[f"consent_{organization.pk}"] = "on"
    return client.post(reverse("calls:caller", kwargs={"slug": action.campaign.slug}), data)


def test_the_source_code_travels_through_the_flow_onto_the_report(client, desk_action):
    action = desk_action[0]
    done = call_round(client, action, source="Op-Ed<script>")
    assert CallReport.objects.get().source == "op-edscript"
    assert "source=op-edscript" in done.request["QUERY_STRING"]
    assert hidden(done.content.decode(), "source") == "op-edscript"


def test_the_source_code_survives_the_zip_code_question(client, demo):
    action = demo["hr1299"]
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    asked = client.get(start_url, {"source": "partner-abc"}).content.decode()
    assert hidden(asked, "source") == "partner-abc"
    found = client.post(start_url, {"zip": "53703", "source": "partner-abc"})
    assert "source=partner-abc" in found["Location"]
    step = client.get(found["Location"]).content.decode()
    assert hidden(step, "source") == "partner-abc"


def test_calling_without_leaving_an_address_stays_anonymous(client, desk_action):
    action = desk_action[0]
    done = call_round(client, action)
    assert done.status_code == 200
    assert "Get word when there is something to do" in done.content.decode()
    assert CallReport.objects.get().supporter is None
    assert not Supporter.objects.exists()


def test_an_address_without_consent_puts_the_calls_on_the_person_and_nothing_more(
    client, desk_action
):
    action, desk, _office = desk_action
    call_round(client, action, source="radio")
    response = leave_address(client, action, email="Ana@Example.org", source="radio")
    assert response.status_code == 200
    page = response.content.decode()
    assert "check your email" not in page
    person = Supporter.objects.get()
    assert (person.organization, person.email) == (action.campaign.organization, "ana@example.org")
    assert CallReport.objects.get().supporter == person
    activity = Activity.objects.get()
    assert activity.kind == Activity.Kind.CALLED
    assert activity.source == "radio"
    assert activity.summary == f"Called {desk} — Talked to staff"
    assert not Consent.objects.exists()
    assert not DBTaskResult.objects.exists()  # no mail


def test_a_consent_is_pending_and_one_mail_asks_to_confirm_it(
    client, desk_action, smtp_server, run_tasks
):
    action = desk_action[0]
    campaign = action.campaign
    call_round(client, action)
    response = leave_address(client, action, consent=[campaign.organization])
    assert "check your email" in response.content.decode()
    consent = Consent.objects.get()
    assert consent.confirmed_at is None
    assert consent.organization == campaign.organization
    assert consent.wording.startswith(f"Yes, {campaign.organization.name} may email me")
    assert consent.page == reverse("calls:done", kwargs={"slug": campaign.slug})
    run_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.org"]


def test_a_partner_gets_a_person_only_when_ticked(client, desk_action):
    action = desk_action[0]
    partner = PartnershipFactory(campaign=action.campaign, accepted=True).organization
    call_round(client, action)
    leave_address(client, action, consent=[partner])
    people = {p.organization: p for p in Supporter.objects.all()}
    assert set(people) == {action.campaign.organization, partner}
    assert Consent.objects.get().supporter == people[partner]
    assert CallReport.objects.get().supporter == people[action.campaign.organization]


def test_a_double_submit_counts_once(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    call_round(client, action, outcome=Outcome.VOICEMAIL)
    first = leave_address(client, action, consent=[action.campaign.organization])
    second = leave_address(client, action, consent=[action.campaign.organization])
    assert first.status_code == second.status_code == 200
    assert Supporter.objects.count() == 1
    assert Activity.objects.filter(kind=Activity.Kind.CALLED).count() == 2
    assert Consent.objects.count() == 1
    assert "your 2 calls" in second.content.decode()


def test_a_bad_address_is_a_clear_error_and_stores_nothing(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    response = leave_address(client, action, email="ana@", consent=[action.campaign.organization])
    assert response.status_code == 400
    assert "That does not look like an email address" in response.content.decode()
    assert not Supporter.objects.exists()
    assert not Consent.objects.exists()
    assert CallReport.objects.get().supporter is None


def test_another_browser_s_reports_are_not_linked(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    other = Client()
    call_round(other, action)
    leave_address(client, action)
    mine, theirs = CallReport.objects.order_by("created_at")
    assert mine.supporter is not None
    assert theirs.supporter is None


def test_reports_already_on_someone_else_s_record_stay_there(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    leave_address(client, action, email="ana@example.org")
    response = leave_address(client, action, email="someone@example.org")
    assert response.status_code == 400
    assert CallReport.objects.get().supporter.email == "ana@example.org"
    assert not Supporter.objects.filter(email="someone@example.org").exists()


def test_old_reports_and_skips_are_not_linked(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    CallReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=7))
    call_round(client, action, outcome=Outcome.SKIPPED)
    response = leave_address(client, action)
    assert response.status_code == 400
    assert "We found no calls from this browser" in response.content.decode()
    assert not Supporter.objects.exists()


def test_the_reports_cookie_is_signed_http_only_and_names_no_one(client, desk_action):
    action = desk_action[0]
    call_round(client, action)
    cookie = client.cookies["tocsin_calls"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == reverse("calls:start", kwargs={"slug": action.campaign.slug})
    assert CallReport.objects.get().key.hex in cookie.value
    # A forged cookie links nothing.
    client.cookies["tocsin_calls"] = f"{action.pk}:{uuid.uuid4().hex}"
    assert leave_address(client, action).status_code == 400
    assert CallReport.objects.get().supporter is None
