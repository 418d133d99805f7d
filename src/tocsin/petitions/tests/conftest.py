import uuid

import pytest
import redis

from tocsin.core.models import Switches


@pytest.fixture
def low_limits(db):
    """The back office's limits set low enough to run into: two signatures per address a
    minute, three per email domain an hour."""
    switches, _created = Switches.objects.get_or_create(pk=1)
    switches.signatures_per_ip_per_minute = 2
    switches.signatures_per_domain_per_hour = 3
    switches.save()
    return switches


@pytest.fixture(params=["memory", "redis"])
def limits_backend(request, settings, low_limits):
    """The rate limits counted in this process's cache, then in the real local Redis (shared
    by several web servers)."""
    if request.param == "redis":
        url = "redis://127.0.0.1:6379/15"
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
        settings.REDIS_URL = url
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"tocsin-test-{uuid.uuid4().hex[:8]}",
            }
        }
    return request.param
