import uuid

import pytest
import redis


@pytest.fixture(params=["database", "redis"])
def limits_backend(request, settings):
    """The rate limits counted in the database, then in the real local Redis; a few low
    limits to run into."""
    settings.TOCSIN_SIGN_LIMITS = {"ip": [[60, 2]], "domain": [[3600, 3]]}
    if request.param == "redis":
        url = "redis://127.0.0.1:6379/15"
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
        settings.REDIS_URL = url
        settings.TOCSIN_REDIS_PREFIX = f"tocsin-test-{uuid.uuid4().hex[:8]}"
    return request.param
