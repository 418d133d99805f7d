"""Issue 14, finding 4: behind nginx or Caddy every request comes from the proxy, so limits and
the login lockout must use the address the trusted proxies saw, and nothing a client wrote."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tocsin.core.http import client_ip
from tocsin.core.models import Switches
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

PROXY = "127.0.0.1"


def request(remote_addr=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded", "expected"),
    [
        # No proxy (the default): whatever a client writes in the header is ignored.
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # One proxy: the address it appended, not the one the client made up before it.
        (1, PROXY, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, " 2001:db8::7 ", "2001:db8::7"),
        # Two proxies (a load balancer, then nginx): the second address from the right.
        (2, PROXY, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        # Fewer addresses than proxies, or one that is not an address: the proxy itself, never
        # a value the client chose.
        (2, PROXY, "203.0.113.9", PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, None, PROXY),
        (1, PROXY, "198.51.100.1, not-an-address", PROXY),
        (1, PROXY, "203.0.113.9:443", PROXY),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies(
    settings, proxies, remote_addr, forwarded, expected
):
    settings.TOCSIN_TRUSTED_PROXIES = proxies
    assert client_ip(request(remote_addr, forwarded)) == expected


def sign_via_proxy(client, petition, email, forwarded):
    return client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}),
        form_data(email=email),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_signers_behind_the_proxy_are_limited_each_by_their_own_address(client, settings):
    settings.TOCSIN_TRUSTED_PROXIES = 1
    switches, _created = Switches.objects.get_or_create(pk=1)
    switches.signatures_per_ip_per_minute = 1
    switches.save()
    petition = PetitionFactory()
    sign_via_proxy(client, petition, "ana@example.org", "203.0.113.1")
    sign_via_proxy(client, petition, "bo@example.org", "203.0.113.2")
    # The same person changing the header they send is still the same address to the proxy.
    sign_via_proxy(client, petition, "cy@example.org", "198.51.100.9, 203.0.113.2")
    held = set(Signature.objects.filter(held_at__isnull=False).values_list("email", flat=True))
    assert held == {"cy@example.org"}


def log_in(client, username, password, forwarded):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_out_another(client, settings):
    settings.TOCSIN_TRUSTED_PROXIES = 1
    organizer = OrganizerFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, organizer.username, "wrong", "203.0.113.66")
    assert log_in(client, organizer.username, "wrong", "203.0.113.66").status_code == 429
    answer = log_in(client, organizer.username, "a long organizer passphrase", "203.0.113.1")
    assert answer.status_code == 302  # logged in
