"""Framed actions: who may frame them, the token and origin that replace the CSRF cookie, the
host page as the row's source, and no cookie set inside a frame."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.factories import CampaignFactory
from tocsin.campaigns.models import Campaign
from tocsin.embeds import security
from tocsin.petitions.forms import started_value
from tocsin.petitions.models import Signature

from .conftest import PARTNER

pytestmark = pytest.mark.django_db

OWN = "http://testserver"
HOST_PAGE = PARTNER + "/news/story.html?utm=x#top"


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]*)", policy).group(1).strip()


def hidden(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def sign_url(campaign, prefix="/embed/") -> str:
    return f"{prefix}c/{campaign.slug}/sign/"


def signing_data(page: str, email="ana@example.org") -> dict:
    return {
        "name": "Ana Example",
        "email": email,
        "country": "US",
        "source": hidden(page, "source"),
        "started": started_value(time.time() - 30),
        security.TOKEN_FIELD: hidden(page, security.TOKEN_FIELD),
    }


def test_listed_sites_may_frame_the_action_and_nothing_else_changes(client, embeddable):
    campaign = embeddable["campaign"]
    response = client.get(sign_url(campaign), {"host": HOST_PAGE})
    assert response.status_code == 200
    assert frame_ancestors(response) == f"'self' {PARTNER}"
    assert "X-Frame-Options" not in response
    assert not response.cookies
    page = response.content.decode()
    assert 'class="site-header"' not in page
    assert "site-footer" not in page
    assert "csrfmiddlewaretoken" not in page
    assert hidden(page, security.TOKEN_FIELD)
    # The ordinary pages stay unframeable.
    ordinary = client.get(f"/c/{campaign.slug}/sign/")
    assert frame_ancestors(ordinary) == "'none'"
    assert ordinary["X-Frame-Options"] == "DENY"
    # The campaign page only by the site itself (the organizer's phone-width preview).
    assert frame_ancestors(client.get(campaign.get_absolute_url())) == "'self'"


def test_a_campaign_with_no_listed_site_may_be_framed_by_itself_only(client, db):
    from tocsin.petitions.factories import PetitionFactory

    petition = PetitionFactory(ask_postcode=False)
    response = Client().get(sign_url(petition.campaign))
    assert response.status_code == 200
    assert frame_ancestors(response) == "'self'"


def test_drafts_unknown_campaigns_and_other_pages_are_not_found(client, embeddable):
    campaign = embeddable["campaign"]
    assert client.get("/embed/c/no-such-campaign/sign/").status_code == 404
    assert client.get("/embed/pages/").status_code == 404
    assert client.get("/embed/petitions/confirm/abc/").status_code == 404
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DRAFT)
    assert client.get(sign_url(campaign)).status_code == 404


def test_a_signature_in_the_frame_is_stored_with_the_host_page_as_its_source(client, embeddable):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign), {"host": HOST_PAGE}).content.decode()
    response = client.post(sign_url(campaign), signing_data(page), HTTP_ORIGIN=OWN)
    assert response.status_code == 302
    assert response["Location"] == f"/embed/c/{campaign.slug}/sign/check-your-email/"
    assert not response.cookies
    signature = Signature.objects.get(petition=embeddable["petition"])
    assert signature.source == "embed-partner.example-news-story.html"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert not thanks.cookies
    assert frame_ancestors(thanks) == f"'self' {PARTNER}"


def test_the_source_is_the_token_s_not_what_the_form_says(client, embeddable):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign), {"host": HOST_PAGE}).content.decode()
    data = signing_data(page) | {"source": "made-up"}
    assert client.post(sign_url(campaign), data, HTTP_ORIGIN=OWN).status_code == 302
    assert Signature.objects.get().source == "embed-partner.example-news-story.html"


def test_a_host_page_on_a_site_not_listed_is_recorded_as_plain_embed(client, embeddable):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign), {"host": "https://elsewhere.example/x"})
    assert hidden(page.content.decode(), "source") == "embed"
    # A plain iframe's first page names its host in the Referer.
    page = client.get(sign_url(campaign), HTTP_REFERER=PARTNER + "/blog/")
    assert hidden(page.content.decode(), "source") == "embed-partner.example-blog"


@pytest.mark.parametrize("problem", ["missing", "forged", "other-campaign", "other-action"])
def test_a_post_without_a_genuine_token_is_refused_and_stores_nothing(client, embeddable, problem):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign)).content.decode()
    data = signing_data(page)
    if problem == "missing":
        del data[security.TOKEN_FIELD]
    elif problem == "forged":
        data[security.TOKEN_FIELD] = data[security.TOKEN_FIELD][:-3] + "abc"
    elif problem == "other-campaign":
        other = CampaignFactory()
        data[security.TOKEN_FIELD] = security.new_token(other.pk, "sign", "embed")
    else:
        data[security.TOKEN_FIELD] = security.new_token(campaign.pk, "call", "embed")
    response = client.post(sign_url(campaign), data, HTTP_ORIGIN=OWN)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_expired_token_is_refused_and_says_so(client, embeddable, monkeypatch):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign)).content.decode()
    data = signing_data(page)
    later = time.time() + security.TOKEN_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(sign_url(campaign), data, HTTP_ORIGIN=OWN)
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": PARTNER},
        {"HTTP_ORIGIN": "null", "HTTP_REFERER": PARTNER + "/page"},
        {},
    ],
)
def test_a_post_from_another_origin_is_refused(client, embeddable, headers):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign)).content.decode()
    response = client.post(sign_url(campaign), signing_data(page), **headers)
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_referer_from_tocsin_stands_in_for_a_missing_origin(client, embeddable):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign)).content.decode()
    referer = OWN + sign_url(campaign)
    response = client.post(sign_url(campaign), signing_data(page), HTTP_REFERER=referer)
    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_a_call_reported_in_the_frame_is_stored_with_its_source(client, embeddable):
    campaign, office = embeddable["campaign"], embeddable["office"]
    start = client.get(f"/embed/c/{campaign.slug}/call/", {"host": PARTNER + "/act"})
    assert start.status_code == 302
    assert start["Location"].startswith(f"/embed/c/{campaign.slug}/call/0/")
    step = client.get(start["Location"])
    page = step.content.decode()
    assert step.status_code == 200
    assert not step.cookies
    assert f'action="/embed/c/{campaign.slug}/call/report/"' in page
    data = {
        name: hidden(page, name)
        for name in ("key", "position", "total", "target", "office", "source")
        if f'name="{name}"' in page
    } | {"outcome": Outcome.TALKED, security.TOKEN_FIELD: hidden(page, security.TOKEN_FIELD)}
    response = client.post(f"/embed/c/{campaign.slug}/call/report/", data, HTTP_ORIGIN=OWN)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/embed/c/{campaign.slug}/call/")
    # No cookie remembers the report for claiming later; the report itself is stored.
    assert not response.cookies
    report = CallReport.objects.get()
    assert (report.office, report.source) == (office, "embed-partner.example-act")


def test_spanish_by_lang_and_every_link_stays_in_spanish(client, embeddable):
    campaign = embeddable["campaign"]
    start = client.get(f"/embed/c/{campaign.slug}/call/", {"lang": "es"})
    assert start["Location"].startswith(f"/embed/es/c/{campaign.slug}/call/0/")
    step = client.get(start["Location"])
    assert step["Content-Language"] == "es"
    assert f'action="/embed/es/c/{campaign.slug}/call/report/"' in step.content.decode()
    assert not step.cookies


def test_links_out_of_the_frame_open_a_new_tab(client, embeddable):
    campaign = embeddable["campaign"]
    page = client.get(sign_url(campaign)).content.decode()
    link = re.search(rf'<a[^>]*href="{campaign.get_absolute_url()}"[^>]*>', page).group(0)
    assert 'target="_blank"' in link


def test_the_partner_script_is_served_at_a_fixed_address(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"data-tocsin-action" in response.content
    assert b"event.origin !== base" in response.content
