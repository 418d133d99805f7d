import json
import uuid

import pytest
import redis
from django.conf import settings as django_settings

from tocsin.calls import buffer, services
from tocsin.calls.models import CallReport, CallTally, Outcome
from tocsin.calls.tests.conftest import report

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_buffer(settings):
    """The real local Redis, in a database and key prefix of the tests' own."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    settings.REDIS_URL = REDIS_URL
    settings.TOCSIN_CALL_REPORT_BUFFER = "redis"
    settings.TOCSIN_REDIS_PREFIX = f"tocsin-test-{uuid.uuid4().hex[:8]}"
    yield
    buffer.reset_for_tests()


def test_buffered_reports_reach_the_database_once_when_folded(redis_buffer, desk_action):
    action, desk, office = desk_action
    key = uuid.uuid4()
    assert report(action, desk, office, key) is True
    assert report(action, desk, office, key) is False  # the double tap
    assert report(action, desk, office, uuid.uuid4(), Outcome.BUSY) is True
    assert not CallReport.objects.exists()  # nothing written on the request path
    assert buffer.pending() == 2

    assert services.call_count(action) == 2
    assert buffer.pending() == 0
    assert CallReport.objects.count() == 2
    assert CallTally.objects.get(outcome=Outcome.BUSY).count == 1


def test_a_drain_that_is_repeated_adds_nothing_twice(redis_buffer, desk_action):
    action, desk, office = desk_action
    report(action, desk, office, uuid.uuid4())
    items = buffer.peek(10)
    services.drain_buffer()
    # As if a drain had died after its commit and before trimming the list.
    client = buffer.client()
    for item in items:
        client.rpush(f"{django_settings.TOCSIN_REDIS_PREFIX}:calls:buffer", json.dumps(item))
    services.drain_buffer()
    assert CallReport.objects.count() == 1
