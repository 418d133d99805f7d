"""Issue 18: an alert's RSVP button opens the event page, whose answer buttons carry the token
on; the answer form is then filled in. A token that does not hold fills nothing."""

import html
import re
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tocsin.events.models import Rsvp
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.services import erase_supporter

from .conftest import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]


@pytest.fixture
def person(session):
    return SupporterFactory(
        organization=session.event.organization,
        name="Ana López",
        email="ana.lopez@example.org",
        postcode="WC1E 7HY",
    )


def value_of(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def filled_in(page: str) -> tuple[str, str, str]:
    return value_of(page, "name"), value_of(page, "email"), value_of(page, "postcode")


def answer_link(page: str, session) -> str:
    path = reverse("events:rsvp", args=[session.event.slug, session.pk])
    return html.unescape(re.search(rf'href="({re.escape(path)}[^"]*)"', page).group(1))


def test_the_event_page_carries_the_token_to_the_filled_in_answer_form(client, session, person):
    token = prefill.token_for(person)
    event_page = client.get(
        reverse("events:detail", args=[session.event.slug]),
        {"source": "alert-3", prefill.PARAMETER: token},
    )
    assert "no-store" in event_page["Cache-Control"]
    link = answer_link(event_page.content.decode(), session)
    assert urlencode({prefill.PARAMETER: token}) in link
    assert "source=alert-3" in link

    answer_page = client.get(link)

    assert filled_in(answer_page.content.decode()) == (
        "Ana López",
        "ana.lopez@example.org",
        "WC1E 7HY",
    )
    assert "no-store" in answer_page["Cache-Control"]
    assert answer_page["Referrer-Policy"] == "same-origin"

    # The form posts back to the same address; where it goes next names nobody.
    answered = client.post(link, form_data(email="ana.lopez@example.org", source="alert-3"))
    assert answered.status_code == 302
    assert prefill.PARAMETER + "=" not in answered["Location"]
    for personal in ("Ana", "López", "ana.lopez", "WC1E"):
        assert personal.lower() not in answered["Location"].lower()
    assert Rsvp.objects.get().source == "alert-3"


def test_without_a_token_the_event_page_links_as_before(client, session):
    page = client.get(reverse("events:detail", args=[session.event.slug]), {"source": "radio"})
    path = reverse("events:rsvp", args=[session.event.slug, session.pk])
    assert answer_link(page.content.decode(), session) == f"{path}?source=radio"
    assert "no-store" not in page.get("Cache-Control", "")


@pytest.mark.parametrize("kind", ["forged", "expired", "other group", "erased"])
def test_a_token_that_does_not_hold_fills_nothing(client, session, person, kind, monkeypatch):
    token = prefill.token_for(person)
    if kind == "forged":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif kind == "expired":
        later = time.time() + 15 * 86400
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    elif kind == "other group":
        token = prefill.token_for(SupporterFactory(organization=OrganizationFactory()))
    else:
        erase_supporter(person)
    url = reverse("events:rsvp", args=[session.event.slug, session.pk])

    response = client.get(url, {prefill.PARAMETER: token})
    event_page = client.get(
        reverse("events:detail", args=[session.event.slug]), {prefill.PARAMETER: token}
    )

    assert response.status_code == 200
    assert filled_in(response.content.decode()) == ("", "", "")
    assert prefill.PARAMETER + "=" not in answer_link(event_page.content.decode(), session)
