"""Issue 18: an alert's button opens the petition with the form filled in from a signed token,
and signing with the address the alert went to counts at once (one tap); without the token,
or with another address, the confirmation mail goes as before."""

import html
import re
import time
from urllib.parse import unquote_plus

import pytest
from django.urls import reverse

from tocsin.organizations.factories import OrganizationFactory
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import started_value
from tocsin.petitions.models import Signature
from tocsin.supporters import prefill
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Activity, Consent
from tocsin.supporters.services import erase_supporter

pytestmark = pytest.mark.django_db

# What would give the person away in a URL, decoded; each too long or too odd (an accent, a
# dot, a space) to turn up by chance inside a signed token.
PERSONAL = ("Ana López", "López", "ana.lopez", "example.org", "53703")


@pytest.fixture
def petition():
    return PetitionFactory(ask_country=True)


@pytest.fixture
def person(petition):
    # A supporter of the campaign's organization, as an alert's audience is.
    person = SupporterFactory(
        organization=petition.campaign.organization,
        name="Ana López",
        email="ana.lopez@example.org",
        postcode="53703",
        country="US",
    )
    ConsentFactory(supporter=person)
    return person


def sign_url(petition, token=None) -> str:
    url = reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})
    return f"{url}?source=alert-7&{prefill.PARAMETER}={token}" if token else url


def value_of(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def filled_in(page: str) -> dict:
    return {name: value_of(page, name) for name in ("name", "email", "postcode", "country")}


EMPTY = {"name": "", "email": "", "postcode": "", "country": ""}


def the_form(**changes) -> dict:
    # Sent the moment the page is shown: the one tap.
    return {
        "name": "Ana López",
        "email": "ana.lopez@example.org",
        "postcode": "53703",
        "country": "US",
        "source": "alert-7",
        "started": started_value(time.time()),
        **changes,
    }


def test_the_alerts_link_opens_the_petition_filled_in_and_kept_private(client, petition, person):
    response = client.get(sign_url(petition, prefill.token_for(person)))
    page = response.content.decode()

    assert response.status_code == 200
    assert filled_in(page) == {
        "name": "Ana López",
        "email": "ana.lopez@example.org",
        "postcode": "53703",
        "country": "US",
    }
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    # The token in the address goes to no other site.
    assert response["Referrer-Policy"] == "same-origin"
    # The form posts back to the page's own address, so the token goes with it.
    assert re.search(r'<form method="post"(?![^>]*action=)', page)
    assert value_of(page, "source") == "alert-7"
    assert "counts at once" in page
    assert "email you a link to confirm. Your signature counts once" not in page


def test_a_page_without_a_token_is_not_made_private(client, petition, person):
    response = client.get(sign_url(petition))
    assert filled_in(response.content.decode()) == EMPTY
    assert "counts at once" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("kind", ["forged", "expired", "other group", "erased"])
def test_a_token_that_does_not_hold_fills_nothing_and_says_nothing(
    client, petition, person, kind, monkeypatch
):
    token = prefill.token_for(person)
    if kind == "forged":
        token = token[:-3] + "abc"
    elif kind == "expired":
        later = time.time() + 15 * 86400  # TOCSIN_PREFILL_DAYS is 14
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    elif kind == "other group":
        stranger = SupporterFactory(organization=OrganizationFactory(), name="Someone Else")
        token = prefill.token_for(stranger)
    else:
        erase_supporter(person)

    response = client.get(sign_url(petition, token))
    page = response.content.decode()

    assert response.status_code == 200
    assert filled_in(page) == EMPTY
    assert "Someone Else" not in page
    assert 'id="error-summary"' not in page


def test_signing_with_the_alerts_address_counts_at_once_without_a_mail(
    client, petition, person, smtp_server, run_tasks
):
    partner_consent = f"consent_{petition.campaign.organization.pk}"
    response = client.post(
        sign_url(petition, prefill.token_for(person)), the_form(**{partner_consent: "on"})
    )

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None
    assert signature.source == "alert-7"
    assert response["Location"] == reverse(
        "petitions:confirm", kwargs={"token": services.confirmation_token(signature)}
    )
    assert not any(part in unquote_plus(response["Location"]) for part in PERSONAL)
    assert services.public_count(petition).confirmed == 1
    assert Activity.objects.filter(supporter=person, kind=Activity.Kind.SIGNED).count() == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "your signature counts" in thanks

    run_tasks()
    assert smtp_server.messages == []


def test_a_newcomers_consent_ticked_with_a_proven_address_is_current(client, petition):
    # Someone the organization knew without a consent (they called once, say).
    person = SupporterFactory(organization=petition.campaign.organization, email="b@example.org")
    organization = petition.campaign.organization
    client.post(
        sign_url(petition, prefill.token_for(person)),
        the_form(email="b@example.org", **{f"consent_{organization.pk}": "on"}),
    )
    consent = Consent.objects.get(supporter=person)
    assert consent.confirmed_at is not None


def test_without_the_token_the_confirmation_mail_goes_as_before(
    client, petition, person, smtp_server, run_tasks
):
    response = client.post(sign_url(petition), the_form(started=started_value(time.time() - 30)))

    assert response.status_code == 302
    assert "check-your-email" in response["Location"]
    assert Signature.objects.get().confirmed_at is None
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "ana.lopez@example.org"


def test_another_address_with_the_token_is_not_proven(
    client, petition, person, smtp_server, run_tasks
):
    response = client.post(
        sign_url(petition, prefill.token_for(person)),
        the_form(email="friend@example.net", started=started_value(time.time() - 30)),
    )

    assert "check-your-email" in response["Location"]
    assert Signature.objects.get().confirmed_at is None
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "friend@example.net"


def test_another_address_sent_at_once_is_still_asked_to_send_again(client, petition, person):
    response = client.post(
        sign_url(petition, prefill.token_for(person)), the_form(email="friend@example.net")
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_an_expired_token_proves_nothing(client, petition, person, monkeypatch):
    token = prefill.token_for(person)
    later = time.time() + 15 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    client.post(sign_url(petition, token), the_form(started=started_value(later - 30)))

    assert Signature.objects.get().confirmed_at is None


def test_signing_again_from_the_alert_confirms_a_signature_still_waiting(client, petition, person):
    client.post(sign_url(petition), the_form(started=started_value(time.time() - 30)))
    assert Signature.objects.get().confirmed_at is None

    again = client.post(sign_url(petition, prefill.token_for(person)), the_form())

    assert "/petitions/confirm/" in again["Location"]
    assert Signature.objects.get().confirmed_at is not None
    assert services.public_count(petition).confirmed == 1


def test_a_held_signature_waits_for_an_organizer_even_with_the_token(client, petition, person):
    response = client.post(
        sign_url(petition, prefill.token_for(person)), the_form(website="http://spam.example")
    )

    assert response["Location"].endswith("?held=1")
    signature = Signature.objects.get()
    assert signature.held_at is not None
    assert signature.confirmed_at is None
