"""The dashboard groups British signers by constituency, with its MP, and US ones by district:
its place table, the map and the places CSV (issue 19)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory
from tocsin.conftest import delete_targets
from tocsin.dashboard import mapping, rollups, services
from tocsin.districts.models import (
    Constituency,
    DatasetImport,
    PostcodeOutward,
    PostcodeRangeTable,
)
from tocsin.districts.uk import reset_uk_indexes
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions import services as petitions
from tocsin.petitions.factories import PetitionFactory
from tocsin.targets.models import Chamber, Target
from tocsin.targets.uk import sync_uk

pytestmark = pytest.mark.django_db

WESTMINSTER = "E14001172"
MANCHESTER_CENTRAL = "E14001352"


@pytest.fixture(scope="module")
def uk_data(django_db_setup, django_db_blocker, shared_data_dir):
    """The real constituencies, postcodes, MPs and ministers, loaded once for the module."""
    with django_db_blocker.unblock():
        sync_uk(str(shared_data_dir))
    reset_uk_indexes()
    mapping.reset()
    yield shared_data_dir / "uk"
    with django_db_blocker.unblock():
        delete_targets(
            Target.objects.filter(chamber=Chamber.COMMONS),
            Target.objects.filter(kind=Target.Kind.MINISTER),
        )
        for model in (Constituency, PostcodeRangeTable, PostcodeOutward):
            model.objects.all().delete()
        DatasetImport.objects.filter(dataset__startswith="uk").delete()
    reset_uk_indexes()
    mapping.reset()


@pytest.fixture(scope="module")
def mp_names(uk_data) -> dict[str, str]:
    with open(uk_data / "mp_lookup.csv", newline="", encoding="utf-8") as lines:
        return {row["pcon_code"]: row["display_as"] for row in csv.DictReader(lines)}


def signed(petition, postcode: str, country: str, n: int) -> None:
    for _ in range(n):
        result = petitions.sign(
            petition,
            name="Signer",
            email=f"s{timezone.now().timestamp()}-{postcode}-{_}@example.org",
            postcode=postcode,
            country=country,
            comment="",
            consents=[],
            language="en",
        )
        petitions.confirm(result.signature)


@pytest.fixture
def campaign(uk_data):
    campaign = CampaignFactory(title="Stop the spyware")
    petition = PetitionFactory(campaign=campaign)
    signed(petition, "SW1A 0AA", "GB", 4)
    signed(petition, "m11ae", "GB", 2)
    signed(petition, "BT1 5GS", "GB", 1)  # Northern Ireland: no place
    from tocsin.petitions.models import Signature

    for i in range(3):
        Signature.objects.create(
            petition=petition,
            name="US",
            email=f"us{i}@example.org",
            country="US",
            district="WI-2",
            confirmed_at=timezone.now(),
        )
    rollups.refresh(None)
    return campaign


def test_constituencies_are_counted_apart_with_their_mp(campaign, mp_names):
    districts, states, unknown = services.places(campaign)
    assert [(row.place, row.signatures) for row in districts] == [("WI-2", 3)]
    assert [(row.place, row.signatures) for row in states] == [("WI", 3)]
    assert unknown["signature"] == 1
    assert [
        (row.place, row.name, row.mp, row.signatures) for row in services.constituencies(campaign)
    ] == [
        (WESTMINSTER, "Cities of London and Westminster", mp_names[WESTMINSTER], 4),
        (MANCHESTER_CENTRAL, "Manchester Central", mp_names[MANCHESTER_CENTRAL], 2),
    ]


def test_the_dashboard_map_and_csv_show_constituencies(client, campaign, mp_names):
    client.force_login(OrganizerFactory(organizations=[campaign.organization]))

    page = client.get(reverse("dashboard:campaign", args=[campaign.pk])).content.decode()
    assert 'id="top-constituencies"' in page
    assert mp_names[WESTMINSTER] in page
    assert "Manchester Central" in page

    uk_map = client.get(reverse("dashboard:map", args=[campaign.pk]) + "?by=constituency")
    html = uk_map.content.decode()
    assert uk_map.status_code == 200
    # Every constituency is drawn; those with signatures shaded, the darkest the busiest.
    assert html.count('data-place="E14') >= 543
    assert f'fill="{mapping.PALETTE[-1]}" data-place="{WESTMINSTER}"' in html
    assert f'fill="{mapping.EMPTY}" data-place="S14000078"' in html
    assert f'<tr data-place="{WESTMINSTER}">' in html
    assert mp_names[WESTMINSTER] in html

    us_map = client.get(reverse("dashboard:map", args=[campaign.pk])).content.decode()
    assert '<tr data-place="WI-2">' in us_map
    assert f'<tr data-place="{WESTMINSTER}">' not in us_map

    response = client.get(reverse("dashboard:export", args=[campaign.pk, "places"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_place = {row[1]: row for row in rows[1:]}
    assert by_place[WESTMINSTER][0] == "constituency"
    assert by_place[WESTMINSTER][2:] == [
        "Cities of London and Westminster",
        "0",
        "4",
        mp_names[WESTMINSTER],
        "0",
    ]
    assert by_place["WI-2"][:5] == ["district", "WI-2", "Wisconsin 2", "0", "3"]


def test_a_campaign_heard_only_from_the_uk_opens_on_its_map(client, uk_data):
    campaign = CampaignFactory()
    signed(PetitionFactory(campaign=campaign), "M1 1AE", "GB", 1)
    rollups.refresh(None)
    client.force_login(OrganizerFactory(organizations=[campaign.organization]))
    html = client.get(reverse("dashboard:map", args=[campaign.pk])).content.decode()
    assert 'class="map uk"' in html
    assert f'<tr data-place="{MANCHESTER_CENTRAL}">' in html
