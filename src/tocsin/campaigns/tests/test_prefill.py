"""Issue 18: the join form filled in from an alert's token; the cached public campaign page is
the same with a token as without one, and never names anyone."""

import html
import re
import time

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.models import Consent
from tocsin.supporters.services import erase_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(status="live")


@pytest.fixture
def person(campaign):
    return SupporterFactory(
        organization=campaign.organization,
        name="Ana López",
        email="ana.lopez@example.org",
        postcode="53703",
    )


def join_url(campaign, token="") -> str:
    url = reverse("campaigns:join", kwargs={"slug": campaign.slug})
    return f"{url}?{prefill.PARAMETER}={token}" if token else url


def value_of(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def filled_in(page: str) -> tuple[str, str, str]:
    return value_of(page, "name"), value_of(page, "email"), value_of(page, "postcode")


def test_the_join_form_is_filled_in_from_the_alert(client, campaign, person):
    response = client.get(join_url(campaign, prefill.token_for(person)))

    assert filled_in(response.content.decode()) == ("Ana López", "ana.lopez@example.org", "53703")
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("kind", ["forged", "expired", "other group", "erased"])
def test_a_token_that_does_not_hold_leaves_the_join_form_empty(
    client, campaign, person, kind, monkeypatch
):
    token = prefill.token_for(person)
    if kind == "forged":
        token = "x" + token[1:]
    elif kind == "expired":
        later = time.time() + 15 * 86400
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    elif kind == "other group":
        token = prefill.token_for(SupporterFactory(organization=OrganizationFactory()))
    else:
        erase_supporter(person)

    response = client.get(join_url(campaign, token))

    assert response.status_code == 200
    assert filled_in(response.content.decode()) == ("", "", "")


def test_joining_from_the_alert_still_asks_the_address_to_confirm(client, campaign, person):
    # Joining's own page promises a mail with a button: it stays so, token or not.
    response = client.post(
        join_url(campaign, prefill.token_for(person)),
        {
            "name": "Ana López",
            "email": "ana.lopez@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:joined", kwargs={"slug": campaign.slug})
    assert Consent.objects.get(supporter=person).confirmed_at is None


def test_the_cached_campaign_page_is_the_same_with_a_token_and_names_nobody(
    client, campaign, person
):
    url = campaign.get_absolute_url()
    with_token = client.get(f"{url}?{prefill.PARAMETER}={prefill.token_for(person)}")
    without = client.get(url)

    assert with_token.status_code == without.status_code == 200
    assert with_token.content == without.content
    for personal in ("Ana", "López", "ana.lopez", prefill.token_for(person)):
        assert personal not in with_token.content.decode()
