import pytest
from django.core.exceptions import ValidationError

from tocsin.campaigns.models import Campaign
from tocsin.campaigns.origins import parse_origins, validate_origins
from tocsin.organizations.factories import OrganizerFactory
from tocsin.organizations.models import Role

from .conftest import PARTNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_url(settings):
    settings.TOCSIN_BASE_URL = "http://testserver"
    return "http://testserver"


def test_oembed_turns_a_campaign_address_into_its_main_action(client, embeddable, base_url):
    campaign = embeddable["campaign"]
    url = base_url + campaign.get_absolute_url()
    response = client.get("/oembed", {"url": url, "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert (data["type"], data["version"], data["provider_name"]) == ("rich", "1.0", "Tocsin")
    assert f'src="{base_url}/embed/c/{campaign.slug}/call/"' in data["html"]
    assert data["html"].startswith("<iframe")
    assert 'title="Call: ' in data["html"]
    assert (data["width"], data["height"]) == (560, 640)
    assert campaign.title in data["title"]


def test_oembed_for_an_action_within_the_sizes_asked(client, embeddable, base_url):
    campaign = embeddable["campaign"]
    url = f"{base_url}/c/{campaign.slug}/sign/"
    data = client.get("/oembed", {"url": url, "maxwidth": 300, "maxheight": 500}).json()
    assert f"/embed/c/{campaign.slug}/sign/" in data["html"]
    assert (data["width"], data["height"]) == (300, 500)
    assert 'width="300" height="500"' in data["html"]


def test_oembed_refusals(client, embeddable, base_url):
    campaign = embeddable["campaign"]
    url = base_url + campaign.get_absolute_url()
    assert client.get("/oembed", {"url": url, "format": "xml"}).status_code == 501
    assert client.get("/oembed").status_code == 400
    assert client.get("/oembed", {"url": url, "maxwidth": "wide"}).status_code == 400
    assert client.get("/oembed", {"url": base_url + "/c/nope/"}).status_code == 404
    assert (
        client.get("/oembed", {"url": "https://evil.example/c/" + campaign.slug}).status_code == 404
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DRAFT)
    assert client.get("/oembed", {"url": url}).status_code == 404


def test_the_campaign_page_announces_its_oembed(client, embeddable, base_url):
    page = client.get(embeddable["campaign"].get_absolute_url()).content.decode()
    assert 'type="application/json+oembed"' in page
    assert "/oembed?url=http%3A%2F%2Ftestserver%2Fc%2F" in page


def test_the_sites_list_accepts_origins_only_and_says_why_not():
    assert parse_origins("https://A.example/\n\nhttps://b.example:8443\nhttps://a.example") == [
        "https://a.example",
        "https://b.example:8443",
    ]
    assert parse_origins("http://localhost:8000\nhttp://127.0.0.1:9") == [
        "http://localhost:8000",
        "http://127.0.0.1:9",
    ]
    with pytest.raises(ValidationError) as error:
        validate_origins("https://ok.example\nhttp://plain.example\nhttps://x.example/page\n*")
    messages = " ".join(error.value.messages)
    assert "Line 2" in messages
    assert "https://" in messages
    assert "Line 3" in messages
    assert "path" in messages
    assert "Line 4" in messages
    assert "Line 1" not in messages


def test_organizers_copy_the_snippets_from_their_campaign_s_page(client, embeddable, base_url):
    campaign = embeddable["campaign"]
    organizer = OrganizerFactory(organizations=[campaign.organization])
    client.force_login(organizer)
    response = client.get(f"/organize/campaigns/{campaign.pk}/embed/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;script async src=&quot;http://testserver/embed.js&quot;&gt;" in page
    assert f"data-tocsin-action=&quot;sign&quot; data-campaign=&quot;{campaign.slug}" in page
    assert f"http://testserver/embed/c/{campaign.slug}/call/" in page
    assert "<textarea" in page
    assert "readonly" in page
    assert PARTNER in page
    # The campaign's back-office page links to it.
    change = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    assert f"/organize/campaigns/{campaign.pk}/embed/" in change
    assert 'name="embed_origins"' in change


def test_the_snippets_page_is_for_the_campaign_s_own_campaigners(client, embeddable):
    campaign = embeddable["campaign"]
    url = f"/organize/campaigns/{campaign.pk}/embed/"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(OrganizerFactory())  # another group's campaigner
    assert client.get(url).status_code == 404
    volunteer = OrganizerFactory(
        organizations=[campaign.organization], organizations__role=Role.VOLUNTEER
    )
    client.force_login(volunteer)
    assert client.get(url).status_code == 403
