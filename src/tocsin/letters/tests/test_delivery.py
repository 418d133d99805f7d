"""Issue 19: what happens to a letter after it is confirmed when mail cannot simply go: a
bounce from a target's address (the provider's signed tracking webhook) marks the address
bad, fails the letter and tells the organizer, and later letters to that target wait in the
delivery bundle; the bundle's CSV never runs a formula."""

import csv
import hashlib
import hmac
import io
import json
import time
import uuid

import pytest
from django.test import Client

from tocsin.letters import services
from tocsin.letters.models import BadAddress, Letter
from tocsin.letters.tests.test_services import (
    make_action,
    to_addresses,
    token_in,
    use_fallback_routes,
    write,
)
from tocsin.targets.factories import CustomTargetFactory

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-for-these-tests-only"
WEBHOOK = "/anymail/mailgun/tracking/"


@pytest.fixture(autouse=True)
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    use_fallback_routes(settings)


@pytest.fixture
def action():
    return make_action()


def bounce(recipient: str, message_id: str, event: str = "failed") -> int:
    """A permanent failure as Mailgun posts it, signed as Mailgun signs it."""
    timestamp, token = str(int(time.time())), uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(
        SIGNING_KEY.encode("ascii"), f"{timestamp}{token}".encode("ascii"), hashlib.sha256
    ).hexdigest()
    payload = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "id": uuid.uuid4().hex[:22],
            "timestamp": time.time(),
            "recipient": recipient,
            "severity": "permanent",
            "reason": "bounce",
            "delivery-status": {"code": 550, "message": "5.1.1 No such user", "description": ""},
            "message": {"headers": {"to": recipient, "message-id": message_id.strip("<>")}},
            "user-variables": {},
        },
    }
    response = Client(enforce_csrf_checks=True).post(
        WEBHOOK, json.dumps(payload), content_type="application/json"
    )
    return response.status_code


def send_one(action, smtp_server, run_tasks, **changes):
    before = len(smtp_server.messages)
    write(action, **changes)
    run_tasks()
    services.confirm(token_in(smtp_server.messages[before]))
    run_tasks()


def test_a_bounce_marks_the_targets_address_bad_and_tells_the_organizer(
    action, smtp_server, run_tasks
):
    send_one(action, smtp_server, run_tasks)
    letter = Letter.objects.get(target__name="Jane Doe")
    assert letter.state == Letter.State.SENT

    assert bounce("jane.doe@gov.example.uk", letter.message_id) == 200
    assert bounce("jane.doe@gov.example.uk", letter.message_id) == 200  # a replay
    run_tasks()

    [mark] = BadAddress.objects.all()
    assert (mark.target, mark.address) == (letter.target, "jane.doe@gov.example.uk")
    letter.refresh_from_db()
    assert letter.state == Letter.State.BOUNCED
    assert Letter.objects.get(target__name="John Roe").state == Letter.State.SENT
    notices = [
        m for m in smtp_server.messages if to_addresses(m) == ["team@privacynow.example.org"]
    ]
    assert len(notices) == 1
    assert "Jane Doe" in notices[0]["Subject"]

    # The next supporter's letter to her waits in the bundle instead of bouncing again.
    mailed_before = len(smtp_server.messages)
    send_one(action, smtp_server, run_tasks, email="second@example.org")
    assert Letter.objects.get(email="second@example.org", target__name="Jane Doe").state == (
        Letter.State.BUNDLED
    )
    new = smtp_server.messages[mailed_before:]
    assert [to_addresses(m) for m in new] == [["second@example.org"], ["roe@gov.example.uk"]]


def test_a_bounce_for_someone_elses_mail_changes_no_letter(action, smtp_server, run_tasks):
    send_one(action, smtp_server, run_tasks)
    assert bounce("jane.doe@gov.example.uk", "<unknown@elsewhere.example>") == 200
    assert not BadAddress.objects.exists()
    assert set(Letter.objects.values_list("state", flat=True)) == {Letter.State.SENT}


def test_a_target_with_no_address_and_no_form_gets_a_formula_safe_bundle(
    action, smtp_server, run_tasks
):
    desk = CustomTargetFactory(organization=action.campaign.organization, name="Export desk")
    write(action, name="=SUM(1+2)", targets=[desk])
    run_tasks()
    assert services.confirm(token_in(smtp_server.messages[0])).confirmed
    run_tasks()

    [letter] = Letter.objects.all()
    assert (letter.method, letter.state) == (Letter.Method.BUNDLE, Letter.State.BUNDLED)
    assert len(smtp_server.messages) == 1  # the confirmation only
    assert services.bundle_targets(action) == [(desk, 1)]
    rows = list(csv.reader(io.StringIO("".join(services.bundle_csv_lines(action, desk)))))
    assert len(rows) == 2
    assert rows[1][0] == "'=SUM(1+2)"
    assert "stop licensing spyware" in rows[1][6]
