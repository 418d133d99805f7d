import types

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


def sign_from(client, petition, email, ip, **changes):
    return client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}),
        form_data(email=email, **changes),
        REMOTE_ADDR=ip,
    )


def test_over_the_limit_is_held_and_told_so_then_released(client, limits_backend):
    petition = PetitionFactory()
    answers = [
        sign_from(client, petition, f"person{n}@example.org", "203.0.113.7") for n in range(3)
    ]
    # Stored either way; the held one is not promised a mail that will not come yet.
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert [a["Location"].endswith("?held=1") for a in answers] == [False, False, True]
    held = Signature.objects.get(held_at__isnull=False)
    assert held.email == "person2@example.org"
    assert DBTaskResult.objects.count() == 2  # no mail for the held one
    assert not held.ip_hash.startswith("203")

    services.release_held(Signature.objects.filter(pk=held.pk))
    assert DBTaskResult.objects.count() == 3  # its confirmation mail, now
    services.confirm(held)
    assert services.confirmed_count(petition) == 1


def test_the_email_domain_limit_applies_across_addresses(client, limits_backend):
    petition = PetitionFactory()
    for n in range(4):
        sign_from(client, petition, f"p{n}@spam.example", f"198.51.100.{n}")
    assert Signature.objects.filter(held_at__isnull=False).count() == 1
    assert Signature.objects.filter(email_domain="spam.example").count() == 4


def test_limits_count_per_petition(client, limits_backend):
    first, second = PetitionFactory(), PetitionFactory()
    for n in range(2):
        sign_from(client, first, f"a{n}@example.org", "203.0.113.7")
        sign_from(client, second, f"b{n}@example.org", "203.0.113.7")
    assert not Signature.objects.filter(held_at__isnull=False).exists()


def test_a_new_window_starts_counting_again(client, low_limits, monkeypatch):
    from tocsin.core import ratelimits

    petition = PetitionFactory()
    now = 1_800_000_000.0
    monkeypatch.setattr(ratelimits, "time", types.SimpleNamespace(time=lambda: now))
    for n in range(2):
        sign_from(client, petition, f"old{n}@example.org", "203.0.113.7")
    monkeypatch.setattr(ratelimits, "time", types.SimpleNamespace(time=lambda: now + 60))
    sign_from(client, petition, "new@example.org", "203.0.113.7")
    assert not Signature.objects.filter(held_at__isnull=False).exists()


def test_an_organizer_raises_a_limit_without_a_deploy(client, low_limits):
    petition = PetitionFactory()
    for n in range(2):
        sign_from(client, petition, f"p{n}@example.org", "203.0.113.7")
    low_limits.signatures_per_ip_per_minute = 50
    low_limits.save()  # as the back office does: the cached switches are forgotten
    sign_from(client, petition, "third@example.org", "203.0.113.7")
    assert not Signature.objects.filter(held_at__isnull=False).exists()
