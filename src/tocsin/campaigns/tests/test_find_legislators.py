import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.campaigns.factories import CampaignFactory
from tocsin.districts.services import lookup_zip, reset_indexes

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(congress_data):
    return CampaignFactory(status="live", slug="baldwin")


def lookup(client, campaign, **params):
    return client.post(reverse("campaigns:legislators", kwargs={"slug": campaign.slug}), params)


def names_shown(response) -> list[str]:
    return re.findall(r"<h3>([^<]+)</h3>", response.content.decode())


def test_a_single_district_zip_shows_two_senators_and_the_representative(client, campaign):
    response = lookup(client, campaign, zip="53703")
    assert response.status_code == 200
    shown = " | ".join(names_shown(response))
    assert "Mark Pocan" in shown
    assert "Tammy Baldwin" in shown
    assert "Ron Johnson" in shown
    assert len(names_shown(response)) == 3
    assert 'href="tel:+12022245653"' in response.content.decode()  # Baldwin's Washington office


def test_a_split_zip_asks_instead_of_guessing(client, campaign):
    response = lookup(client, campaign, zip="91711")
    html = response.content.decode()
    assert response.status_code == 200
    assert "split between 6 districts" in html
    assert "Use my location" in html
    for district in ("CA-27", "CA-28", "CA-29", "CA-30", "CA-31", "CA-35"):
        assert f'name="district" value="{district}"' in html
    # No representative is shown until the supporter narrows it down; senators are shared.
    assert "Alex Padilla" in html
    assert "Your legislators" not in html


def test_picking_a_candidate_shows_that_district_s_member(client, campaign):
    candidates = lookup_zip("91711").districts
    chosen = candidates[0]
    response = lookup(client, campaign, zip="91711", district=chosen.label)
    assert response.status_code == 200
    assert "Your legislators" in response.content.decode()
    assert len(names_shown(response)) == 3


def test_a_district_that_is_not_in_the_zip_is_refused(client, campaign):
    response = lookup(client, campaign, zip="53703", district="CA-27")
    assert response.status_code == 400
    assert "does not include this ZIP" in response.content.decode()
    assert "Your legislators" not in response.content.decode()


def test_dc_gets_its_delegate_and_no_senators(client, campaign):
    response = lookup(client, campaign, zip="20001")
    assert names_shown(response) == ["Delegate Eleanor Holmes Norton"]
    assert "no senators" in response.content.decode()


def test_a_territory_gets_its_delegate(client, campaign):
    response = lookup(client, campaign, zip="96910")
    assert len(names_shown(response)) == 1
    assert "no senators" in response.content.decode()


@pytest.mark.parametrize(
    ("zip_code", "message"),
    [
        ("abc", "5-digit ZIP"),
        ("1234", "5-digit ZIP"),
        ("", "5-digit ZIP"),
        ("00000", "could not find"),
    ],
)
def test_malformed_or_unknown_zip_gets_a_clear_message(client, campaign, zip_code, message):
    response = lookup(client, campaign, zip=zip_code)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert names_shown(response) == []


def test_location_resolves_a_split_zip_on_the_server(client, campaign):
    # The Wisconsin State Capitol, in WI-2.
    response = client.post(
        reverse("campaigns:legislators", kwargs={"slug": campaign.slug}),
        {"latitude": "43.0747", "longitude": "-89.3841", "zip": "53703"},
    )
    assert response.status_code == 200
    assert "Mark Pocan" in " ".join(names_shown(response))


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("48.8566", "2.3522"), ("nan", "1"), ("91", "0"), ("x", "y")]
)
def test_locations_outside_the_us_or_garbled_are_refused_clearly(
    client, campaign, latitude, longitude
):
    response = client.post(
        reverse("campaigns:legislators", kwargs={"slug": campaign.slug}),
        {"latitude": latitude, "longitude": longitude},
    )
    assert response.status_code == 400
    assert names_shown(response) == []
    assert "ZIP" in response.content.decode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(zip_code=st.text(max_size=40), district=st.text(max_size=12))
def test_any_text_in_the_lookup_form_never_breaks_the_page(client, campaign, zip_code, district):
    response = lookup(client, campaign, zip=zip_code, district=district)
    assert response.status_code in (200, 400)


def test_without_data_the_lookup_says_how_to_load_it(client, django_db_blocker):
    from tocsin.districts.models import ZipDistrict

    campaign = CampaignFactory(status="live")
    ZipDistrict.objects.all().delete()
    reset_indexes()
    try:
        response = lookup(client, campaign, zip="53703")
        html = response.content.decode()
        assert "not set up on this site yet" in html
        assert "tocsin sync-districts" in html
    finally:
        reset_indexes()


def test_the_zip_travels_in_the_body_never_in_a_url(client, campaign):
    """ZIP codes in query strings end up in proxy logs, history and Referer headers."""
    page = client.get(campaign.get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*action="[^"]*/legislators/"[^>]*>', page).group(0)
    assert 'method="post"' in form
    for zip_code in ("53703", "91711"):
        html = lookup(client, campaign, zip=zip_code).content.decode()
        assert "?zip=" not in html
        assert "zip=" not in " ".join(re.findall(r'href="([^"]*)"', html))
    split = lookup(client, campaign, zip="91711").content.decode()
    assert re.search(r'<button[^>]*name="district"[^>]*value="CA-27"', split)


def test_a_zip_in_the_query_string_is_not_looked_up(client, campaign):
    response = client.get(
        reverse("campaigns:legislators", kwargs={"slug": campaign.slug}), {"zip": "53703"}
    )
    assert response.status_code == 200
    assert names_shown(response) == []


def test_the_lookup_from_the_cached_campaign_page_needs_no_csrf_token(campaign):
    """The campaign page is cached for everyone, so its ZIP form cannot carry a per-visitor
    token; the lookup changes nothing, so a forged one gains nothing."""
    response = Client(enforce_csrf_checks=True).post(
        reverse("campaigns:legislators", kwargs={"slug": campaign.slug}), {"zip": "53703"}
    )
    assert response.status_code == 200
    assert "Mark Pocan" in " ".join(names_shown(response))
    assert "Set-Cookie" not in response.headers
