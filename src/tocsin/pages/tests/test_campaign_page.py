import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory, DemandFactory, SourceFactory
from tocsin.organizations.factories import OrganizerFactory

pytestmark = pytest.mark.django_db


def page(client, campaign, **headers):
    return client.get(reverse("pages:campaign", kwargs={"slug": campaign.slug}), **headers)


def test_a_live_campaign_shows_who_asks_demands_days_left_and_sources(client):
    campaign = CampaignFactory(
        status="live",
        title="Stop the aid",
        deadline=timezone.localdate() + datetime.timedelta(days=12),
    )
    DemandFactory(campaign=campaign, position=2, text="Second demand")
    DemandFactory(campaign=campaign, position=1, text="First demand")
    SourceFactory(campaign=campaign, title="An OAS statement", publisher="OAS")

    html = page(client, campaign).content.decode()

    assert "Stop the aid" in html
    assert campaign.organization.name in html
    assert html.index("First demand") < html.index("Second demand")
    assert '<ol class="demands">' in html
    assert "12 days left" in html
    assert "An OAS statement" in html
    assert "OAS" in html
    assert 'action="/c/' in html
    assert "Find my legislators" in html


def test_a_draft_is_hidden_from_the_public_and_from_other_groups_but_not_its_own(client):
    campaign = CampaignFactory(status="draft", title="Secret plan")
    assert page(client, campaign).status_code == 404

    client.force_login(OrganizerFactory())  # an organizer of another group
    assert page(client, campaign).status_code == 404

    client.force_login(OrganizerFactory(organizations=[campaign.organization]))
    response = page(client, campaign)
    assert response.status_code == 200
    assert "Secret plan" in response.content.decode()
    assert "only your organization can see this" in response.content.decode()


def test_editing_a_demand_shows_at_once_despite_the_page_cache(client):
    campaign = CampaignFactory(status="live")
    demand = DemandFactory(campaign=campaign, text="Old wording")
    assert "Old wording" in page(client, campaign).content.decode()
    demand.text = "New wording"
    demand.save()
    assert "New wording" in page(client, campaign).content.decode()


def test_the_page_is_cached_per_language(client):
    campaign = CampaignFactory(status="live")
    english = page(client, campaign, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = page(client, campaign, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "What we demand" in english or "Take action" in english
    assert "Take action" not in spanish
    assert '<html lang="es">' in spanish


def test_hostile_markdown_is_sanitised_and_an_empty_body_is_fine(client):
    campaign = CampaignFactory(
        status="live",
        body="Hello <script>alert(1)</script> [x](javascript:alert(2)) "
        '<img src=x onerror=alert(3)> <a href="https://ok.example" onclick="bad()">ok</a>',
    )
    html = page(client, campaign).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'href="https://ok.example"' in html

    empty = CampaignFactory(status="live", body="   ")
    assert page(client, empty).status_code == 200


def test_a_closed_campaign_says_so_and_offers_no_action(client):
    campaign = CampaignFactory(status="closed")
    html = page(client, campaign).content.decode()
    assert "This campaign has closed" in html
    assert "Find my legislators" not in html


def test_the_language_switch_is_a_plain_link_that_remembers_the_choice(client):
    campaign = CampaignFactory(status="live")
    target = campaign.get_absolute_url()
    response = client.get(reverse("switch-language", kwargs={"code": "es"}) + f"?next={target}")
    assert response.status_code == 302
    assert response["Location"] == target
    assert '<html lang="es">' in page(client, campaign).content.decode()

    offsite = client.get(
        reverse("switch-language", kwargs={"code": "es"}) + "?next=https://evil.example/"
    )
    assert offsite["Location"] == "/"


def test_unknown_campaign_is_a_friendly_404(client):
    response = client.get("/c/does-not-exist/")
    assert response.status_code == 404
    assert "could not find" in response.content.decode()
