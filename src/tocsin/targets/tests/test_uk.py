"""The UK's MPs and ministers from the public data: who they are, their Westminster office,
and the same sync rules as for members of Congress (checked first, people who leave kept
inactive, corrections kept)."""

import csv
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tocsin.core.datasources import DatasetError
from tocsin.districts.models import DatasetImport
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.targets.factories import MPFactory, OfficeFactory, SenatorFactory
from tocsin.targets.models import (
    Chamber,
    Office,
    OfficeCorrection,
    Target,
    validate_office_phone,
)
from tocsin.targets.services import offices_for
from tocsin.targets.uk import sync_uk_members

pytestmark = pytest.mark.django_db

WESTMINSTER = "E14001172"  # Cities of London and Westminster
MANCHESTER_CENTRAL = "E14001352"


@pytest.fixture
def uk_dir(shared_data_dir):
    path = shared_data_dir / "uk"
    if not (path / "mp_lookup.csv").exists():
        pytest.skip(f"UK data not found at {path}")
    return path


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


@pytest.fixture
def editable_copy(tmp_path, uk_dir):
    """A copy of the UK files the test can cut down or break, as the next release might."""

    def write(keep_mp=lambda row: True, change_mp=lambda row: row, ministers=True):
        fields, rows = read_csv(uk_dir / "mp_lookup.csv")
        with (tmp_path / "mp_lookup.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fields)
            writer.writeheader()
            writer.writerows(change_mp(dict(row)) for row in rows if keep_mp(row))
        ministers_copy = tmp_path / "uk_ministers_current.csv"
        if ministers:
            shutil.copy(uk_dir / "uk_ministers_current.csv", ministers_copy)
        else:
            ministers_copy.unlink(missing_ok=True)
        return tmp_path

    return write


def test_mps_and_ministers_come_from_the_data(uk_dir):
    result = sync_uk_members(str(uk_dir.parent))

    assert Target.objects.mps().count() == 650 == result.mps_created
    mp = Target.objects.mp_for(WESTMINSTER)
    assert (mp.name, mp.title, mp.party) == ("Rachel Blake", "MP", "Labour (Co-op)")
    assert (mp.kind, mp.chamber, mp.constituency) == ("legislator", Chamber.COMMONS, WESTMINSTER)
    assert mp.email == "rachel.blake.mp@parliament.uk"
    assert mp.parliament_member_id == 5257
    assert mp.organization is None
    assert mp.bioguide_id is None
    assert mp.display_name == "Rachel Blake MP"
    assert Target.objects.mp_for(MANCHESTER_CENTRAL) not in (None, mp)

    [office] = offices_for(mp, None)
    assert (office.kind, office.country, office.label) == ("westminster", "GB", "Westminster")
    assert (office.address, office.city, office.postal_code) == (
        "House of Commons",
        "London",
        "SW1A 0AA",
    )
    assert office.tel_uri == "tel:+442072193000"
    assert office.time_zone == "Europe/London"

    _, minister_rows = read_csv(uk_dir / "uk_ministers_current.csv")
    people = {row["parliament_member_id"] for row in minister_rows}
    assert Target.objects.ministers().count() == len(people) == result.ministers_created
    prime_minister = Target.objects.ministers().get(name="Keir Starmer")
    assert (prime_minister.title, prime_minister.department) == (
        "Prime Minister",
        "Prime Minister's Office",
    )
    # One target per person, their posts joined, the most senior first.
    lammy = Target.objects.ministers().get(name="David Lammy")
    assert (
        lammy.title == "Deputy Prime Minister; Secretary of State for Justice and Lord Chancellor"
    )
    assert lammy.department == "Ministry of Justice"
    assert lammy.display_name.startswith("David Lammy, Deputy Prime Minister")
    # A minister who sits in the Commons is reached through its switchboard; one in the Lords
    # has no email nor public number in the data, and none is made up.
    assert offices_for(lammy, None)[0].tel_uri == "tel:+442072193000"
    peer = Target.objects.ministers().get(name="Lord Hermer")
    [peer_office] = offices_for(peer, None)
    assert (peer.email, peer_office.phone, peer_office.address) == ("", "", "House of Lords")
    # The MP who is a minister is looked up by place and chosen as a minister: two targets.
    assert Target.objects.mps().filter(parliament_member_id=lammy.parliament_member_id).exists()

    assert DatasetImport.objects.get(dataset="uk-mps").rows == 650
    assert DatasetImport.objects.get(dataset="uk-ministers").rows == len(people)


def test_a_second_sync_changes_nothing(uk_dir):
    sync_uk_members(str(uk_dir.parent))
    targets, offices = Target.objects.count(), Office.objects.count()

    again = sync_uk_members(str(uk_dir.parent))

    assert (again.mps_created, again.mps_updated, again.mps_retired) == (0, 0, 0)
    assert (again.ministers_created, again.ministers_updated, again.ministers_retired) == (0, 0, 0)
    assert (again.offices_retired, Target.objects.count(), Office.objects.count()) == (
        0,
        targets,
        offices,
    )


def test_an_mp_who_leaves_becomes_inactive_and_corrections_survive(uk_dir, editable_copy):
    sync_uk_members(str(uk_dir.parent))
    leaving = Target.objects.mp_for(WESTMINSTER)
    staying = Target.objects.mp_for(MANCHESTER_CENTRAL)
    staying_office = staying.offices.get()
    organization = OrganizationFactory()
    correction = OfficeCorrection(
        organization=organization, office=staying_office, phone="020 7219 4000"
    )
    correction.full_clean()
    correction.save()
    Office.objects.filter(pk=leaving.offices.get().pk).update(hidden=True)

    result = sync_uk_members(
        str(editable_copy(keep_mp=lambda row: row["pcon_code"] != WESTMINSTER)),
        allow_partial=True,
    )

    assert (result.mps_retired, result.offices_retired) == (1, 1)
    leaving.refresh_from_db()
    assert not leaving.is_active
    assert Target.objects.mp_for(WESTMINSTER) is None
    correction.refresh_from_db()
    assert correction.phone == "+44 20 7219 4000"
    assert offices_for(staying, organization.pk)[0].tel_uri == "tel:+442072194000"

    # Back in the next release (a recount): the same record, active, still hidden as it was.
    sync_uk_members(str(uk_dir.parent))
    assert Target.objects.mp_for(WESTMINSTER).pk == leaving.pk
    assert Office.objects.get(target=leaving).hidden


def test_a_new_member_for_a_seat_replaces_the_old_one(uk_dir, editable_copy):
    sync_uk_members(str(uk_dir.parent))
    before = Target.objects.mp_for(WESTMINSTER)

    def by_election(row):
        if row["pcon_code"] == WESTMINSTER:
            row |= {"member_id": "99999", "display_as": "New Member", "party_text": "Green Party"}
        return row

    sync_uk_members(str(editable_copy(change_mp=by_election)))

    after = Target.objects.mp_for(WESTMINSTER)
    assert (after.name, after.parliament_member_id, after.party) == (
        "New Member",
        99999,
        "Green Party",
    )
    before.refresh_from_db()
    assert not before.is_active


def test_without_the_ministers_file_ministers_are_left_as_they_were(uk_dir, editable_copy):
    sync_uk_members(str(uk_dir.parent))
    ministers = Target.objects.ministers().count()

    result = sync_uk_members(str(editable_copy(ministers=False)))

    assert result.ministers_source == ""
    assert Target.objects.ministers().count() == ministers


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda row: row | {"pcon_code": "X1"}, "is not a constituency code"),
        (lambda row: row | {"member_id": "abc"}, "is not a UK Parliament member ID"),
        (lambda row: row | {"member_email": "someone@@example"}, "is not an email address"),
        (lambda row: row | {"display_as": ""}, "has no name"),
    ],
)
def test_a_bad_file_changes_nothing(uk_dir, editable_copy, change, message):
    sync_uk_members(str(uk_dir.parent))
    mp = Target.objects.mp_for(WESTMINSTER)

    def break_one(row):
        return change(row) if row["pcon_code"] == MANCHESTER_CENTRAL else row

    source = editable_copy(keep_mp=lambda row: row["pcon_code"] != WESTMINSTER, change_mp=break_one)
    with pytest.raises(DatasetError, match=message):
        sync_uk_members(str(source), allow_partial=True)
    # The command says so, and nothing was written (the seat dropped is still held).
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("sync_uk", source=str(source), allow_partial=True, verbosity=0)
    mp.refresh_from_db()
    assert mp.is_active
    assert Target.objects.mps().count() == 650


def test_a_cut_off_file_is_refused_unless_allowed(uk_dir, editable_copy):
    source = editable_copy(keep_mp=lambda row: row["region_name"] == "London")
    with pytest.raises(DatasetError, match="looks truncated"):
        sync_uk_members(str(source))
    assert not Target.objects.mps().exists()


# ---------------------------------------------------------------------------- phone numbers


def test_uk_numbers_parse_without_their_country_code():
    validate_office_phone("020 7219 3000", "GB")
    validate_office_phone("+44 20 7219 3000", "US")  # a country code says it all
    with pytest.raises(ValidationError):
        validate_office_phone("020 7219 3000", "US")
    with pytest.raises(ValidationError):
        validate_office_phone("09098 790000", "GB")  # premium rate


def test_a_correction_to_a_uk_office_is_read_as_a_uk_number(uk_dir):
    sync_uk_members(str(uk_dir.parent))
    office = Target.objects.mp_for(WESTMINSTER).offices.get()
    organization = OrganizationFactory()

    correction = OfficeCorrection(organization=organization, office=office, phone="0161 234 5000")
    correction.full_clean()
    assert correction.phone == "+44 161 234 5000"

    premium = OfficeCorrection(organization=organization, office=office, phone="0909 879 0000")
    with pytest.raises(ValidationError) as refused:
        premium.full_clean()
    assert "020 7219 3000" in str(refused.value.message_dict["phone"])

    office.phone_override = "020 7219 5000"
    office.full_clean()
    assert office.phone_override == "+44 20 7219 5000"


def test_us_offices_read_numbers_as_before():
    office = OfficeFactory(target=SenatorFactory(), phone="202-224-5653")
    assert office.tel_uri == "tel:+12022245653"
    office.phone_override = "608-264-5338"
    office.full_clean()
    assert office.phone_override == "608-264-5338"
    office.phone_override = "020 7219 3000"
    with pytest.raises(ValidationError):
        office.full_clean()


def test_an_organizer_corrects_an_mps_office_in_the_back_office(client, uk_dir):
    sync_uk_members(str(uk_dir.parent))
    mp = Target.objects.mp_for(WESTMINSTER)
    office = mp.offices.get()
    organization = OrganizationFactory()
    client.force_login(OrganizerFactory(organizations=[organization]))

    # The MP is shared: the organizer sees the record but cannot change it.
    page = client.get(reverse("admin:targets_target_change", args=[mp.pk]))
    assert page.status_code == 200
    assert "Rachel Blake" in page.content.decode()
    assert 'name="email"' not in page.content.decode()

    response = client.post(
        reverse("admin:targets_officecorrection_add"),
        {"organization": organization.pk, "office": office.pk, "phone": "020 7219 6000"},
    )
    assert response.status_code == 302
    assert OfficeCorrection.objects.get(office=office).phone == "+44 20 7219 6000"


@pytest.fixture
def fresh_uk_indexes():
    from tocsin.districts.uk import reset_uk_indexes

    reset_uk_indexes()
    yield
    reset_uk_indexes()


def test_sync_uk_loads_places_then_members_and_a_postcode_finds_its_mp(uk_dir, fresh_uk_indexes):
    from tocsin.districts.uk import PostcodeStatus, lookup_postcode

    mp_before_places = MPFactory(constituency=WESTMINSTER, parliament_member_id=1)
    assert mp_before_places.seat_label == WESTMINSTER  # no places loaded: the code

    call_command("sync_uk", source=str(uk_dir.parent), verbosity=0)

    found = lookup_postcode("sw1a0aa")
    assert found.status == PostcodeStatus.FOUND
    mp = Target.objects.mp_for(found.constituency.code)
    assert mp.name == "Rachel Blake"
    assert mp.seat_label == "Cities of London and Westminster"
    # The made-up member was not in the data: kept, inactive.
    mp_before_places.refresh_from_db()
    assert not mp_before_places.is_active
