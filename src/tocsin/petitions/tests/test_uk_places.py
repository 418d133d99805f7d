"""British signers are placed in their constituency (with its MP), US signers in their district:
at signing, in the open data (petition.json) and in what is delivered to each target (issue 19).
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.conftest import delete_targets
from tocsin.districts.models import (
    Constituency,
    DatasetImport,
    PostcodeOutward,
    PostcodeRangeTable,
)
from tocsin.districts.uk import reset_uk_indexes
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.targets.models import Chamber, Target
from tocsin.targets.uk import sync_uk

pytestmark = pytest.mark.django_db

WESTMINSTER = "E14001172"
MANCHESTER_CENTRAL = "E14001352"
EDINBURGH_EAST = "S14000078"
CARDIFF_SOUTH = "W07000091"


@pytest.fixture(scope="module")
def uk_data(django_db_setup, django_db_blocker, shared_data_dir):
    """The real constituencies, postcodes, MPs and ministers, loaded once for the module."""
    with django_db_blocker.unblock():
        sync_uk(str(shared_data_dir))
    reset_uk_indexes()
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


@pytest.fixture(scope="module")
def mp_names(uk_data) -> dict[str, str]:
    """Each constituency's MP as the data file names them, to compare the pages with."""
    with open(uk_data / "mp_lookup.csv", newline="", encoding="utf-8") as lines:
        return {row["pcon_code"]: row["display_as"] for row in csv.DictReader(lines)}


def sign(petition, postcode: str, country: str, n: int = 1, confirm: bool = True):
    signatures = []
    for _ in range(n):
        result = services.sign(
            petition,
            name="Signer",
            email=f"signer{Signature.objects.count()}@example.org",
            postcode=postcode,
            country=country,
            comment="",
            consents=[],
            language="en",
        )
        if confirm:
            services.confirm(result.signature)
        signatures.append(result.signature)
    return signatures


def us_signatures(petition, district: str, n: int) -> None:
    for _ in range(n):
        Signature.objects.create(
            petition=petition,
            name="US signer",
            email=f"us{Signature.objects.count()}@example.org",
            postcode="53703",
            country="US",
            district=district,
            confirmed_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("postcode", "country", "code"),
    [
        ("sw1a0aa", "GB", WESTMINSTER),
        ("M1 1AE", "GB", MANCHESTER_CENTRAL),
        ("EH1 1YZ", "", EDINBURGH_EAST),  # no country given: the postcode says enough
        ("cf10 1ep", "GB", CARDIFF_SOUTH),
    ],
)
def test_a_british_signer_is_placed_in_their_constituency(uk_data, postcode, country, code):
    petition = PetitionFactory()
    [signature] = sign(petition, postcode, country)
    signature.refresh_from_db()
    assert signature.district == code
    person = signature.supporter
    person.refresh_from_db()
    assert (person.country, person.district) == ("GB", code)


@pytest.mark.parametrize(
    ("postcode", "country"),
    [
        ("BT1 5GS", "GB"),  # Northern Ireland: not in the open data, so never guessed
        ("ZZ9 9ZZ", "GB"),  # well formed, but no such postcode
        ("SW1A 0AA", "US"),  # a British postcode given as American
        ("53703", "GB"),  # a ZIP code given as British
    ],
)
def test_a_place_that_is_not_certain_is_left_blank(uk_data, postcode, country):
    petition = PetitionFactory()
    [signature] = sign(petition, postcode, country)
    signature.refresh_from_db()
    assert signature.district == ""


def test_the_open_data_groups_british_signers_by_constituency_with_their_mp(
    client, uk_data, mp_names
):
    petition = PetitionFactory()
    sign(petition, "SW1A 0AA", "GB", 6)
    sign(petition, "M1 1AE", "GB", 5)
    # Two small places: left out together, so neither can be worked out from GB's count.
    sign(petition, "EH1 1YZ", "GB", 2)
    sign(petition, "CF10 1EP", "GB", 3)
    sign(petition, "BT1 5GS", "GB", 1)
    sign(petition, "SW1A 0AA", "GB", 4, confirm=False)  # not counted
    us_signatures(petition, "WI-2", 7)
    us_signatures(petition, "WI-3", 5)

    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()

    assert data["signatures"] == 6 + 5 + 2 + 3 + 1 + 7 + 5
    assert data["signatures_by_constituency"] == [
        {
            "code": WESTMINSTER,
            "name": "Cities of London and Westminster",
            "mp": mp_names[WESTMINSTER],
            "count": 6,
        },
        {
            "code": MANCHESTER_CENTRAL,
            "name": "Manchester Central",
            "mp": mp_names[MANCHESTER_CENTRAL],
            "count": 5,
        },
    ]
    assert data["signatures_by_district"] == [
        {"district": "WI-2", "state": "WI", "count": 7},
        {"district": "WI-3", "state": "WI", "count": 5},
    ]
    # Constituencies are not US states or districts.
    assert data["by_district"] == {"WI-2": 7, "WI-3": 5}
    assert data["by_state"] == {"WI": 12}
    assert data["by_country"] == {"GB": 17, "US": 12}
    # The hourly history is as it was.
    history = client.get(
        reverse("petitions:history", kwargs={"slug": petition.campaign.slug, "fmt": "json"})
    ).json()
    assert set(history) == {"petition", "hours"}
    assert sum(hour["confirmed"] for hour in history["hours"]) == data["signatures"]


def test_a_vacant_seat_has_no_mp_in_the_open_data(client, uk_data):
    petition = PetitionFactory()
    sign(petition, "M1 1AE", "GB", 5)
    sign(petition, "SW1A 0AA", "GB", 5)
    Target.objects.mps().filter(constituency=MANCHESTER_CENTRAL).update(is_active=False)

    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()

    by_code = {row["code"]: row for row in data["signatures_by_constituency"]}
    assert by_code[MANCHESTER_CENTRAL]["mp"] == ""
    assert by_code[WESTMINSTER]["mp"] != ""


def test_an_mp_gets_their_constituents_and_a_minister_everyone(client, uk_data, mp_names):
    petition = PetitionFactory()
    westminster = sign(petition, "SW1A 0AA", "GB", 3)
    sign(petition, "M1 1AE", "GB", 2)
    sign(petition, "SW1A 0AA", "GB", 1, confirm=False)
    us_signatures(petition, "WI-2", 2)
    mp = Target.objects.mp_for(WESTMINSTER)
    minister = Target.objects.ministers().first()
    for target in (mp, minister):
        CampaignTargetFactory(campaign=petition.campaign, target=target)
    client.force_login(OrganizerFactory(organizations=[petition.campaign.organization]))

    assert sorted(s.pk for s in services.constituents(petition, mp)) == sorted(
        s.pk for s in westminster
    )
    assert services.constituents(petition, minister).count() == 3 + 2 + 2

    page = client.get(reverse("petitions:delivery-page", args=[petition.pk, mp.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cities of London and Westminster" in html
    assert mp_names[WESTMINSTER] in html
    assert "Manchester Central" not in html

    response = client.get(reverse("petitions:delivery-csv", args=[petition.pk, mp.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert {(row["district"], row["place"]) for row in rows} == {
        (WESTMINSTER, "Cities of London and Westminster")
    }

    everyone = client.get(reverse("petitions:delivery-page", args=[petition.pk, minister.pk]))
    html = everyone.content.decode()
    for name in ("Cities of London and Westminster", "Manchester Central", "Wisconsin 2"):
        assert name in html
