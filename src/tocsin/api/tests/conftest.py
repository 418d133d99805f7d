import pytest
from django.core.cache import cache
from django.test import Client

from tocsin.api.models import ApiKey
from tocsin.organizations.factories import OrganizationFactory


class Api:
    """A client that sends one key in the OSDI-API-Token header."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.key = key

    def _headers(self, extra):
        headers = {"HTTP_OSDI_API_TOKEN": self.key} if self.key else {}
        return {**headers, **extra}

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, **self._headers(extra))

    def post(self, path, body=None, *, raw=None, content_type="application/json", **extra):
        import json

        payload = raw if raw is not None else json.dumps(body)
        return self.client.post(path, payload, content_type=content_type, **self._headers(extra))

    def delete(self, path, **extra):
        return self.client.delete(path, **self._headers(extra))


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Group A")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Group B")


@pytest.fixture
def api(org):
    _row, key = ApiKey.make(organization=org, name="sync", can_write=True)
    return Api(key)


@pytest.fixture
def read_api(org):
    _row, key = ApiKey.make(organization=org, name="read", can_write=False)
    return Api(key)


@pytest.fixture
def other_api(other_org):
    _row, key = ApiKey.make(organization=other_org, name="theirs", can_write=True)
    return Api(key)
