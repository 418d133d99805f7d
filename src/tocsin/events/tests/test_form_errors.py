"""Finding 6 of issue 15: the RSVP form announces its errors and links each to its field."""

import pytest
from django.urls import reverse

from tocsin.core.tests.form_errors import form_error_problems
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp

from .conftest import form_data

pytestmark = pytest.mark.django_db


def test_an_invalid_rsvp_announces_each_error_and_links_to_its_field(client):
    session = SessionFactory(capacity=3, event__max_guests=2)
    url = reverse("events:rsvp", args=[session.event.slug, session.pk])
    response = client.post(url, form_data(name="", email="ana@", guests="9"))
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error_problems(html) == []
    for field in ("name", "email", "guests"):
        assert f'href="#id_{field}"' in html
        assert f'id="id_{field}_error"' in html
    assert not Rsvp.objects.exists()
