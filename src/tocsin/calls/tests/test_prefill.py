"""Issue 18: an alert's call button. A recipient whose ZIP code is known goes straight to their
own legislators; the token travels through the flow (never their ZIP code or address in the
clear) to the thank-you page, whose address form it fills in. A token that does not hold
changes nothing."""

import html
import re
import time
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from django.urls import reverse

from tocsin.calls.models import CallReport, Outcome
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.services import erase_supporter

pytestmark = pytest.mark.django_db

# What would give the person away in a URL, decoded; each too long or too odd (an accent, a
# dot, a space) to turn up by chance inside a signed token.
PERSONAL = ("Ana López", "López", "ana.lopez", "example.org")


def value_of(page: str, name: str) -> str:
    """The value of the page's input `name`; blank when it has none, or no such input."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return html.unescape(value.group(1)) if value else ""


def person_of(action, postcode: str, district: str = ""):
    return SupporterFactory(
        organization=action.campaign.organization,
        name="Ana López",
        email="ana.lopez@example.org",
        postcode=postcode,
        district=district,
    )


def start(client, action, token: str, **query):
    url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    return client.get(url, {prefill.PARAMETER: token, **query})


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_names_nobody(url: str, postcode: str) -> None:
    decoded = unquote_plus(url)
    for personal in (*PERSONAL, postcode):
        assert personal not in decoded


def report(client, action, page: str, outcome=Outcome.TALKED):
    fields = ("key", "position", "total", "target", "office", "tried", "place", "source", "p")
    data = {name: value_of(page, name) for name in fields} | {"outcome": outcome}
    return client.post(reverse("calls:report", kwargs={"slug": action.campaign.slug}), data)


def test_a_known_zip_goes_straight_to_the_representative_and_the_token_to_the_thanks(client, demo):
    action = demo["hr1299"]
    person = person_of(action, "53703")
    token = prefill.token_for(person)

    started = start(client, action, token, source="alert-5")

    assert started.status_code == 302
    step_path = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": 0})
    assert started["Location"].startswith(step_path)
    assert query_of(started["Location"])[prefill.PARAMETER] == token
    assert_names_nobody(started["Location"], "53703")
    assert "no-store" in started["Cache-Control"]

    step = client.get(started["Location"])
    page = step.content.decode()
    assert "Mark Pocan" in page
    assert value_of(page, "p") == token
    assert "no-store" in step["Cache-Control"]
    assert step["Referrer-Policy"] == "same-origin"

    reported = report(client, action, page)
    assert reported.status_code == 302
    assert query_of(reported["Location"])[prefill.PARAMETER] == token
    assert_names_nobody(reported["Location"], "53703")
    assert CallReport.objects.get().place == "WI-2"
    assert CallReport.objects.get().source == "alert-5"

    # Pocan is the only person this action calls from 53703: the thank-you page follows.
    done = client.get(reported["Location"])
    assert done.request["PATH_INFO"] == reverse("calls:done", kwargs={"slug": action.campaign.slug})
    assert value_of(done.content.decode(), "email") == "ana.lopez@example.org"
    assert "no-store" in done["Cache-Control"]


def test_a_split_zip_with_the_persons_known_district_goes_straight_to_it(client, demo):
    action = demo["hr1299"]
    person = person_of(action, "91711", district="CA-28")

    started = start(client, action, prefill.token_for(person))

    assert started.status_code == 302
    assert "Judy Chu" in client.get(started["Location"]).content.decode()


def test_a_split_zip_asks_which_district_and_carries_the_token_on(client, demo):
    action = demo["hr1299"]
    person = person_of(action, "91711")
    token = prefill.token_for(person)

    asked = start(client, action, token)
    page = asked.content.decode()

    assert asked.status_code == 200
    assert "split between 6 districts" in page
    assert value_of(page, "zip") == "91711"
    assert value_of(page, "p") == token
    picked = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}),
        {"zip": "91711", "district": "CA-28", "p": token},
    )
    assert picked.status_code == 302
    assert query_of(picked["Location"])[prefill.PARAMETER] == token
    assert "Judy Chu" in client.get(picked["Location"]).content.decode()


def test_a_postcode_that_is_no_zip_code_is_asked_for_as_from_anyone(client, demo):
    action = demo["hr1299"]
    person = person_of(action, "SW1A 1AA")
    token = prefill.token_for(person)

    asked = start(client, action, token)
    page = asked.content.decode()

    assert asked.status_code == 200
    assert value_of(page, "zip") == ""
    assert 'id="error-summary"' not in page
    # Typed in by hand, the ZIP code still leads on with the token.
    typed = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}),
        {"zip": "53703", "p": value_of(page, "p")},
    )
    assert query_of(typed["Location"])[prefill.PARAMETER] == token


@pytest.mark.parametrize("kind", ["forged", "expired", "other group", "erased"])
def test_a_token_that_does_not_hold_asks_as_usual_and_is_dropped(client, demo, kind, monkeypatch):
    action = demo["hr1299"]
    person = person_of(action, "53703")
    token = prefill.token_for(person)
    if kind == "forged":
        token = token.replace(":", ":x", 1)
    elif kind == "expired":
        later = time.time() + 15 * 86400
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    elif kind == "other group":
        token = prefill.token_for(
            SupporterFactory(organization=OrganizationFactory(), postcode="53703")
        )
    else:
        erase_supporter(person)

    asked = start(client, action, token)
    page = asked.content.decode()

    assert asked.status_code == 200
    assert value_of(page, "zip") == ""
    assert 'name="p"' not in page
    typed = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}),
        {"zip": "53703", "p": token},
    )
    assert prefill.PARAMETER not in query_of(typed["Location"])


def test_a_fixed_list_fills_the_thanks_address_form_from_the_token(client, desk_action):
    action = desk_action[0]
    person = person_of(action, "")
    token = prefill.token_for(person)

    started = start(client, action, token)
    page = client.get(started["Location"]).content.decode()
    done = client.get(report(client, action, page)["Location"])

    assert value_of(done.content.decode(), "email") == "ana.lopez@example.org"
    # "Call again" starts a new round that still knows the person.
    again = html.unescape(re.search(r'href="([^"]*)">Call again', done.content.decode()).group(1))
    assert query_of(again)[prefill.PARAMETER] == token


def test_without_a_token_the_thanks_address_form_is_empty(client, desk_action):
    action = desk_action[0]
    started = client.get(reverse("calls:start", kwargs={"slug": action.campaign.slug}))
    page = client.get(started["Location"]).content.decode()
    done = client.get(report(client, action, page)["Location"])

    assert value_of(done.content.decode(), "email") == ""
    assert "no-store" not in done.get("Cache-Control", "")
