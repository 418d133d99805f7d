"""Delivering webhooks to a real receiver on loopback: signatures, retries, refusals."""

import datetime
import json
import socket

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.personal_data import erase_person
from tocsin.petitions import services as petitions
from tocsin.petitions.factories import PetitionFactory
from tocsin.webhooks import services, transport
from tocsin.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def endpoint_for(organization, url, events=("signature.confirmed",)) -> Endpoint:
    return Endpoint.objects.create(organization=organization, url=url, events=list(events))


def verified(endpoint: Endpoint, request: dict) -> dict:
    """The body, after the standardwebhooks library checked its signature."""
    return Webhook(endpoint.secret).verify(request["body"], request["headers"])


def test_a_ping_arrives_signed_and_verifies(receiver, ours, run_tasks):
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    run_tasks()
    [request] = receiver.requests
    body = verified(endpoint, request)
    assert body["type"] == "ping"
    assert request["headers"]["webhook-id"] == delivery.webhook_id
    assert request["path"] == "/hooks/tocsin"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.last_response_code == 200
    assert delivery.attempts == 1
    # Another secret does not verify it: the signature is the endpoint's own.
    other = Webhook("whsec_" + "A" * 43 + "=")
    with pytest.raises(Exception, match="signature"):
        other.verify(request["body"], request["headers"])


def test_a_confirmed_signature_reaches_the_receiver_in_its_osdi_shape(receiver, ours, run_tasks):
    petition = PetitionFactory(campaign=CampaignFactory(organization=ours))
    endpoint = endpoint_for(ours, receiver.url)
    elsewhere = endpoint_for(CampaignFactory().organization, receiver.url)
    result = petitions.sign(
        petition,
        name="Ana Lima",
        email="Ana.Lima@Example.org",
        postcode="",
        country="",
        comment="Free them all",
        consents=[],
        language="en",
    )
    run_tasks()
    assert receiver.requests == []  # nothing before it is confirmed
    assert petitions.confirm(result.signature)
    assert not petitions.confirm(result.signature)  # once
    run_tasks()
    [request] = receiver.requests
    body = verified(endpoint, request)
    assert body["type"] == "signature.confirmed"
    signature = body["data"]["osdi:signature"]
    assert signature["identifiers"] == [f"tocsin:{result.signature.pk}"]
    assert signature["comments"] == "Free them all"
    assert signature["tocsin:confirmed_date"]
    person = body["data"]["person"]
    assert person["email_addresses"][0]["address"] == "ana.lima@example.org"
    assert person["given_name"] == "Ana"
    assert not Delivery.objects.filter(endpoint=elsewhere).exists()


def test_a_500_then_a_200_follows_the_schedule_and_succeeds_once(receiver, ours, run_tasks):
    receiver.answers = [500]
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    start = timezone.now()
    assert services.attempt(delivery.pk, now=start) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_response_code == 500
    assert delivery.next_attempt_at == start + services.SCHEDULE[1]
    # Not due yet: the periodic job sends nothing.
    assert services.retry_due(now=start + datetime.timedelta(seconds=4)) == 0
    assert len(receiver.requests) == 1
    assert services.retry_due(now=start + datetime.timedelta(seconds=6)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    # Later runs, and the tasks queued on the way, send nothing more.
    assert services.retry_due(now=start + datetime.timedelta(days=4)) == 0
    run_tasks()
    assert len(receiver.requests) == 2
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert ids == {delivery.webhook_id}  # the same id on each try: receivers de-duplicate
    for request in receiver.requests:
        verified(endpoint, request)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_every_try_fails_then_it_is_given_up_and_the_owners_told(receiver, ours, owner, run_tasks):
    receiver.answers = [503] * 20
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    now = timezone.now()
    gaps = []
    for tried in range(1, services.MAX_ATTEMPTS + 1):
        assert services.retry_due(now=now) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == tried
        if tried < services.MAX_ATTEMPTS:
            gaps.append(delivery.next_attempt_at - now)
            # A moment before it is due, nothing is tried.
            assert services.retry_due(now=delivery.next_attempt_at - datetime.timedelta(1e-3)) == 0
            now = delivery.next_attempt_at
    assert gaps == list(services.SCHEDULE[1:])
    assert sum(gaps, datetime.timedelta()) > datetime.timedelta(days=2, hours=12)
    assert delivery.status == Delivery.Status.GIVEN_UP
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason.startswith("failing since")
    run_tasks()
    [notice] = [m for m in mail.outbox if endpoint.url in m.body]
    assert notice.to == [owner.email]
    # Disabled: new events write nothing and nothing more is sent.
    assert services.on_happened(None, organization=ours, event="ping", instance=endpoint) == 0
    assert services.retry_due(now=now + datetime.timedelta(days=9)) == 0
    assert len(receiver.requests) == services.MAX_ATTEMPTS


def test_a_receiver_that_times_out_gets_the_event_later_exactly_once(
    receiver, ours, settings, run_tasks
):
    settings.TOCSIN_WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver.delays = [1.0]
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    start = timezone.now()
    assert services.attempt(delivery.pk, now=start) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "timed out"
    assert delivery.last_response_code is None
    assert services.retry_due(now=start + datetime.timedelta(seconds=6)) == 1
    assert services.retry_due(now=start + datetime.timedelta(hours=6)) == 0
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 2  # the one it gave up waiting for, and the success


def test_two_workers_never_make_the_same_try(receiver, ours):
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    now = timezone.now()
    stale = Delivery.objects.get(pk=delivery.pk)
    assert services._claim(stale, now)
    assert not services._claim(stale, now)  # the second worker's copy is out of date
    assert services.attempt(delivery.pk, now=now) is None  # not due: retried at +5 s


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
        "https://192.168.1.20:8443/hook",
        "http://203.0.113.9/hook",  # not https
    ],
)
def test_private_addresses_and_plain_http_are_refused(url, ours, settings):
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = endpoint_for(ours, url)
    delivery = services.ping(endpoint)
    assert services.attempt(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_response_code is None
    assert "network" in delivery.last_error or "https" in delivery.last_error


def test_a_name_that_resolves_to_loopback_is_refused(settings):
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(transport.Refused, match="network"):
        transport.resolve("localhost", 443)  # the machine's own resolver says 127.0.0.1


def test_a_name_turned_private_after_it_was_saved_is_refused_at_delivery(
    receiver, ours, settings, monkeypatch
):
    """DNS rebinding: the name was public when saved; at delivery it answers 127.0.0.1,
    where a receiver is listening. Nothing reaches it."""
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = False
    port = receiver.server.server_address[1]
    endpoint = endpoint_for(ours, f"https://hooks.example.net:{port}/hook")
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "hooks.example.net":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    delivery = services.ping(endpoint)
    assert services.attempt(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "network" in delivery.last_error
    assert receiver.requests == []


def test_public_addresses_pass_the_check():
    assert transport.is_public(transport.ipaddress.ip_address("93.184.215.14"))
    assert not transport.is_public(transport.ipaddress.ip_address("100.64.0.1"))  # carrier NAT
    assert not transport.is_public(transport.ipaddress.ip_address("fd00::1"))
    assert not transport.is_public(transport.ipaddress.ip_address("224.0.0.1"))


def test_a_redirect_is_not_followed(receiver, ours):
    receiver.answers = [302]
    endpoint = endpoint_for(ours, receiver.url)
    delivery = services.ping(endpoint)
    assert services.attempt(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_response_code == 302
    assert len(receiver.requests) == 1


def test_erasing_the_person_blanks_their_deliveries(receiver, ours, run_tasks):
    petition = PetitionFactory(campaign=CampaignFactory(organization=ours))
    receiver.answers = [500]
    endpoint_for(ours, receiver.url)
    result = petitions.sign(
        petition,
        name="Ana Lima",
        email="ana@example.org",
        postcode="",
        country="",
        comment="",
        consents=[],
        language="en",
        address_proven=True,
    )
    assert result.outcome == petitions.SignOutcome.CONFIRMED
    [delivery] = Delivery.objects.all()
    assert "ana@example.org" in json.dumps(delivery.payload)
    run_tasks()  # fails once: 500
    erased = erase_person("ANA@example.org")
    assert erased["webhooks"] == 1
    delivery.refresh_from_db()
    assert delivery.payload == {"erased": True}
    assert delivery.status == Delivery.Status.GIVEN_UP
    assert services.retry_due(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_old_successes_are_pruned(receiver, ours, run_tasks):
    endpoint = endpoint_for(ours, receiver.url)
    services.ping(endpoint)
    run_tasks()
    later = timezone.now() + services.SUCCEEDED_KEPT + datetime.timedelta(hours=1)
    assert services.prune(now=timezone.now()) == 0
    assert services.prune(now=later) == 1
    assert not Delivery.objects.exists()


def test_an_endpoint_failing_for_three_days_is_disabled_at_its_next_failure(
    receiver, ours, owner, run_tasks
):
    receiver.answers = [500, 500, 500]
    endpoint = endpoint_for(ours, receiver.url)
    first = services.ping(endpoint)
    assert services.attempt(first.pk) == Delivery.Status.FAILED
    endpoint.refresh_from_db()
    since = endpoint.failing_since
    assert since is not None
    later = services.ping(endpoint)
    almost = since + services.DISABLE_AFTER - datetime.timedelta(minutes=1)
    assert services.attempt(later.pk, now=almost) == Delivery.Status.FAILED
    endpoint.refresh_from_db()
    assert endpoint.is_active  # not yet three days
    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=since)
    assert services.attempt(later.pk, now=since + services.DISABLE_AFTER) == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.GIVEN_UP}
    run_tasks()
    assert any(endpoint.url in m.body and m.to == [owner.email] for m in mail.outbox)
