"""The owners' webhook pages: scoped to their own organizations, owners only, recorded."""

import pytest
from django.test import Client
from django.urls import reverse
from standardwebhooks import Webhook

from tocsin.audit.models import Entry
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Role
from tocsin.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def theirs():
    return OrganizationFactory(name="Their Group")


@pytest.fixture
def their_endpoint(theirs):
    return Endpoint.objects.create(
        organization=theirs, url="https://93.184.215.14/theirs", events=["rsvp.made"]
    )


def test_an_owner_adds_an_endpoint_sees_its_secret_and_it_is_recorded(owner, ours, settings):
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = False
    client = signed_in(owner)
    assert client.get(reverse("webhooks:index")).status_code == 200
    response = client.post(
        reverse("webhooks:new"),
        {
            "url": "https://93.184.215.14/hooks",
            "description": "Our CRM",
            "events": ["signature.confirmed", "donation.succeeded"],
        },
    )
    assert response.status_code == 302
    [endpoint] = Endpoint.objects.all()
    assert endpoint.organization == ours
    assert endpoint.events == ["donation.succeeded", "signature.confirmed"]
    assert endpoint.created_by == owner
    assert endpoint.secret.startswith("whsec_")
    Webhook(endpoint.secret)  # a secret the library takes
    page = client.get(response["Location"])
    assert endpoint.secret in page.content.decode()
    assert Entry.objects.filter(event="webhook_created", organization=ours).exists()
    listing = client.get(reverse("webhooks:index")).content.decode()
    assert "https://93.184.215.14/hooks" in listing
    assert "Our CRM" in listing


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hooks", "https://"),
        ("https://127.0.0.1/hooks", "network"),
        ("https://169.254.169.254/", "network"),
        ("https://localhost:8000/", "network"),
        ("https://[::1]/", "network"),
        ("not a url", "https://"),
    ],
)
def test_the_form_refuses_plain_http_and_private_addresses(owner, settings, url, message):
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = False
    response = signed_in(owner).post(reverse("webhooks:new"), {"url": url, "events": ["rsvp.made"]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_no_event_chosen_is_a_clear_400(owner):
    response = signed_in(owner).post(
        reverse("webhooks:new"), {"url": "https://93.184.215.14/x", "events": ["nonsense"]}
    )
    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()


def test_another_organizations_endpoints_are_404_and_not_listed(owner, their_endpoint):
    client = signed_in(owner)
    assert their_endpoint.url not in client.get(reverse("webhooks:index")).content.decode()
    pk = their_endpoint.pk
    assert client.get(reverse("webhooks:detail", args=[pk])).status_code == 404
    assert client.get(reverse("webhooks:edit", args=[pk])).status_code == 404
    for name in ("ping", "set-active", "delete"):
        assert client.post(reverse(f"webhooks:{name}", args=[pk])).status_code == 404
    delivery = Delivery.objects.create(endpoint=their_endpoint, event="ping")
    url = reverse("webhooks:redeliver", args=[pk, delivery.pk])
    assert client.post(url).status_code == 404
    their_endpoint.refresh_from_db()
    assert their_endpoint.is_active


def test_a_campaigner_may_not_manage_webhooks(ours):
    campaigner = OrganizerFactory(organizations=[ours], organizations__role=Role.CAMPAIGNER)
    endpoint = Endpoint.objects.create(organization=ours, url="https://93.184.215.14/x")
    client = signed_in(campaigner)
    assert client.get(reverse("webhooks:index")).status_code == 403
    assert client.get(reverse("webhooks:new")).status_code == 403
    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 404
    assert Client().get(reverse("webhooks:index")).status_code == 302  # to the sign-in


def test_ping_log_disable_enable_redeliver_and_delete(owner, ours, receiver, run_tasks):
    client = signed_in(owner)
    endpoint = Endpoint.objects.create(organization=ours, url=receiver.url, events=["rsvp.made"])
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    receiver.answers = [500]
    assert client.post(reverse("webhooks:ping", args=[endpoint.pk])).status_code == 302
    run_tasks()
    [delivery] = Delivery.objects.filter(endpoint=endpoint)
    assert delivery.last_response_code == 500
    page = client.get(detail).content.decode()
    assert "<span data-code>500</span>" in page
    # Disabled: what was on its way is given up, and can be sent again once enabled.
    client.post(reverse("webhooks:set-active", args=[endpoint.pk]), {"active": "0"})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.GIVEN_UP
    assert Entry.objects.filter(event="webhook_revoked", organization=ours).exists()
    redeliver = reverse("webhooks:redeliver", args=[endpoint.pk, delivery.pk])
    client.post(redeliver)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.GIVEN_UP  # not while disabled
    client.post(reverse("webhooks:set-active", args=[endpoint.pk]), {"active": "1"})
    client.post(redeliver)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery.webhook_id] * 2
    client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert not Endpoint.objects.exists()
    assert Entry.objects.filter(event="webhook_deleted", organization=ours).exists()


def test_editing_changes_the_events_and_keeps_the_secret(owner, ours):
    endpoint = Endpoint.objects.create(
        organization=ours, url="https://93.184.215.14/x", events=["rsvp.made"]
    )
    secret = endpoint.secret
    response = signed_in(owner).post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": "https://93.184.215.14/y", "events": ["person.joined", "person.unsubscribed"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/y")
    assert endpoint.events == ["person.joined", "person.unsubscribed"]
    assert endpoint.secret == secret
