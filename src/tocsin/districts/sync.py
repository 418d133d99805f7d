"""Loading the ZIP → district table and the district boundaries from their public sources.

Everything is read and checked before anything is written, and written in one transaction:
a truncated or malformed file changes nothing.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

import shapely
import shapely.geometry
from django.db import transaction
from django.utils import timezone

from tocsin.core.datasources import DatasetError, open_text, read_bytes, resolve

from .models import DatasetImport, DistrictBoundary, ZipDistrict
from .services import reset_indexes
from .states import STATES, state_by_fips

ZIP_TABLE_URL = (
    "https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv"
)
BOUNDARIES_URL = "https://www2.census.gov/geo/tiger/GENZ2024/shp/cb_2024_us_cd119_500k.zip"

# zccd.csv leaves out the territories. Their 17 ZCTAs all belong to the delegate's at-large
# seat (Census ZCTA–CD119 relationship file, 2024); a local zccd_territories.csv replaces this.
TERRITORY_ZCTAS = {
    "AS": ["96799"],
    "GU": ["96910", "96913", "96915", "96916", "96917", "96928", "96929"],
    "MP": ["96950", "96951", "96952"],
    "VI": ["00802", "00820", "00830", "00840", "00850", "00851"],
}

# A complete file has about 42,000 pairs and 441 districts; far fewer means a cut-off download.
MIN_ZIP_PAIRS = 30_000
MIN_BOUNDARIES = 430
MAX_DISTRICT_NUMBER = 60


@dataclass
class SyncResult:
    zip_pairs: int
    zctas: int
    boundaries: int


def _zip_pairs_from_csv(location: str) -> set[tuple[str, str, int]]:
    reader = csv.DictReader(open_text(location))
    missing = {"state_abbr", "zcta", "cd"} - set(reader.fieldnames or ())
    if missing:
        raise DatasetError(f"{location}: missing columns {', '.join(sorted(missing))}")
    pairs = set()
    for line_number, row in enumerate(reader, start=2):
        state, zcta, district = (row.get(key) or "" for key in ("state_abbr", "zcta", "cd"))
        zcta = zcta.strip().zfill(5)
        if (
            state not in STATES
            or not (zcta.isascii() and zcta.isdigit() and len(zcta) == 5)
            or not (district.isascii() and district.isdigit())
            or int(district) > MAX_DISTRICT_NUMBER
        ):
            raise DatasetError(f"{location}, line {line_number}: not a ZIP–district row: {row}")
        pairs.add((zcta, state, int(district)))
    return pairs


def read_zip_pairs(source: str | None, allow_partial: bool) -> tuple[set, str]:
    location = resolve(source, "zip/zccd.csv", ZIP_TABLE_URL)
    pairs = _zip_pairs_from_csv(location)
    if len(pairs) < MIN_ZIP_PAIRS and not allow_partial:
        raise DatasetError(
            f"{location} has only {len(pairs)} ZIP–district pairs (expected over "
            f"{MIN_ZIP_PAIRS}); it looks truncated. Use --allow-partial if that is intended."
        )
    try:
        territories = _zip_pairs_from_csv(resolve(source, "zip/zccd_territories.csv", "not-a-url"))
    except DatasetError:
        territories = {
            (zcta, state, 0) for state, zctas in TERRITORY_ZCTAS.items() for zcta in zctas
        }
    return pairs | territories, location


def _district_of(properties: dict) -> tuple[str, int]:
    if "state" in properties and "district" in properties:
        return str(properties["state"]), int(properties["district"])
    state = state_by_fips(str(properties.get("STATEFP", "")))
    number = str(properties.get("CD119FP", ""))
    if state is None or not number.isdigit():
        raise DatasetError(f"a boundary without a state and district: {properties}")
    # 00 is an at-large seat, 98 a delegate; both are district 0 in congress-legislators.
    return state.usps, 0 if int(number) in (0, 98) else int(number)


def _checked_geometry(geometry, where: str):
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise DatasetError(f"{where}: not a polygon")
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise DatasetError(f"{where}: coordinates are not longitude/latitude")
    return geometry


def _boundaries_from_geojson(data: bytes, location: str) -> dict:
    try:
        collection = json.loads(data)
        features = collection["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise DatasetError(f"{location} is not a GeoJSON feature collection: {error}") from error
    boundaries = {}
    for feature in features:
        try:
            ref = _district_of(feature["properties"])
            geometry = shapely.geometry.shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as error:
            raise DatasetError(f"{location}: a feature could not be read: {error}") from error
        boundaries[ref] = (
            _checked_geometry(geometry, f"{location}, {ref}"),
            str(feature["properties"].get("NAMELSAD", "")),
        )
    return boundaries


def _boundaries_from_shapefile_zip(data: bytes, location: str) -> dict:
    import shapefile  # pyshp, only needed for the Census download

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {name.rsplit(".", 1)[-1].lower(): name for name in archive.namelist()}
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(names["shp"])),
            shx=io.BytesIO(archive.read(names["shx"])),
            dbf=io.BytesIO(archive.read(names["dbf"])),
        )
        boundaries = {}
        for record in reader.iterShapeRecords():
            properties = record.record.as_dict()
            ref = _district_of(properties)
            geometry = shapely.geometry.shape(record.shape.__geo_interface__)
            boundaries[ref] = (
                _checked_geometry(geometry, f"{location}, {ref}"),
                properties.get("NAMELSAD", ""),
            )
    except (zipfile.BadZipFile, KeyError, shapefile.ShapefileException, ValueError) as error:
        raise DatasetError(f"{location} is not a readable shapefile archive: {error}") from error
    return boundaries


def read_boundaries(source: str | None, allow_partial: bool) -> tuple[dict, str]:
    location = resolve(source, "boundaries/cd119_500k.geojson.gz", BOUNDARIES_URL)
    data = read_bytes(location)
    if data[:2] == b"PK":
        boundaries = _boundaries_from_shapefile_zip(data, location)
    else:
        boundaries = _boundaries_from_geojson(data, location)
    if len(boundaries) < MIN_BOUNDARIES and not allow_partial:
        raise DatasetError(
            f"{location} has only {len(boundaries)} districts (expected {MIN_BOUNDARIES} or "
            "more); it looks truncated. Use --allow-partial if that is intended."
        )
    return boundaries, location


def sync_districts(source: str | None = None, *, allow_partial: bool = False) -> SyncResult:
    pairs, zip_location = read_zip_pairs(source, allow_partial)
    boundaries, boundary_location = read_boundaries(source, allow_partial)
    now = timezone.now()
    with transaction.atomic():
        ZipDistrict.objects.all().delete()
        ZipDistrict.objects.bulk_create(
            (ZipDistrict(zcta=z, state=s, district=d) for z, s, d in sorted(pairs)),
            batch_size=2000,
        )
        DistrictBoundary.objects.all().delete()
        DistrictBoundary.objects.bulk_create(
            (
                DistrictBoundary(
                    state=state,
                    district=district,
                    name=name[:120],
                    geometry_wkb=shapely.to_wkb(geometry),
                )
                for (state, district), (geometry, name) in sorted(boundaries.items())
            ),
            batch_size=50,
        )
        for dataset, location, rows in (
            ("zip-districts", zip_location, len(pairs)),
            ("district-boundaries", boundary_location, len(boundaries)),
        ):
            DatasetImport.objects.update_or_create(
                dataset=dataset,
                defaults={"source": location[:500], "rows": rows, "imported_at": now},
            )
    # This process sees the new rows at once; other processes notice the new import within
    # RECHECK_SECONDS.
    reset_indexes()
    return SyncResult(
        zip_pairs=len(pairs), zctas=len({z for z, _, _ in pairs}), boundaries=len(boundaries)
    )
