"""The OpenAPI document validates, the docs page is rendered from it, and the owners' page
for keys: owners only, the key shown once, revocation by POST, both in the audit log."""

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from tocsin.api.models import ApiKey
from tocsin.audit.models import Entry
from tocsin.organizations.factories import OrganizerFactory
from tocsin.organizations.models import Role

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3_1():
    answer = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    spec = answer.json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any error
    paths = spec["paths"]
    for path in (
        "/api/v1/people",
        "/api/v1/petitions/{id}/signatures",
        "/api/v1/events/{id}/attendances",
        "/api/v1/fundraising_pages/{id}/donations",
        "/api/v1/advocacy_campaigns/{id}/outreaches",
        "/api/v1/tags/{id}/taggings",
    ):
        assert "get" in paths[path], path
        assert "post" in paths[path], path
    assert spec["components"]["securitySchemes"]["osdiToken"]["name"] == "OSDI-API-Token"


def test_docs_page_is_rendered_from_the_schema():
    answer = Client().get("/api/docs/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "/api/v1/petitions/{id}/signatures" in page
    assert "OSDI-API-Token" in page
    assert "Unknown field" not in page
    assert '<script src="http' not in page  # nothing from a CDN


@pytest.fixture
def owner(org):
    return OrganizerFactory(organizations=[org], organizations__role=Role.OWNER)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_owner_makes_a_key_shown_once_and_revokes_it(org, owner):
    client = signed_in(owner)
    page = client.post(
        "/organize/api-keys/", {"organization": org.pk, "name": "CRM", "can_write": "on"}
    )
    assert page.status_code == 200
    key = re.search(r'id="new-key">(tocsin_[^<]+)<', page.content.decode())[1]
    row = ApiKey.objects.get()
    assert row.can_write
    assert row.created_by == owner
    assert key not in str(ApiKey.objects.values_list().get())
    assert Api(key).get("/api/v1/").status_code == 200
    again = client.get("/organize/api-keys/").content.decode()
    assert key not in again
    assert f"tocsin_{row.prefix}_" in again
    assert client.post(f"/organize/api-keys/{row.pk}/revoke/").status_code == 302
    assert Api(key).get("/api/v1/").status_code == 401
    events = list(
        Entry.objects.filter(organization=org).exclude(event="").values_list("event", flat=True)
    )
    assert sorted(events) == ["api_key_created", "api_key_revoked"]


@pytest.mark.parametrize("role", [Role.CAMPAIGNER, Role.VOLUNTEER])
def test_only_owners_manage_keys(org, role):
    user = OrganizerFactory(organizations=[org], organizations__role=role)
    row, _key = ApiKey.make(organization=org, name="x", can_write=False)
    client = signed_in(user)
    assert client.get("/organize/api-keys/").status_code == 403
    assert client.post(f"/organize/api-keys/{row.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None


def test_an_owner_cannot_revoke_another_organizations_key(org, other_org, owner):
    theirs, _key = ApiKey.make(organization=other_org, name="x", can_write=False)
    client = signed_in(owner)
    assert client.post(f"/organize/api-keys/{theirs.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None
    assert client.get("/organize/api-keys/").content.decode().count("tocsin_") == 0
    assert client.get(f"/organize/api-keys/{theirs.pk}/revoke/").status_code == 405
