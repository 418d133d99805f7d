import datetime
import gzip
import json
import math
import shutil

import pytest
import shapely

from tocsin.core.datasources import DatasetError
from tocsin.districts import uk
from tocsin.districts.models import (
    Constituency,
    DatasetImport,
    PostcodeOutward,
    PostcodeRangeTable,
)
from tocsin.districts.uk import (
    ConstituencyRef,
    InvalidPostcode,
    PostcodeStatus,
    constituency,
    constituency_at,
    looks_like_uk_postcode,
    looks_like_zip,
    lookup_postcode,
    normalize_postcode,
    northern_ireland_constituencies,
    reset_uk_indexes,
    sync_uk_places,
)

pytestmark = pytest.mark.django_db

UK_DATASETS = [uk.DATASET_CONSTITUENCIES, uk.DATASET_RANGES, uk.DATASET_POSTCODES]


@pytest.fixture(scope="module")
def uk_places(django_db_setup, django_db_blocker, shared_data_dir):
    """The real UK data, loaded once for the module."""
    with django_db_blocker.unblock():
        result = sync_uk_places(str(shared_data_dir))
    yield result
    with django_db_blocker.unblock():
        for model in (Constituency, PostcodeRangeTable, PostcodeOutward):
            model.objects.all().delete()
        DatasetImport.objects.filter(dataset__in=UK_DATASETS).delete()
        reset_uk_indexes()


@pytest.fixture(autouse=True)
def fresh_indexes():
    reset_uk_indexes()
    yield
    reset_uk_indexes()


def postcodes_of(outward: str) -> set[str]:
    inward_codes = PostcodeOutward.objects.get(outward=outward).inward_codes
    return {f"{outward} {uk._inward_text(number)}" for number in uk._unpacked("H", inward_codes)}


def test_the_sync_loads_every_seat_range_and_postcode(uk_places):
    assert uk_places.constituencies == 650
    assert uk_places.postcode_ranges == 54_076
    assert uk_places.postcodes == 1_734_274
    assert Constituency.objects.count() == 650
    assert Constituency.objects.filter(nation="N").count() == 18
    assert Constituency.objects.filter(nation="W").count() == 32
    imports = dict(
        DatasetImport.objects.filter(dataset__in=UK_DATASETS).values_list("dataset", "rows")
    )
    assert imports == {
        uk.DATASET_CONSTITUENCIES: 650,
        uk.DATASET_RANGES: 54_076,
        uk.DATASET_POSTCODES: 1_734_274,
    }
    # Welsh names are kept where the seat has one.
    assert Constituency.objects.exclude(name_cy="").filter(nation="W").exists()
    assert not Constituency.objects.exclude(name_cy="").exclude(nation="W").exists()


@pytest.mark.parametrize(
    ("postcode", "code", "name"),
    [
        ("SW1A 0AA", "E14001172", "Cities of London and Westminster"),
        ("M1 1AE", "E14001352", "Manchester Central"),
        ("EH1 1YZ", "S14000078", "Edinburgh East and Musselburgh"),
        ("CF10 1EP", "W07000091", "Cardiff South and Penarth"),
    ],
)
def test_known_postcodes_find_their_constituency(uk_places, postcode, code, name):
    found = lookup_postcode(postcode)
    assert found.status == PostcodeStatus.FOUND
    assert found.postcode == postcode
    assert found.constituency == ConstituencyRef(code, name)
    assert found.checked_exists is True
    assert found.constituency.nation == code[0]
    assert found.constituency.label == name


@pytest.mark.parametrize("spelling", ["sw1a0aa", " SW1A  0aa ", "Sw1A 0aA", "SW1A\t0AA"])
def test_any_common_spelling_finds_the_same_seat(uk_places, spelling):
    found = lookup_postcode(spelling)
    assert found.postcode == "SW1A 0AA"
    assert found.constituency.code == "E14001172"


def test_a_well_formed_postcode_that_does_not_exist_is_unknown(uk_places):
    assert "SW1A 9ZZ" not in postcodes_of("SW1A")
    assert "SW1A 0AA" in postcodes_of("SW1A")
    missing = lookup_postcode("sw1a 9zz")
    assert missing.status == PostcodeStatus.UNKNOWN
    assert missing.postcode == "SW1A 9ZZ"
    assert missing.constituency is None
    assert missing.checked_exists is True
    # An outward code that does not exist at all, and one past the last range.
    assert not PostcodeOutward.objects.filter(outward="ZZ9").exists()
    assert lookup_postcode("ZZ9 9ZZ").status == PostcodeStatus.UNKNOWN


def test_without_the_postcode_list_the_answer_says_existence_was_not_checked(uk_places):
    PostcodeOutward.objects.all().delete()
    DatasetImport.objects.filter(dataset=uk.DATASET_POSTCODES).delete()
    reset_uk_indexes()
    real = lookup_postcode("M1 1AE")
    assert real.status == PostcodeStatus.FOUND
    assert real.constituency.code == "E14001352"
    assert real.checked_exists is False
    # The range table answers any string; the caller must say it could not check.
    made_up = lookup_postcode("SW1A 9ZZ")
    assert made_up.checked_exists is False


def test_northern_ireland_postcodes_are_never_given_a_gb_seat(uk_places):
    found = lookup_postcode("BT1 5GS")
    assert found.status == PostcodeStatus.NORTHERN_IRELAND
    assert found.postcode == "BT1 5GS"
    assert found.constituency is None
    assert lookup_postcode("bt71 4qz").status == PostcodeStatus.NORTHERN_IRELAND


def test_crown_dependencies_have_no_mp(uk_places):
    for postcode in ("JE2 3AB", "GY1 1AA", "IM1 1AA"):
        found = lookup_postcode(postcode)
        assert found.status == PostcodeStatus.UNKNOWN
        assert found.constituency is None


@pytest.mark.parametrize(
    "text",
    [
        *("", "   ", "garbage", "SW1A", "12345", "SW1A 0AAA", "1W1A 0AA", "SW1A 0A1"),
        *("<b>SW1A</b>", "SW1A 0AA" * 100, "SW1A\n0AA\r\nBcc: x@example.org", None),
    ],
)
def test_garbage_is_invalid(uk_places, text):
    found = lookup_postcode(text)
    assert found.status == PostcodeStatus.INVALID
    assert found.postcode == ""
    assert found.constituency is None
    with pytest.raises(InvalidPostcode, match="UK postcode"):
        normalize_postcode(text)


def forget_uk_data():
    for model in (Constituency, PostcodeRangeTable, PostcodeOutward):
        model.objects.all().delete()
    DatasetImport.objects.filter(dataset__in=UK_DATASETS).delete()
    reset_uk_indexes()


def test_no_data_before_a_sync():
    forget_uk_data()
    found = lookup_postcode("SW1A 0AA")
    assert found.status == PostcodeStatus.NO_DATA
    assert found.postcode == "SW1A 0AA"
    assert constituency("E14001172") is None
    assert constituency_at(51.5, -0.12) is None
    assert northern_ireland_constituencies() == []


def test_the_shape_tests_tell_postcodes_from_zips():
    assert looks_like_uk_postcode("sw1a0aa")
    assert looks_like_uk_postcode(" EH1 1YZ ")
    assert not looks_like_uk_postcode("53703")
    assert not looks_like_uk_postcode("")
    assert looks_like_zip("53703")
    assert looks_like_zip(" 53703-1234 ")
    assert not looks_like_zip("SW1A 0AA")
    assert not looks_like_zip("5370")


def test_every_real_postcode_has_the_standard_shape(uk_places):
    outwards = list(PostcodeOutward.objects.values_list("outward", flat=True))
    assert len(outwards) > 2800
    for outward in outwards:
        assert looks_like_uk_postcode(outward + "1AA"), outward


def test_constituency_by_code(uk_places):
    assert constituency("E14001172") == ConstituencyRef(
        "E14001172", "Cities of London and Westminster"
    )
    assert constituency(" e14001172 ").name == "Cities of London and Westminster"
    assert constituency("E14999999") is None
    assert constituency("") is None


def test_northern_ireland_has_18_seats_listed_by_name(uk_places):
    seats = northern_ireland_constituencies()
    assert len(seats) == 18
    assert [seat.name for seat in seats] == sorted(seat.name for seat in seats)
    assert {seat.nation for seat in seats} == {"N"}
    assert ConstituencyRef("N05000001", "Belfast East") in seats


def test_a_point_in_belfast_is_in_a_belfast_seat(uk_places):
    # Belfast City Hall.
    seat = constituency_at(54.5964, -5.9302)
    assert seat.nation == "N"
    assert seat.name.startswith("Belfast")
    geometry = shapely.from_wkb(bytes(Constituency.objects.get(code=seat.code).geometry_wkb))
    assert geometry.contains(shapely.Point(-5.9302, 54.5964))


def test_every_seat_contains_its_own_interior(uk_places):
    for code, wkb in Constituency.objects.values_list("code", "geometry_wkb"):
        inside = shapely.from_wkb(bytes(wkb)).representative_point()
        assert constituency_at(inside.y, inside.x).code == code


def test_a_point_just_offshore_takes_the_nearest_seat(uk_places):
    # In the Irish Sea off Blackpool Tower, under a kilometre out.
    latitude, longitude = 53.816, -3.07
    point = shapely.Point(longitude, latitude)
    geometries = {
        code: shapely.from_wkb(bytes(wkb))
        for code, wkb in Constituency.objects.values_list("code", "geometry_wkb")
    }
    assert not any(geometry.contains(point) for geometry in geometries.values())
    # Measured on a plane where a degree of longitude is as long as it is at this latitude.
    squeeze = math.cos(math.radians(latitude))
    flat_point = shapely.Point(longitude * squeeze, latitude)
    nearest = min(
        geometries,
        key=lambda code: shapely.transform(geometries[code], lambda xy: xy * [squeeze, 1]).distance(
            flat_point
        ),
    )
    seat = constituency_at(latitude, longitude)
    assert seat is not None
    assert seat.code == nearest
    assert seat.name == "Blackpool South"


def test_points_far_from_any_seat_have_none(uk_places):
    assert constituency_at(50.4, -0.137) is None  # mid-Channel
    assert constituency_at(48.8566, 2.3522) is None  # Paris
    assert constituency_at(43.07, -89.38) is None  # Madison
    with pytest.raises(ValueError, match="finite"):
        constituency_at(float("nan"), 0)
    with pytest.raises(ValueError, match="out of range"):
        constituency_at(91, 0)


def test_the_index_follows_a_newer_import_from_another_process(uk_places, monkeypatch):
    assert constituency("E14001172").name == "Cities of London and Westminster"
    # Another process syncs: the rows and the import's date change under this process.
    Constituency.objects.filter(code="E14001172").update(name="Renamed")
    assert constituency("E14001172").name == "Cities of London and Westminster"
    DatasetImport.objects.filter(dataset=uk.DATASET_CONSTITUENCIES).update(
        imported_at=DatasetImport.objects.get(dataset=uk.DATASET_CONSTITUENCIES).imported_at
        + datetime.timedelta(seconds=1)
    )
    monkeypatch.setattr(uk, "RECHECK_SECONDS", 0)
    assert constituency("E14001172").name == "Renamed"
    assert lookup_postcode("SW1A 0AA").constituency.name == "Renamed"


def copy_of_uk_data(shared_data_dir, destination, *, with_list=True):
    """The UK files in a folder of our own, laid out as the `uk` folder."""
    source = shared_data_dir / "uk"
    for relative in (
        "postcodes/pcon_2024.json",
        "postcodes/pcon_2024_lookup.json",
        "boundaries/pcon24_bgc.topojson.gz",
    ) + (("postcodes/gb_postcode_pcon24.csv.gz",) if with_list else ()):
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / relative, destination / relative)
    return destination


def assert_nothing_changed():
    assert Constituency.objects.count() == 650
    assert PostcodeOutward.objects.count() > 2800
    assert lookup_postcode("M1 1AE").constituency.code == "E14001352"


def test_a_truncated_list_of_seats_changes_nothing(uk_places, shared_data_dir, tmp_path):
    copy_of_uk_data(shared_data_dir, tmp_path, with_list=False)
    names_file = tmp_path / "postcodes" / "pcon_2024_lookup.json"
    names = json.loads(names_file.read_text())
    names.pop(next(iter(names)))
    names_file.write_text(json.dumps(names))
    with pytest.raises(DatasetError, match="649 constituencies"):
        sync_uk_places(str(tmp_path))
    assert_nothing_changed()


def test_ranges_naming_an_unknown_seat_change_nothing(uk_places, shared_data_dir, tmp_path):
    copy_of_uk_data(shared_data_dir, tmp_path, with_list=False)
    ranges_file = tmp_path / "postcodes" / "pcon_2024.json"
    ranges = json.loads(ranges_file.read_text())
    ranges["value_values"][5] = "UKPARL.2025.XXX"
    ranges_file.write_text(json.dumps(ranges))
    with pytest.raises(DatasetError, match=r"UKPARL\.2025\.XXX"):
        sync_uk_places(str(tmp_path))
    assert_nothing_changed()


def test_a_bad_postcode_row_changes_nothing(uk_places, shared_data_dir, tmp_path):
    copy_of_uk_data(shared_data_dir, tmp_path, with_list=False)
    list_file = tmp_path / "postcodes" / "gb_postcode_pcon24.csv.gz"
    rows = "postcode,pcon24cd\nSW1A 0AA,E14001172\nNOT A POSTCODE,E14001172\n"
    list_file.write_bytes(gzip.compress(rows.encode()))
    with pytest.raises(DatasetError, match="not a postcode row"):
        sync_uk_places(str(tmp_path))
    assert_nothing_changed()


def test_a_sync_without_the_postcode_list_keeps_the_one_loaded(
    uk_places, shared_data_dir, tmp_path
):
    copy_of_uk_data(shared_data_dir, tmp_path, with_list=False)
    result = sync_uk_places(str(tmp_path))
    assert result.constituencies == 650
    assert result.postcodes is None
    assert result.postcode_list_kept is True
    assert DatasetImport.objects.get(dataset=uk.DATASET_CONSTITUENCIES).source.startswith(
        str(tmp_path)
    )
    assert lookup_postcode("SW1A 9ZZ").status == PostcodeStatus.UNKNOWN
    assert lookup_postcode("CF10 1EP").constituency.code == "W07000091"


def test_a_missing_required_file_is_named(db, tmp_path):
    with pytest.raises(DatasetError, match=r"pcon_2024_lookup\.json"):
        sync_uk_places(str(tmp_path))
    with pytest.raises(DatasetError, match="not a directory"):
        sync_uk_places(str(tmp_path / "nowhere"))
