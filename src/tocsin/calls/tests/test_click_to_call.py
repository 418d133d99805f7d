import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from tocsin.calls.models import BlockedNumber, CallLeg, CallReport, ConnectSession, Outcome
from tocsin.calls.telephony import forget_stale_numbers
from tocsin.core.privacy import keyed_hash

pytestmark = pytest.mark.django_db

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SUPPORTER = "608-262-1234"


class FakeTwilioApi(BaseHTTPRequestHandler):
    """Twilio's REST API as far as creating a call goes, on loopback."""

    requests: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        FakeTwilioApi.requests.append((self.path, parse_qs(body)))
        payload = json.dumps({"sid": "CA" + uuid.uuid4().hex, "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilioApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilioApi.requests = []
    settings.TOCSIN_TELEPHONY = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+16085550100"
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    yield FakeTwilioApi
    server.shutdown()


@pytest.fixture
def action(demo):
    baldwin = demo["baldwin"]
    baldwin.click_to_call = True
    baldwin.save()
    return baldwin


def signed_post(client, url_name, session, params=None, token=AUTH_TOKEN, **kwargs):
    path = reverse(f"calls:twilio-{url_name}", kwargs={"session_id": session.pk, **kwargs})
    params = params or {}
    signature = RequestValidator(token).compute_signature("https://act.example.org" + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def ask_to_be_called(client, action, phone=SUPPORTER, ip="203.0.113.5"):
    return client.post(
        reverse("calls:connect", kwargs={"slug": action.campaign.slug}),
        {"phone": phone},
        REMOTE_ADDR=ip,
    )


def test_a_supporter_is_rung_then_put_through_to_each_office(client, twilio, action):
    response = ask_to_be_called(client, action)
    assert response.status_code == 302
    session = ConnectSession.objects.get()
    assert session.phone_number == "+16082621234"
    [(path, sent)] = twilio.requests
    assert path.endswith("/Calls.json")
    assert sent["To"] == ["+16082621234"]
    assert sent["From"] == ["+16085550100"]
    assert sent["Url"][0].endswith(f"/calls/twilio/{session.pk}/answer/")
    assert "We are calling you now" in client.get(response["Location"]).content.decode()

    answer = signed_post(client, "answer", session).content.decode()
    assert "<Gather" in answer  # a keypress first, so voicemail cannot start the calls
    connected = signed_post(client, "connect", session, {"Digits": "1"}).content.decode()
    assert 'callerId="+16082621234"' in connected
    assert "<Number>+12022245653</Number>" in connected  # Baldwin's Washington office
    assert 'hangupOnStar="true"' in connected
    assert "Appropriations Committee" in connected  # the action's introduction is read out

    leg_done = {"DialCallStatus": "completed", "DialCallDuration": "42"}
    to_desk = signed_post(client, "next", session, leg_done, position=0).content.decode()
    assert "<Number>+12027367660</Number>" in to_desk
    replay = signed_post(client, "next", session, leg_done, position=0).content.decode()
    assert "<Number>+12027367660</Number>" in replay  # a replay does not skip the desk
    assert CallReport.objects.filter(outcome=Outcome.TALKED).count() == 1

    skipped = {"DialCallStatus": "canceled", "DialCallDuration": "0"}
    last = signed_post(client, "next", session, skipped, position=1).content.decode()
    assert "<Hangup" in last
    assert list(CallLeg.objects.values_list("status", "duration_seconds")) == [
        ("completed", 42),
        ("canceled", 0),
    ]
    assert CallReport.objects.filter(outcome=Outcome.SKIPPED).count() == 1

    assert signed_post(client, "status", session, {"CallStatus": "completed"}).status_code == 204
    session.refresh_from_db()
    assert session.phone_number == ""  # kept only as long as the call needed it
    assert session.phone_hash
    assert session.status == ConnectSession.Status.COMPLETED


@pytest.mark.parametrize("name", ["answer", "connect", "status"])
def test_webhooks_without_a_valid_signature_are_refused(client, twilio, action, name):
    ask_to_be_called(client, action)
    session = ConnectSession.objects.get()
    path = reverse(f"calls:twilio-{name}", kwargs={"session_id": session.pk})
    assert client.post(path, {"CallStatus": "completed"}).status_code == 403
    forged = signed_post(client, name, session, {"CallStatus": "completed"}, token="wrong" * 6)
    assert forged.status_code == 403
    session.refresh_from_db()
    assert session.phone_number  # nothing changed


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("not a number", "Enter your phone number"),
        ("123", "not a phone number we can call"),
        ("+1 900 555 0199", "ordinary landline and mobile"),
        ("+44 20 7946 0958", "only call phone numbers in the United States"),
        ("9" * 5000, "Enter your phone number"),
    ],
)
def test_unusable_numbers_are_refused_clearly(client, twilio, action, phone, message):
    response = ask_to_be_called(client, action, phone=phone)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConnectSession.objects.exists()
    assert twilio.requests == []


def test_limits_per_number_per_ip_and_the_block_list(client, twilio, action, settings):
    assert ask_to_be_called(client, action).status_code == 302
    assert ask_to_be_called(client, action).status_code == 302
    third = ask_to_be_called(client, action)
    assert third.status_code == 400
    assert "already been called" in third.content.decode()

    settings.TOCSIN_CALLS_PER_IP_PER_HOUR = 3
    assert ask_to_be_called(client, action, phone="608-262-1235").status_code == 302
    crowded = ask_to_be_called(client, action, phone="608-262-1236")
    assert "Too many calls from this connection" in crowded.content.decode()

    BlockedNumber.objects.create(
        organization=action.campaign.organization,
        number_hash=keyed_hash("+16082621237"),
    )
    blocked = ask_to_be_called(client, action, phone="608-262-1237", ip="198.51.100.9")
    assert "cannot call this number" in blocked.content.decode()
    assert ConnectSession.objects.count() == 3


def test_without_twilio_the_console_backend_dials_nothing_and_logs_no_number(
    client, action, caplog, settings
):
    settings.TOCSIN_TELEPHONY = "console"
    with caplog.at_level(logging.INFO, logger="tocsin.calls.telephony"):
        response = ask_to_be_called(client, action)
    assert "would ring the supporter" in caplog.text
    assert "2621234" not in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert "not set up on this site" in page


def test_twilio_unreachable_is_a_clear_message_and_the_number_is_dropped(client, action, settings):
    settings.TOCSIN_TELEPHONY = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = ask_to_be_called(client, action)
    assert response.status_code == 400
    assert "could not place the call" in response.content.decode()
    session = ConnectSession.objects.get()
    assert session.phone_number == ""
    assert session.status == ConnectSession.Status.FAILED


def test_numbers_of_calls_that_never_reported_back_are_dropped(client, twilio, action):
    ask_to_be_called(client, action)
    ConnectSession.objects.update(created_at=timezone.now() - timezone.timedelta(hours=2))
    assert forget_stale_numbers() == 1
    session = ConnectSession.objects.get()
    assert session.phone_number == ""
    assert session.ended_at is not None


def test_phone_and_address_hashes_are_forgotten_after_thirty_days(client, twilio, action):
    """The hashes serve the hourly limits; a month on they serve nothing (finding 20)."""
    ask_to_be_called(client, action)
    ask_to_be_called(client, action, phone="608-262-1235", ip="198.51.100.9")
    old, recent = ConnectSession.objects.order_by("created_at")
    ConnectSession.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=31)
    )
    ConnectSession.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=29)
    )
    forget_stale_numbers()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.phone_hash, old.ip_hash) == ("", "")
    assert recent.phone_hash
    assert recent.ip_hash
    assert forget_stale_numbers() == 0  # nothing left to forget


def test_the_form_says_the_offices_will_see_the_supporter_s_number(client, action):
    """Twilio dials each office with the supporter's own number as caller ID (finding 21)."""
    start = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    page = client.get(start, follow=True).content.decode()
    assert "The offices you are put through to will see your phone number" in page
    spanish = client.get(start, HTTP_ACCEPT_LANGUAGE="es", follow=True).content.decode()
    assert "Las oficinas" in spanish
    assert "verán tu número" in spanish
