import pytest

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
def limits_backend(request, low_limits):
    """The rate limits counted in this process's cache, then in the real local Redis (shared
    by several web servers)."""
    if request.param == "redis":
        request.getfixturevalue("local_redis")
    return request.param
