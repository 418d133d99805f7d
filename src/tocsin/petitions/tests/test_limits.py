import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tocsin.petitions import limits, services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature, SigningCount
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


def sign_from(client, petition, email, ip, **changes):
    return client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}),
        form_data(email=email, **changes),
        REMOTE_ADDR=ip,
    )


def test_over_the_limit_is_held_quietly_then_released(client, limits_backend):
    petition = PetitionFactory()
    answers = [
        sign_from(client, petition, f"person{n}@example.org", "203.0.113.7") for n in range(3)
    ]
    assert {a["Location"] for a in answers} == {answers[0]["Location"]}  # no tell-tale error
    held = Signature.objects.get(held_at__isnull=False)
    assert held.email == "person2@example.org"
    assert DBTaskResult.objects.count() == 2  # no mail for the held one
    assert not held.ip_hash.startswith("203")

    assert services.fold_counts(petition).pending == 2  # held ones are not counted at all

    services.release_held(Signature.objects.filter(pk=held.pk))
    assert DBTaskResult.objects.count() == 3  # its confirmation mail, now
    services.confirm(held)
    assert services.fold_counts(petition).confirmed == 1


def test_the_email_domain_limit_applies_across_addresses(client, limits_backend):
    petition = PetitionFactory()
    for n in range(4):
        sign_from(client, petition, f"p{n}@spam.example", f"198.51.100.{n}")
    assert Signature.objects.filter(held_at__isnull=False).count() == 1
    assert Signature.objects.filter(email_domain="spam.example").count() == 4


def test_without_redis_the_limit_adds_up_every_worker_process(client, settings, monkeypatch):
    settings.TOCSIN_SIGN_LIMITS = {"country": [[3600, 3]]}
    petition = PetitionFactory()
    for n, pid in enumerate([101, 102, 103, 104]):  # four gunicorn workers, four shards
        monkeypatch.setattr(limits.os, "getpid", lambda pid=pid: pid)
        sign_from(client, petition, f"p{n}@example.org", f"198.51.100.{n}", country="MX")

    assert SigningCount.objects.filter(kind="country").count() == 4
    assert Signature.objects.filter(held_at__isnull=False).get().email == "p3@example.org"


def test_ended_windows_are_forgotten_and_current_ones_kept(client, settings, monkeypatch):
    settings.TOCSIN_SIGN_LIMITS = {"ip": [[60, 10], [3600, 100]]}
    petition = PetitionFactory()
    an_hour_ago = time.time() - 3600
    monkeypatch.setattr(limits.time, "time", lambda: an_hour_ago)
    sign_from(client, petition, "old@example.org", "203.0.113.7")
    monkeypatch.undo()
    sign_from(client, petition, "new@example.org", "203.0.113.7")
    assert SigningCount.objects.count() == 4

    assert limits.forget_old_counts() == 2

    assert sorted(SigningCount.objects.values_list("window", flat=True)) == [60, 3600]
    assert not Signature.objects.filter(held_at__isnull=False).exists()
