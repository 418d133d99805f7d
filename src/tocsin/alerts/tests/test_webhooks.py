"""Issue 18: the email provider's signed tracking webhooks (django-anymail, here Mailgun's) turn
hard bounces and spam complaints into the suppression list every later alert respects. A
forged signature is refused and changes nothing; the same event twice counts once."""

import hashlib
import hmac
import json
import logging
import time
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tocsin.alerts import audience
from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Consent, Supporter

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-for-these-tests-only"
WEBHOOK = "/anymail/mailgun/tracking/"
ADDRESS = "analopez@gmail.com"


@pytest.fixture(autouse=True)
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture
def ana():
    """Ana, a supporter of two groups, with the alert the first one sent her."""
    first, second = OrganizationFactory(), OrganizationFactory()
    person = SupporterFactory(email=ADDRESS, organization=first)
    ConsentFactory(supporter=person, organization=first)
    ConsentFactory(supporter=person, organization=second)
    alert = Alert.objects.create(
        organization=first,
        action_kind=Alert.ActionKind.JOIN,
        subject="Call Senator Baldwin today",
        body="Hello {first_name}",
        button_label="Call now",
        status=Alert.Status.SENT,
    )
    recipient = AlertRecipient.objects.create(
        alert=alert,
        supporter=person,
        language="en",
        state=AlertRecipient.State.SENT,
        sent_at=timezone.now(),
        message_id=f"<{uuid.uuid4().hex}@act.example.org>",
    )
    return recipient


def mailgun_event(event: str, recipient: str, message_id: str | None, **data) -> dict:
    """A tracking payload as Mailgun posts it, signed as Mailgun signs it: HMAC-SHA256 of the
    timestamp and the token with the webhook signing key."""
    timestamp, token = str(int(time.time())), uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(
        SIGNING_KEY.encode("ascii"), f"{timestamp}{token}".encode("ascii"), hashlib.sha256
    ).hexdigest()
    headers = {"to": recipient, "from": "Tocsin <act@act.example.org>", "subject": "Call"}
    if message_id:
        # Mailgun names the message without its angle brackets.
        headers["message-id"] = message_id.strip("<>")
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "id": uuid.uuid4().hex[:22],
            "timestamp": time.time(),
            "recipient": recipient,
            "message": {"headers": headers},
            "user-variables": {},
            **data,
        },
    }


HARD_BOUNCE = {
    "severity": "permanent",
    "reason": "bounce",
    "delivery-status": {"code": 550, "message": "5.1.1 No such user", "description": ""},
}


def post(payload: dict):
    return Client(enforce_csrf_checks=True).post(
        WEBHOOK, json.dumps(payload), content_type="application/json"
    )


def refused(address: str = ADDRESS):
    return set(
        Supporter.objects.filter(email=address).values_list(
            "organization_id", "mail_refused_reason"
        )
    )


def test_a_hard_bounce_refuses_the_address_for_every_group_and_later_alerts_leave_it_out(
    ana, caplog
):
    first, second = (
        ana.alert.organization,
        Consent.objects.exclude(organization=ana.alert.organization).get().organization,
    )
    other_person = Supporter.objects.get(organization=second)
    caplog.set_level(logging.DEBUG)

    response = post(mailgun_event("failed", "Ana.Lopez@gmail.com", ana.message_id, **HARD_BOUNCE))

    assert response.status_code == 200
    assert refused() == {(first.pk, "bounced"), (second.pk, "bounced")}
    ana.refresh_from_db()
    assert ana.event == AlertRecipient.Event.BOUNCED
    assert AlertRecipient.objects.filter(alert=ana.alert).counts()["bounced"] == 1
    assert not audience.people(first.pk, {}).exists()
    assert not audience.people(second.pk, {}).filter(pk=other_person.pk).exists()
    # The consents stay: the mailbox is gone, the person did not withdraw.
    assert Consent.objects.current().count() == 2
    assert "analopez" not in caplog.text.lower().replace(".", "")


def test_a_forged_signature_is_refused_and_changes_nothing(ana):
    payload = mailgun_event("failed", ADDRESS, ana.message_id, **HARD_BOUNCE)
    payload["signature"]["signature"] = hmac.new(
        b"not-the-key",
        f"{payload['signature']['timestamp']}{payload['signature']['token']}".encode(),
        hashlib.sha256,
    ).hexdigest()

    assert post(payload).status_code == 400
    unsigned = mailgun_event("complained", ADDRESS, ana.message_id)
    del unsigned["signature"]
    assert post(unsigned).status_code == 400

    assert {reason for _org, reason in refused()} == {""}
    ana.refresh_from_db()
    assert ana.event == ""
    assert audience.people(ana.alert.organization_id, {}).count() == 1


def test_the_same_event_twice_counts_once(ana):
    payload = mailgun_event("failed", ADDRESS, ana.message_id, **HARD_BOUNCE)
    assert post(payload).status_code == 200
    first_time = Supporter.objects.get(pk=ana.supporter_id).mail_refused_at

    assert post(payload).status_code == 200

    assert Supporter.objects.get(pk=ana.supporter_id).mail_refused_at == first_time
    counts = AlertRecipient.objects.filter(alert=ana.alert).counts()
    assert (counts["bounced"], counts["complained"], counts["unsubscribed"]) == (1, 0, 0)


def test_a_complaint_stops_mail_from_the_group_that_sent_the_alert_only(ana):
    first = ana.alert.organization
    second_person = Supporter.objects.exclude(organization=first).get()

    assert post(mailgun_event("complained", ADDRESS, ana.message_id)).status_code == 200

    assert refused() == {(first.pk, "complained"), (second_person.organization_id, "")}
    assert not Consent.objects.open().filter(organization=first).exists()
    assert Consent.objects.current().filter(organization=second_person.organization).exists()
    ana.refresh_from_db()
    assert ana.event == AlertRecipient.Event.COMPLAINED
    assert not audience.people(first.pk, {}).exists()
    assert list(audience.people(second_person.organization_id, {})) == [second_person]


def test_an_unsubscribe_at_the_provider_is_our_one_click_unsubscribe(ana):
    first = ana.alert.organization

    assert post(mailgun_event("unsubscribed", ADDRESS, ana.message_id)).status_code == 200

    assert not Consent.objects.open().filter(organization=first).exists()
    assert Consent.objects.current().exclude(organization=first).count() == 1
    assert {reason for _org, reason in refused()} == {""}
    ana.refresh_from_db()
    assert ana.event == AlertRecipient.Event.UNSUBSCRIBED
    assert not audience.people(first.pk, {}).exists()


def test_a_bounce_of_mail_that_was_not_an_alert_still_refuses_the_address(ana):
    """A petition's confirmation, say: no recipient to mark, but the mailbox is gone."""
    stranger = SupporterFactory(email="someone@example.net")
    ConsentFactory(supporter=stranger, organization=stranger.organization)

    response = post(mailgun_event("failed", ADDRESS, "<elsewhere@act.example.org>", **HARD_BOUNCE))

    assert response.status_code == 200
    assert {reason for _org, reason in refused()} == {"bounced"}
    assert Supporter.objects.get(pk=stranger.pk).mail_refused_at is None
    ana.refresh_from_db()
    assert ana.event == ""


def test_a_refusal_by_the_provider_counts_as_a_bounce(ana):
    rejected = {"reject": {"reason": "Not delivering to previously bounced address"}}
    assert post(mailgun_event("rejected", ADDRESS, ana.message_id, **rejected)).status_code == 200
    assert {reason for _org, reason in refused()} == {"bounced"}
    ana.refresh_from_db()
    assert ana.event == AlertRecipient.Event.BOUNCED


@pytest.mark.parametrize(
    ("event", "data"),
    [
        ("delivered", {"delivery-status": {"code": 250, "message": "OK"}}),
        ("failed", {"severity": "temporary", "reason": "generic"}),
        ("opened", {}),
    ],
)
def test_deliveries_opens_and_temporary_failures_change_nothing(ana, event, data):
    assert post(mailgun_event(event, ADDRESS, ana.message_id, **data)).status_code == 200
    assert {reason for _org, reason in refused()} == {""}
    assert Consent.objects.current().count() == 2
    ana.refresh_from_db()
    assert ana.event == ""


def test_a_bounce_names_the_message_id_of_the_mail_we_sent(
    make_alert, make_person, smtp_server, run_tasks
):
    """The Message-ID the engine put on the mail (and kept on the recipient) is the one the
    provider's event names: the bounce lands on that alert's row."""
    from tocsin.alerts import services

    ana = make_person(ADDRESS, "Ana López", state="WI")
    make_person("rosa@example.org", "Rosa Díaz", state="WI")
    alert = make_alert(audience={"state": "WI"})
    services.send_now(alert)
    run_tasks()
    [mail] = [m for m in smtp_server.messages if m["To"] == ADDRESS]

    response = post(mailgun_event("failed", ADDRESS, mail["Message-ID"], **HARD_BOUNCE))

    assert response.status_code == 200
    counts = AlertRecipient.objects.filter(alert=alert).counts()
    assert (counts["sent"], counts["bounced"]) == (2, 1)
    assert AlertRecipient.objects.get(alert=alert, supporter=ana).event == "bounced"
    assert [p.email for p in audience.people(alert.organization_id, {})] == ["rosa@example.org"]
