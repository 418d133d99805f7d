import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from tocsin.fundraising.factories import FundraiserFactory

PAYLOADS = Path(__file__).parent / "payloads"
WEBHOOK_SECRET = "whsec_test_0123456789abcdefTOCSIN"
SECRET_KEY = "sk_test_0123456789abcdefTOCSIN"


def payload(name: str, fundraiser=None, **changes) -> dict:
    """A recorded event from tests/payloads, pointed at `fundraiser`; `changes` go into the
    event's object ("amount_total": 0) or, with a dotted key, into the event ("id": …)."""
    text = (PAYLOADS / name).read_text()
    if fundraiser is not None:
        text = text.replace("{fundraiser}", str(fundraiser.pk))
    event = json.loads(text)
    for key, value in changes.items():
        if key.startswith("event_"):
            event[key.removeprefix("event_")] = value
        else:
            event["data"]["object"][key] = value
    return event


def signature_header(body: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """What Stripe sends: t=<unix time>,v1=<HMAC-SHA256 of "t.body" with the endpoint secret>."""
    import hashlib
    import hmac

    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    return settings


@pytest.fixture
def post_event(client, stripe_keys):
    """Send an event to the webhook as Stripe would, signed unless told otherwise."""

    def post(event: dict | str, *, secret: str = WEBHOOK_SECRET, header: str | None = None):
        body = event if isinstance(event, str) else json.dumps(event)
        return client.post(
            reverse("fundraising:stripe-webhook"),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header if header is not None else signature_header(body, secret),
        )

    return post


@pytest.fixture
def fundraiser(db):
    return FundraiserFactory(allow_monthly=True)


class FakeStripeApi(BaseHTTPRequestHandler):
    """Stripe's API on loopback, as far as creating a Checkout Session goes."""

    requests: list = []
    fail_with: int | None = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        FakeStripeApi.requests.append(
            {"path": self.path, "form": parse_qs(body), "auth": self.headers["Authorization"]}
        )
        if FakeStripeApi.fail_with or self.path != "/v1/checkout/sessions":
            status = FakeStripeApi.fail_with or 404
            answer = {"error": {"type": "invalid_request_error", "message": "Refused by the fake"}}
        else:
            status = 200
            answer = json.loads((PAYLOADS / "checkout_session_created_response.json").read_text())
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_fake")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe(stripe_keys):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeStripeApi.requests = []
    FakeStripeApi.fail_with = None
    stripe_keys.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeStripeApi
    server.shutdown()
    server.server_close()


def form_value(request: dict, key: str) -> str:
    """One field of a form-encoded Stripe request, e.g. "line_items[0][price_data][currency]"."""
    return request["form"][key][0]
