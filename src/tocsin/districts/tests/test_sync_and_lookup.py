import gzip
import json
import shutil

import pytest
import shapely
from django.core.management import CommandError, call_command

from tocsin.districts.models import DatasetImport, DistrictBoundary, ZipDistrict
from tocsin.districts.services import (
    DistrictRef,
    InvalidZip,
    ZipLookupStatus,
    district_at,
    lookup_zip,
    normalize_zip,
    reset_indexes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_indexes():
    reset_indexes()
    yield
    reset_indexes()


@pytest.fixture
def small_source(tmp_path):
    """A directory laid out like the public data, with a handful of rows we wrote ourselves."""
    (tmp_path / "zip").mkdir()
    (tmp_path / "boundaries").mkdir()
    (tmp_path / "zip" / "zccd.csv").write_text(
        "state_fips,state_abbr,zcta,cd\n55,WI,53703,2\n55,WI,53711,2\n55,WI,53901,3\n"
        "55,WI,53901,6\n11,DC,20001,0\n"
    )
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"STATEFP": "55", "CD119FP": "02"},
                "geometry": square,
            }
        ],
    }
    (tmp_path / "boundaries" / "cd119_500k.geojson.gz").write_bytes(
        gzip.compress(json.dumps(collection).encode())
    )
    return tmp_path


def sync(source, **options):
    call_command("sync_districts", source=str(source), verbosity=0, **options)


def test_the_public_data_loads_every_zip_and_district(shared_data_dir):
    sync(shared_data_dir)
    assert ZipDistrict.objects.values("zcta").distinct().count() > 33_000
    assert DistrictBoundary.objects.count() == 441
    imports = dict(DatasetImport.objects.values_list("dataset", "rows"))
    assert imports["district-boundaries"] == 441
    assert imports["zip-districts"] == ZipDistrict.objects.count()
    # The territories' file is loaded alongside the main table.
    assert lookup_zip("00802").districts == (DistrictRef("VI", 0),)

    # Every district's own interior resolves to that district: the index and the data agree.
    for boundary in DistrictBoundary.objects.all():
        inside = shapely.from_wkb(bytes(boundary.geometry_wkb)).representative_point()
        assert district_at(inside.y, inside.x) == DistrictRef(boundary.state, boundary.district)

    # A ZIP that the table splits is never answered with a single district.
    split = ZipDistrict.objects.values_list("zcta", flat=True).order_by("zcta").distinct()[:2000]
    counts = {}
    for zcta in ZipDistrict.objects.filter(zcta__in=list(split)).values_list("zcta", flat=True):
        counts[zcta] = counts.get(zcta, 0) + 1
    for zcta, count in counts.items():
        expected = ZipLookupStatus.FOUND if count == 1 else ZipLookupStatus.AMBIGUOUS
        assert lookup_zip(zcta).status == expected
        assert len(lookup_zip(zcta).districts) == count


def test_a_small_directory_loads_with_allow_partial(small_source):
    sync(small_source, allow_partial=True)
    assert lookup_zip("53703").districts == (DistrictRef("WI", 2),)
    assert lookup_zip("53901").status == ZipLookupStatus.AMBIGUOUS
    assert district_at(0.5, 0.5) == DistrictRef("WI", 2)
    assert district_at(5, 5) is None


def test_a_short_file_is_refused_as_truncated_without_allow_partial(small_source):
    with pytest.raises(CommandError, match="truncated"):
        sync(small_source)
    assert not ZipDistrict.objects.exists()


@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("zip/zccd.csv", "state_fips,state_abbr,zcta,cd\n55,WI,53703,2\n55,ZZ,5370", "line 3"),
        ("zip/zccd.csv", "not,a,table\n1,2,3\n", "missing columns"),
        ("boundaries/cd119_500k.geojson.gz", b"\x1f\x8b\x08\x00garbage", "gzip"),
        ("boundaries/cd119_500k.geojson.gz", b'{"type": "FeatureCollection", "feat', "GeoJSON"),
    ],
)
def test_a_malformed_file_changes_nothing_and_says_what_is_wrong(
    small_source, path, content, message
):
    sync(small_source, allow_partial=True)
    before = list(ZipDistrict.objects.values_list("zcta", "state", "district").order_by("pk"))
    target = small_source / path
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    with pytest.raises(CommandError, match=message):
        sync(small_source, allow_partial=True)
    after = list(ZipDistrict.objects.values_list("zcta", "state", "district").order_by("pk"))
    assert after == before
    assert DistrictBoundary.objects.count() == 1


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Nothing was changed: Could not read .*nowhere"):
        sync(tmp_path / "nowhere")


def test_without_data_lookups_say_so_instead_of_failing():
    assert lookup_zip("53703").status == ZipLookupStatus.NO_DATA
    assert district_at(43.07, -89.38) is None


def test_a_new_sync_replaces_what_lookups_see(small_source, shared_data_dir):
    sync(small_source, allow_partial=True)
    assert lookup_zip("91711").status == ZipLookupStatus.NOT_FOUND
    shutil.copy(shared_data_dir / "zip" / "zccd.csv", small_source / "zip" / "zccd.csv")
    sync(small_source, allow_partial=True)
    assert lookup_zip("91711").status == ZipLookupStatus.AMBIGUOUS


@pytest.mark.parametrize(
    ("text", "expected"), [("53703", "53703"), (" 53703-1234 ", "53703"), ("537031234", "53703")]
)
def test_zip_and_zip_plus_four_are_accepted(text, expected):
    assert normalize_zip(text) == expected


@pytest.mark.parametrize("text", ["", "5370", "537034", "five3", "５３７０３", "53703-12"])
def test_anything_else_is_not_a_zip(text):
    with pytest.raises(InvalidZip, match="5-digit ZIP"):
        normalize_zip(text)


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(float("nan"), 0), (0, float("inf")), (91, 0), (0, -181)]
)
def test_impossible_coordinates_are_refused(latitude, longitude):
    with pytest.raises(ValueError, match="latitude"):
        district_at(latitude, longitude)


@pytest.mark.parametrize(
    ("label", "ref"),
    [("WI-2", DistrictRef("WI", 2)), ("ak", DistrictRef("AK", 0)), ("DC", DistrictRef("DC", 0))],
)
def test_district_labels_round_trip(label, ref):
    assert DistrictRef.parse(label) == ref
    assert DistrictRef.parse(ref.label) == ref


@pytest.mark.parametrize("label", ["", "ZZ-1", "WI-", "WI-123", "W1-2", "WI-٢"])
def test_unknown_district_labels_are_refused(label):
    with pytest.raises(ValueError, match="district"):
        DistrictRef.parse(label)
