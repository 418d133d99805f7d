"""Issue 18, the organizer's side: compose an alert, choose its audience with the exact count,
preview and test it, send or schedule it once, pause, resume or cancel it, all within their
own organization and only with the permission to send."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.campaigns.factories import CampaignFactory, organizer_allowed
from tocsin.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

EDITOR = ("alerts.view_alert", "alerts.add_alert", "alerts.change_alert", "alerts.delete_alert")
SENDER = (*EDITOR, "alerts.send_alert", "supporters.view_supporter")


@pytest.fixture
def group(campaign):
    group = campaign.organization
    group.mail_from_name = "Wisconsin Voices"
    group.mail_reply_to = "replies@wisconsin-voices.example"
    group.save()
    return group


@pytest.fixture
def sender(client, group):
    user = organizer_allowed([group], *SENDER)
    client.force_login(user)
    return client


@pytest.fixture
def volunteer(client, group):
    """May write alerts, not send them."""
    client.force_login(organizer_allowed([group], *EDITOR))
    return client


@pytest.fixture
def wisconsin(make_person):
    return [
        make_person("ana@example.net", "Ana López", state="WI", district="WI-02", country="US"),
        make_person("bo@example.net", "Bo Berg", state="WI", district="WI-03", country="US"),
        make_person("cy@example.net", "Cy Ohio", state="OH", district="OH-03", country="US"),
    ]


def page(name: str, alert: Alert, *args) -> str:
    return reverse(f"admin:alerts_alert_{name}", args=[alert.pk, *args])


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------- compose


def compose_data(group, campaign, **changes) -> dict:
    data = {
        "organization": group.pk,
        "action": f"join:{campaign.pk}",
        "from_name": "Wisconsin Voices",
        "reply_to": "replies@wisconsin-voices.example",
        "subject_en": "Call Senator Baldwin today",
        "preheader_en": "One call, two minutes",
        "body_en": "Hello {first_name}. {your_targets}",
        "button_label_en": "Call now",
        "targets_fallback_en": "Your senators have not said where they stand.",
        "subject_es": "",
        "preheader_es": "",
        "body_es": "",
        "button_label_es": "",
        "targets_fallback_es": "",
    }
    return data | changes


def test_a_new_alert_defaults_to_the_groups_sender_and_stores_the_chosen_action(
    sender, group, campaign
):
    form = text(sender.get(reverse("admin:alerts_alert_add")))
    assert 'value="Wisconsin Voices"' in form
    assert 'value="replies@wisconsin-voices.example"' in form
    assert f'value="join:{campaign.pk}"' in form

    response = sender.post(reverse("admin:alerts_alert_add"), compose_data(group, campaign))
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response.url == page("audience", alert)  # the next step
    assert (alert.action_kind, alert.action_id, alert.campaign) == ("join", campaign.pk, campaign)
    assert alert.subject_en == "Call Senator Baldwin today"
    assert alert.created_by is not None


def test_a_subject_with_a_line_break_is_refused_with_a_message(sender, group, campaign):
    data = compose_data(group, campaign, subject_en="Call today\r\nBcc: everyone@example.org")
    response = sender.post(reverse("admin:alerts_alert_add"), data)
    assert response.status_code == 200
    assert "Write this on one line" in text(response)
    assert not Alert.objects.exists()


def test_another_groups_action_or_organization_cannot_be_chosen(sender, group, campaign):
    theirs = CampaignFactory(organization=OrganizationFactory(name="Their Group"))
    response = sender.post(
        reverse("admin:alerts_alert_add"),
        compose_data(group, campaign, action=f"join:{theirs.pk}"),
    )
    assert response.status_code == 200
    response = sender.post(
        reverse("admin:alerts_alert_add"),
        compose_data(group, campaign, organization=theirs.organization_id),
    )
    assert response.status_code == 200
    assert not Alert.objects.exists()


def test_the_change_page_lists_what_is_wrong_with_the_texts(sender, make_alert):
    alert = make_alert(body_en="Hello {first_nam}")
    response = sender.get(reverse("admin:alerts_alert_change", args=[alert.pk]))
    assert response.status_code == 200
    assert "Before it can go out" in text(response)
    assert "first_nam" in text(response)


def test_an_alert_that_went_out_is_no_longer_edited(sender, make_alert, group, campaign):
    alert = make_alert(status=Alert.Status.SENDING)
    url = reverse("admin:alerts_alert_change", args=[alert.pk])
    assert sender.get(url).status_code == 200  # still shown, read only
    response = sender.post(url, compose_data(group, campaign, subject_en="Changed"))
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.subject_en == "Call Senator Baldwin today"


# ---------------------------------------------------------------------------- scoping


def test_another_groups_alert_is_a_404_on_every_page(sender, make_alert):
    other = OrganizationFactory(name="Their Group")
    theirs = make_alert(organization=other, campaign=CampaignFactory(organization=other))
    ours = make_alert(subject_en="Our own alert")
    listing = text(sender.get(reverse("admin:alerts_alert_changelist")))
    assert "Our own alert" in listing
    assert f"/{theirs.pk}/change/" not in listing
    for name in ("audience", "preview", "send", "status", "results", "results_csv"):
        assert sender.get(page(name, theirs)).status_code == 404, name
        assert sender.get(page(name, ours)).status_code == 200, name
    assert sender.post(page("control", theirs), {"command": "cancel"}).status_code == 404
    assert sender.get(page("preview_frame", theirs, "en")).status_code == 404
    change = sender.get(reverse("admin:alerts_alert_change", args=[theirs.pk]))
    assert change.status_code == 302  # "does not exist", as for a made-up id


# ---------------------------------------------------------------------------- audience


def test_the_audience_page_counts_exactly_and_saves_the_filters(sender, make_alert, wisconsin):
    alert = make_alert()
    response = sender.get(page("audience", alert))
    assert re.search(r"<strong>3 people</strong>", text(response))

    counted = sender.post(page("audience", alert), {"state": "wi", "count": "Count"})
    assert re.search(r"<strong>2 people</strong>", text(counted))
    alert.refresh_from_db()
    assert alert.audience == {}  # counting saves nothing

    saved = sender.post(
        page("audience", alert), {"state": "wi", "district": "WI-02", "save": "Save"}
    )
    assert saved.status_code == 302
    alert.refresh_from_db()
    assert alert.audience == {"state": "WI", "district": "WI-02"}
    assert re.search(r"<strong>1 person</strong>", text(sender.get(page("audience", alert))))


def test_a_condition_on_actions_taken_narrows_the_audience(sender, make_alert, wisconsin, campaign):
    from tocsin.supporters.services import record_activity

    record_activity(wisconsin[0], "called", campaign=campaign)
    alert = make_alert()
    response = sender.post(
        page("audience", alert),
        {
            "action_1_taken": "no",
            "action_1_kind": "called",
            "action_1_campaign": campaign.pk,
            "save": "Save",
        },
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.audience["actions"] == [
        {"kind": "called", "taken": False, "campaign": campaign.pk}
    ]
    assert re.search(r"<strong>2 people</strong>", text(sender.get(page("audience", alert))))


def test_bad_filters_say_so_and_change_nothing(sender, make_alert, wisconsin):
    alert = make_alert(audience={"state": "WI"})
    response = sender.post(
        page("audience", alert),
        {"joined_after": "yesterday", "action_1_kind": "robbed", "save": "Save"},
    )
    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.audience == {"state": "WI"}


def test_a_filter_matching_nobody_says_so_and_cannot_be_sent(sender, make_alert, wisconsin):
    alert = make_alert(audience={"state": "AK"})
    assert "Nobody matches these filters" in text(sender.get(page("audience", alert)))
    confirm = text(sender.get(page("send", alert)))
    assert "Nobody matches the audience" in confirm
    assert 'name="send_now"' not in confirm
    response = sender.post(page("send", alert), {"send_now": "1"}, follow=True)
    assert "nothing was sent" in text(response)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert not AlertRecipient.objects.exists()


# ---------------------------------------------------------------------------- preview and test


def test_the_preview_shows_each_language_in_sandboxed_frames_and_as_text(sender, make_alert):
    alert = make_alert()
    response = sender.get(page("preview", alert))
    body = text(response)
    assert body.count("<iframe") == 4  # phone and desktop, in English and Spanish
    assert all('sandbox="allow-popups' in tag for tag in re.findall(r"<iframe[^>]*>", body))
    assert "allow-scripts" not in body
    assert "Hello Alex, one call today" in body  # the plain text, for the sample person
    assert "Hola Alex" in body

    frame = sender.get(page("preview_frame", alert, "es"))
    assert frame.status_code == 200
    assert "Llamar ahora" in text(frame)
    policy = frame["Content-Security-Policy"]
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_the_preview_for_a_person_is_chosen_by_address_without_putting_it_in_a_url(
    sender, make_alert, wisconsin
):
    alert = make_alert()
    response = sender.post(page("preview", alert), {"email": "Ana@Example.net"})
    assert response.status_code == 302
    assert "ana" not in response.url.lower()
    assert "@" not in response.url
    assert response.url.endswith(f"?person={wisconsin[0].pk}")
    shown = text(sender.get(response.url))
    assert "Hello Ana, one call" in shown

    unknown = sender.post(page("preview", alert), {"email": "nobody@example.net"})
    assert unknown.status_code == 400
    assert "Nobody in your group has that address" in text(unknown)


def test_a_test_goes_to_the_organizers_own_address(sender, make_alert, smtp_server):
    alert = make_alert()
    response = sender.post(page("test", alert), {"language": "es"}, follow=True)
    assert "A test is on its way" in text(response)
    [message] = smtp_server.messages
    user_address = response.wsgi_request.user.email
    assert message["To"] == user_address
    assert "[Test]" in message["Subject"]
    assert "Baldwin" in message["Subject"]
    assert not AlertRecipient.objects.exists()  # counted nowhere


# ---------------------------------------------------------------------------- sending


def test_send_now_sends_once_even_on_a_double_click(sender, make_alert, wisconsin):
    alert = make_alert(audience={"state": "WI"})
    confirm = text(sender.get(page("send", alert)))
    assert "It goes to 2 people." in confirm
    first = sender.post(page("send", alert), {"send_now": "1"})
    second = sender.post(page("send", alert), {"send_now": "1"}, follow=True)
    assert first.status_code == 302
    assert first.url == page("status", alert)
    assert second.status_code == 200
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENDING
    assert AlertRecipient.objects.filter(alert=alert).count() == 2
    status = text(sender.get(page("status", alert)))
    assert "<progress" in status
    assert 'http-equiv="refresh"' in status


def test_a_volunteer_without_the_send_permission_cannot_send_or_control(
    volunteer, make_alert, wisconsin
):
    alert = make_alert()
    assert volunteer.get(page("send", alert)).status_code == 403
    assert volunteer.post(page("send", alert), {"send_now": "1"}).status_code == 403
    assert volunteer.post(page("control", alert), {"command": "cancel"}).status_code == 403
    change = text(volunteer.get(reverse("admin:alerts_alert_change", args=[alert.pk])))
    assert page("send", alert) not in change
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert not AlertRecipient.objects.exists()


def test_scheduling_reads_the_time_in_the_chosen_zone(sender, make_alert, wisconsin):
    alert = make_alert()
    local = (timezone.now() + datetime.timedelta(days=2)).astimezone(
        zoneinfo.ZoneInfo("America/Chicago")
    )
    typed = local.strftime("%Y-%m-%dT%H:%M")
    response = sender.post(
        page("send", alert), {"schedule": "1", "when": typed, "zone": "America/Chicago"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SCHEDULED
    assert alert.scheduled_for == local.replace(second=0, microsecond=0)

    past = sender.post(
        page("send", alert), {"schedule": "1", "when": "2020-01-01T10:00", "zone": "UTC"}
    )
    assert past.status_code == 400
    assert "Choose a time in the future" in text(past)

    sender.post(page("control", alert), {"command": "unschedule"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT


def test_pause_resume_and_cancel_follow_the_status(sender, make_alert, wisconsin):
    alert = make_alert()
    sender.post(page("send", alert), {"send_now": "1"})
    assert 'value="pause"' in text(sender.get(page("status", alert)))
    sender.post(page("control", alert), {"command": "pause"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.PAUSED
    status = text(sender.get(page("status", alert)))
    assert 'value="resume"' in status
    assert 'value="pause"' not in status
    assert 'http-equiv="refresh"' not in status
    sender.post(page("control", alert), {"command": "resume"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENDING
    sender.post(page("control", alert), {"command": "cancel"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CANCELLED
    assert set(AlertRecipient.objects.values_list("state", flat=True)) == {"cancelled"}
    # A late click on a button of a page shown before changes nothing.
    response = sender.post(page("control", alert), {"command": "resume"}, follow=True)
    assert "nothing was changed" in text(response)
    assert sender.post(page("control", alert), {"command": "explode"}).status_code == 302
    assert sender.get(page("control", alert)).status_code == 405


def test_the_status_page_says_why_sending_stopped(sender, make_alert):
    alert = make_alert(status=Alert.Status.PAUSED, stop_reason="The mail server refused the login.")
    assert "The mail server refused the login." in text(sender.get(page("status", alert)))
