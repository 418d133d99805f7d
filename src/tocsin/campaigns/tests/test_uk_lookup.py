"""A UK campaign asks for a postcode and finds the supporter's MP; a US one asks for a ZIP code;
a campaign whose actions reach only its own targets asks nothing. Northern Ireland's postcodes
are in no open data, so the supporter picks a seat or shares a location: never a guess."""

import gzip
import re

import pytest
from django.urls import reverse

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign
from tocsin.campaigns.places import lookup_for
from tocsin.conftest import delete_targets
from tocsin.districts import uk

pytestmark = pytest.mark.django_db

# Real postcodes and the constituencies the public data puts them in (SOURCES.md, section 4).
KNOWN = {
    "SW1A 0AA": ("E14001172", "Cities of London and Westminster"),
    "M1 1AE": ("E14001352", "Manchester Central"),
    "EH1 1YZ": ("S14000078", "Edinburgh East and Musselburgh"),
    "CF10 1EP": ("W07000091", "Cardiff South and Penarth"),
}
# Well formed, in a real postcode district, but no such postcode in the list of GB postcodes.
MADE_UP = "SW1A 9ZZ"
PALACE_OF_WESTMINSTER = (51.4995, -0.1248)
MID_CHANNEL = (50.0, -2.0)
BELFAST_CITY_HALL = (54.5964, -5.9301)


def load_uk_places(data_dir, scratch_dir) -> None:
    """The real constituencies, boundaries, postcode ranges, MPs and ministers; the list of
    real postcodes cut down to the ones these tests use (the whole list takes a minute to
    load), so a postcode missing from it is one that does not exist."""
    from tocsin.targets.uk import sync_uk_members

    source = scratch_dir / "uk"
    (source / "postcodes").mkdir(parents=True)
    (source / "boundaries").mkdir()
    for name in ("postcodes/pcon_2024.json", "postcodes/pcon_2024_lookup.json"):
        (source / name).symlink_to(data_dir / "uk" / name)
    (source / "boundaries/pcon24_bgc.topojson.gz").symlink_to(
        data_dir / "uk/boundaries/pcon24_bgc.topojson.gz"
    )
    for name in ("mp_lookup.csv", "uk_ministers_current.csv"):
        (source / name).symlink_to(data_dir / "uk" / name)
    rows = sorted(f"{postcode},{code}" for postcode, (code, _) in KNOWN.items())
    with gzip.open(source / "postcodes/gb_postcode_pcon24.csv.gz", "wt") as handle:
        handle.write("postcode,pcon24cd\n" + "\n".join(rows) + "\n")
    uk.sync_uk_places(str(scratch_dir), allow_partial=True)
    sync_uk_members(str(scratch_dir))


def forget_uk_places() -> None:
    from tocsin.districts.models import (
        Constituency,
        DatasetImport,
        PostcodeOutward,
        PostcodeRangeTable,
    )
    from tocsin.targets.models import Target

    for model in (Constituency, PostcodeRangeTable, PostcodeOutward, DatasetImport):
        model.objects.all().delete()
    delete_targets(Target.objects.all())
    uk.reset_uk_indexes()


@pytest.fixture(scope="module")
def uk_data(django_db_setup, django_db_blocker, shared_data_dir, tmp_path_factory):
    if not (shared_data_dir / "uk/postcodes/pcon_2024.json").exists():
        pytest.skip(f"UK data not found under {shared_data_dir}")
    with django_db_blocker.unblock():
        load_uk_places(shared_data_dir, tmp_path_factory.mktemp("uk-data"))
    yield
    with django_db_blocker.unblock():
        forget_uk_places()


@pytest.fixture
def uk_campaign(uk_data):
    campaign = CampaignFactory(slug="spyware", country=Campaign.Country.GB)
    CallActionFactory(
        campaign=campaign, title="Call your MP", target_mode=CallAction.TargetMode.LOOKUP
    )
    return campaign


def find(client, campaign, **data):
    return client.post(reverse("campaigns:legislators", kwargs={"slug": campaign.slug}), data)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ------------------------------------------------------------------ what the page asks


def test_the_campaign_s_actions_decide_what_it_asks():
    us = CampaignFactory()
    CallActionFactory(campaign=us, target_mode=CallAction.TargetMode.LOOKUP)
    gb = CampaignFactory(country=Campaign.Country.GB)
    CallActionFactory(campaign=gb, target_mode=CallAction.TargetMode.BOTH)
    ministers_only = CampaignFactory(country=Campaign.Country.GB)
    CallActionFactory(campaign=ministers_only, target_mode=CallAction.TargetMode.FIXED)
    CampaignTargetFactory(campaign=ministers_only)
    switched_off = CampaignFactory()
    CallActionFactory(
        campaign=switched_off, target_mode=CallAction.TargetMode.LOOKUP, is_active=False
    )

    assert lookup_for(us) == "zip"
    assert lookup_for(gb) == "postcode"
    assert lookup_for(ministers_only) is None
    assert lookup_for(switched_off) is None


def test_a_campaign_naming_a_legislator_or_naming_nobody_keeps_the_lookup():
    from tocsin.targets.factories import SenatorFactory

    names_a_senator = CampaignFactory()
    CallActionFactory(campaign=names_a_senator, target_mode=CallAction.TargetMode.FIXED)
    CampaignTargetFactory(campaign=names_a_senator, target=SenatorFactory())
    CampaignTargetFactory(campaign=names_a_senator)
    petition_only = CampaignFactory(country=Campaign.Country.GB)

    assert lookup_for(names_a_senator) == "zip"
    assert lookup_for(petition_only) == "postcode"


def test_a_write_action_that_looks_up_makes_the_page_ask_too():
    letters = pytest.importorskip("tocsin.letters.models")
    campaign = CampaignFactory(country=Campaign.Country.GB)
    letters.WriteAction.objects.create(
        campaign=campaign,
        slug="mp",
        title="Write to your MP",
        subject="Spyware",
        letter="Dear {name}",
        target_mode=letters.WriteAction.TargetMode.LOOKUP,
    )
    assert lookup_for(campaign) == "postcode"


def test_a_uk_campaign_page_asks_for_a_postcode_and_says_find_your_mp(client, uk_campaign):
    html = text_of(client.get(uk_campaign.get_absolute_url()))
    assert "Find your MP" in html
    assert 'name="postcode"' in html
    assert 'name="zip"' not in html
    assert "Your two senators" not in html


def test_a_us_campaign_page_asks_for_a_zip_code(client):
    campaign = CampaignFactory()
    CallActionFactory(campaign=campaign, target_mode=CallAction.TargetMode.LOOKUP)
    html = text_of(client.get(campaign.get_absolute_url()))
    assert "Find your legislators" in html
    assert 'name="zip"' in html
    assert 'name="postcode"' not in html


def test_a_campaign_with_only_its_own_targets_shows_no_lookup(client):
    campaign = CampaignFactory(country=Campaign.Country.GB)
    CallActionFactory(campaign=campaign, target_mode=CallAction.TargetMode.FIXED)
    CampaignTargetFactory(campaign=campaign)
    html = text_of(client.get(campaign.get_absolute_url()))
    assert 'id="lookup-heading"' not in html
    assert 'name="postcode"' not in html
    assert 'name="zip"' not in html


# ------------------------------------------------------------------ postcode to MP


@pytest.mark.parametrize("postcode", list(KNOWN))
def test_a_known_postcode_finds_its_constituency_and_mp(client, uk_campaign, postcode):
    from tocsin.targets.models import Target

    code, name = KNOWN[postcode]
    mp = Target.objects.mp_for(code)
    response = find(client, uk_campaign, postcode=postcode)
    html = text_of(response)
    assert response.status_code == 200
    assert f"{postcode}: {name}" in html
    assert mp.name in html
    # The Commons switchboard, dialable from anywhere, and the time where the office is.
    assert 'href="tel:+442072193000"' in html
    assert "London time now" in html
    # The call goes on with the constituency, posted rather than put in a URL.
    assert f'name="constituency" value="{code}"' in html
    assert "Call your MP now" in html


@pytest.mark.parametrize("spelling", ["sw1a0aa", " SW1A  0aa ", "Sw1A 0Aa"])
def test_any_common_spelling_of_a_postcode_works(client, uk_campaign, spelling):
    html = text_of(find(client, uk_campaign, postcode=spelling))
    assert "SW1A 0AA: Cities of London and Westminster" in html


def test_a_well_formed_postcode_that_does_not_exist_says_so(client, uk_campaign):
    response = find(client, uk_campaign, postcode=MADE_UP)
    html = text_of(response)
    assert response.status_code == 400
    assert f"We could not find the postcode {MADE_UP}" in html
    assert "Your MP" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "Enter a UK postcode, for example SW1A 0AA."),
        ("53703", "That looks like a US ZIP code."),
        ("", "Enter your postcode, for example SW1A 0AA."),
        ("SW1A 0AA" * 10, "Ensure this value has at most 20 characters"),
    ],
)
def test_text_that_is_no_postcode_is_refused_with_what_to_do(client, uk_campaign, text, message):
    response = find(client, uk_campaign, postcode=text)
    assert response.status_code == 400
    assert message in text_of(response)


def test_jersey_is_told_it_has_no_mp(client, uk_campaign):
    response = find(client, uk_campaign, postcode="JE2 4WD")
    assert response.status_code == 400
    assert "no MP at Westminster" in text_of(response)


# ------------------------------------------------------------------ Northern Ireland


def test_a_northern_ireland_postcode_asks_for_the_seat_instead_of_guessing(client, uk_campaign):
    response = find(client, uk_campaign, postcode="bt7 1nn")
    html = text_of(response)
    assert response.status_code == 200
    assert "BT7 1NN is in Northern Ireland" in html
    seats = re.findall(r'name="constituency" value="(N\d{8})"', html)
    assert len(seats) == 18 == len(set(seats))
    assert "Use my location" in html
    assert "Your MP" not in html


def test_picking_a_northern_ireland_seat_shows_its_mp(client, uk_campaign):
    from tocsin.targets.models import Target

    seat = uk.northern_ireland_constituencies()[0]
    response = find(client, uk_campaign, postcode="BT7 1NN", constituency=seat.code)
    html = text_of(response)
    assert response.status_code == 200
    assert f"BT7 1NN: {seat.name}" in html
    assert Target.objects.mp_for(seat.code).name in html


def test_a_seat_outside_northern_ireland_is_refused_for_a_bt_postcode(client, uk_campaign):
    response = find(client, uk_campaign, postcode="BT7 1NN", constituency="E14001172")
    assert response.status_code == 400
    assert "does not include this postcode" in text_of(response)
    assert "Your MP" not in text_of(response)


def test_a_seat_that_does_not_match_a_gb_postcode_is_refused(client, uk_campaign):
    response = find(client, uk_campaign, postcode="M1 1AE", constituency="E14001172")
    assert response.status_code == 400
    assert "does not include this postcode" in text_of(response)


def test_an_unknown_seat_code_is_refused(client, uk_campaign):
    response = find(client, uk_campaign, postcode="BT7 1NN", constituency="N99999999")
    assert response.status_code == 400
    assert "That constituency is not one we know." in text_of(response)


# ------------------------------------------------------------------ location


def test_a_location_finds_the_constituency_it_is_in(client, uk_campaign):
    latitude, longitude = PALACE_OF_WESTMINSTER
    html = text_of(find(client, uk_campaign, latitude=latitude, longitude=longitude))
    assert "Cities of London and Westminster" in html
    assert 'href="tel:+442072193000"' in html


def test_a_location_in_northern_ireland_finds_its_seat(client, uk_campaign):
    latitude, longitude = BELFAST_CITY_HALL
    found = uk.constituency_at(latitude, longitude)
    assert found is not None
    assert found.nation == "N"
    html = text_of(find(client, uk_campaign, latitude=latitude, longitude=longitude))
    assert f'name="constituency" value="{found.code}"' in html


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": MID_CHANNEL[0], "longitude": MID_CHANNEL[1]},
        {"latitude": "nan", "longitude": "0"},
        {"latitude": "95", "longitude": "0"},
        {"latitude": "here", "longitude": ""},
    ],
)
def test_a_location_outside_every_seat_or_unreadable_says_so(client, uk_campaign, location):
    response = find(client, uk_campaign, **location)
    assert response.status_code == 400
    html = text_of(response)
    assert "Your MP" not in html
    assert "Enter your postcode instead" in html or "could not read" in html


def test_with_no_uk_data_the_page_says_how_to_load_it(client):
    # Inside this test's transaction, so whatever another test loaded comes back after it.
    forget_uk_places()
    campaign = CampaignFactory(country=Campaign.Country.GB)
    html = text_of(find(client, campaign, postcode="SW1A 0AA"))
    assert "The postcode lookup is not set up on this site yet." in html
    assert "tocsin sync-uk" in html
    assert "Your MP" not in html
    uk.reset_uk_indexes()
