"""Issue 14, finding 10: with Redis down the public site still answers (from the database), and
/readyz tells a load balancer which part is failing while /healthz only says the process
lives."""

import datetime
import re
import uuid

import pytest
import redis
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.caching import ForgivingRedisCache
from tocsin.core.models import WorkerHeartbeat
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data
from tocsin.settings.base import caches_for

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    """The production cache settings, pointed at a port where nothing listens."""
    settings.REDIS_URL = CLOSED_PORT
    settings.CACHES = caches_for(CLOSED_PORT)
    ForgivingRedisCache.forget_outages()
    yield
    ForgivingRedisCache.forget_outages()


@pytest.fixture
def worker_alive():
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=uuid.uuid4().hex, hostname="web1", pid=1, started_at=now, seen_at=now
    )


def test_public_pages_answer_from_the_database_while_redis_is_down(client, redis_down):
    campaign = CampaignFactory()
    petition = PetitionFactory(campaign=campaign)
    for _visit in range(2):  # a miss, then another: nothing was kept
        page = client.get(reverse("pages:campaign", kwargs={"slug": campaign.slug}))
        assert page.status_code == 200
        assert campaign.title in page.content.decode()
    signed = client.post(
        reverse("petitions:sign", kwargs={"slug": campaign.slug}), form_data(email="a@b.org")
    )
    assert signed.status_code == 302
    assert Signature.objects.filter(petition=petition, held_at__isnull=True).count() == 1
    assert client.get(reverse("petitions:json", kwargs={"slug": campaign.slug})).status_code == 200


def test_readiness_names_the_cache_when_redis_is_down(client, redis_down, worker_alive):
    # The pages work without the cache: the load balancer keeps this server in rotation…
    assert client.get("/readyz").status_code == 200
    # …and monitoring, asking strictly, hears that something is wrong.
    response = client.get("/readyz?strict")
    assert response.status_code == 503
    body = response.content.decode()
    assert "cache: failing" in body
    assert "database: ok" in body
    assert "worker: ok" in body
    # Liveness stays a liveness check: the process answers.
    assert client.get("/healthz").status_code == 200


def test_readiness_is_ok_when_every_part_is(client, worker_alive):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.content.decode().splitlines() == ["database: ok", "cache: ok", "worker: ok"]
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_ok_with_a_real_redis(client, settings, worker_alive):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    settings.CACHES = caches_for(url)
    assert client.get("/readyz").status_code == 200


def test_readiness_names_a_worker_never_seen_or_gone_quiet(client):
    assert client.get("/readyz").status_code == 200  # mail waits in the queue meanwhile
    assert client.get("/readyz?strict").status_code == 503
    assert "worker: never seen" in client.get("/readyz").content.decode()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    WorkerHeartbeat.objects.create(
        worker_id="old", hostname="web1", pid=1, started_at=long_ago, seen_at=long_ago
    )
    response = client.get("/readyz?strict")
    assert response.status_code == 503
    assert re.search(r"^worker: last seen 60\d seconds ago$", response.content.decode(), re.M)


def test_readiness_names_the_database_when_it_is_down(client, monkeypatch, worker_alive):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database: failing" in response.content.decode()


def test_an_unreachable_redis_behaves_as_an_empty_cache(redis_down, monkeypatch):
    from django.core.cache import cache

    assert cache.get("k") is None
    assert cache.get_or_set("k", lambda: 5) == 5
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    cache.set("k", 1)
    cache.delete_many(["a", "b"])
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    # Once it has failed, the process leaves Redis alone for a while instead of paying for
    # another attempt on every call.
    attempts = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCacheClient.get",
        lambda *args: attempts.append(args),
    )
    assert cache.get("k", "fallback") == "fallback"
    assert attempts == []
