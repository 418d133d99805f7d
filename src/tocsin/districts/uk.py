"""UK places: a postcode or a point to its Westminster constituency, and loading the data.

The data lives in the database in packed form (see the models); each process builds small
in-memory indexes from it on first use and rebuilds them when a sync has loaded newer data,
as the US lookups in `services` do. A lookup is a bisection over packed integers, never a
database query.

Great Britain postcodes come from mySociety's compact range table; Northern Ireland (BT)
postcodes are in no open file, so they are never looked up: the supporter picks one of NI's
18 seats or shares a location, which `constituency_at` places on the 2024 boundaries.
"""

import bisect
import enum
import itertools
import json
import math
import re
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.core.datasources import (
    DatasetError,
    is_url,
    local_data_dir,
    read_bytes,
    read_text,
)

from .models import Constituency, DatasetImport, PostcodeOutward, PostcodeRangeTable
from .services import RECHECK_SECONDS, boundary_containing

RANGES_URL = (
    "https://raw.githubusercontent.com/mysociety/2025-constituencies/"
    "7005dfdaca146334bb3e23db1d3a664afc3ecb7d/docs/js/pcon_2024.json"
)
NAMES_URL = (
    "https://raw.githubusercontent.com/mysociety/2025-constituencies/"
    "7005dfdaca146334bb3e23db1d3a664afc3ecb7d/docs/js/pcon_2024_lookup.json"
)
BOUNDARIES_URL = (
    "https://raw.githubusercontent.com/tom-draper/uk-data-atlas/"
    "c6058e3977d47a66e6b27e3acf2fddd14a74c4fd/public/data/boundaries/constituencies/"
    "Westminster_Parliamentary_Constituencies_July_2024_Boundaries_UK_BGC_-8097874740651686118"
    ".topojson"
)
RANGES_PATH = "uk/postcodes/pcon_2024.json"
NAMES_PATH = "uk/postcodes/pcon_2024_lookup.json"
POSTCODE_LIST_PATH = "uk/postcodes/gb_postcode_pcon24.csv.gz"
BOUNDARIES_PATH = "uk/boundaries/pcon24_bgc.topojson.gz"

CONSTITUENCY_COUNT = 650
NORTHERN_IRELAND_SEATS = 18
# A complete range table has about 54,000 ranges and the postcode list 1.7 million postcodes;
# far fewer means a cut-off download.
MIN_RANGES = 40_000
MIN_POSTCODES = 1_500_000
# A point on the coast or in an estuary may fall just outside every (coast-clipped) polygon.
NEAREST_WITHIN_KM = 5.0
KM_PER_DEGREE_LATITUDE = 111.2

DATASET_CONSTITUENCIES = "uk-constituencies"
DATASET_RANGES = "uk-postcode-ranges"
DATASET_POSTCODES = "uk-postcodes"

_CODE_RE = re.compile(r"^[EWSN][0-9]{8}$", re.ASCII)
# The shapes of every Great Britain postcode (and Northern Ireland's), without its space.
_POSTCODE_RE = re.compile(
    r"^([A-Z]{2}[0-9][A-Z]|[A-Z][0-9][A-Z]|[A-Z][0-9]|[A-Z][0-9]{2}|[A-Z]{2}[0-9]|[A-Z]{2}[0-9]{2})"
    r"([0-9][A-Z]{2})$",
    re.ASCII,
)
_ZIP_RE = re.compile(r"^[0-9]{5}(?:-?[0-9]{4})?$", re.ASCII)
_WHITESPACE_RE = re.compile(r"\s+")
# Jersey, Guernsey and the Isle of Man have postcodes of the same shape but no MP.
_CROWN_DEPENDENCY_AREAS = ("JE", "GY", "IM")


@dataclass(frozen=True, order=True)
class ConstituencyRef:
    """A Westminster seat: its ONS code (E14001172) and name."""

    code: str
    name: str

    @property
    def nation(self) -> str:
        """E, W, S or N (England, Wales, Scotland, Northern Ireland), from the code."""
        return self.code[:1]

    @property
    def label(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


class PostcodeStatus(enum.StrEnum):
    FOUND = "found"
    # Well formed, but no such postcode (or one with no seat, such as a PO box or Jersey).
    UNKNOWN = "unknown"
    # BT postcodes are in no open dataset: ask the supporter to pick a seat or share a location.
    NORTHERN_IRELAND = "northern_ireland"
    NO_DATA = "no_data"
    INVALID = "invalid"


@dataclass(frozen=True)
class PostcodeLookup:
    status: PostcodeStatus
    # "SW1A 0AA", or "" when the text is not a postcode.
    postcode: str
    constituency: ConstituencyRef | None = None
    # False when the list of real postcodes is not loaded: a well-formed postcode that does
    # not exist then gets the seat of the range it falls in, so say it was not checked.
    checked_exists: bool = False


class InvalidPostcode(ValueError):
    pass


def looks_like_uk_postcode(text: str) -> bool:
    return bool(_POSTCODE_RE.match(_WHITESPACE_RE.sub("", text or "").upper()))


def looks_like_zip(text: str) -> bool:
    return bool(_ZIP_RE.match((text or "").strip()))


def normalize_postcode(text: str) -> str:
    """ "SW1A 0AA" from any common spelling ("sw1a0aa", " SW1A  0aa "); InvalidPostcode else."""
    compact = _WHITESPACE_RE.sub("", text or "").upper()
    match = _POSTCODE_RE.match(compact) if len(compact) <= 7 else None
    if not match:
        raise InvalidPostcode(gettext("Enter a UK postcode, for example SW1A 0AA."))
    return f"{match.group(1)} {match.group(2)}"


def _inward_number(inward: str) -> int:
    """0AA → 0, 9ZZ → 6759: fits an unsigned 16-bit integer."""
    return int(inward[0]) * 676 + (ord(inward[1]) - 65) * 26 + (ord(inward[2]) - 65)


def _inward_text(number: int) -> str:
    digit, letters = divmod(number, 676)
    first, second = divmod(letters, 26)
    return f"{digit}{chr(65 + first)}{chr(65 + second)}"


def _packed(typecode: str, values) -> bytes:
    """Little-endian bytes of an array, whatever this machine's byte order."""
    packed = array(typecode, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _unpacked(typecode: str, data) -> array:
    unpacked = array(typecode)
    unpacked.frombytes(bytes(data))
    if sys.byteorder == "big":
        unpacked.byteswap()
    return unpacked


# ---------------------------------------------------------------------------------------------
# In-process indexes


@dataclass
class _PostcodeIndex:
    starts: array  # "Q": sorted range starts
    seats: array  # "h": a position in `refs`, -1 for no seat
    refs: list[ConstituencyRef]
    # Outward code → sorted inward numbers ("H"); None when the postcode list is not loaded.
    outwards: dict[str, array] | None


@dataclass
class _UkIndexes:
    constituencies: dict[str, ConstituencyRef] | None = None
    postcodes: _PostcodeIndex | None = None
    boundaries: tuple | None = None
    versions: dict = field(default_factory=dict)
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_indexes = _UkIndexes()


def reset_uk_indexes() -> None:
    """Forget the loaded indexes; the next lookup reloads them (the sync calls this)."""
    with _indexes.lock:
        _indexes.constituencies = _indexes.postcodes = _indexes.boundaries = None
        _indexes.versions = {}
        _indexes.checked_at = 0.0


def _import_versions() -> dict[str, object]:
    return dict(
        DatasetImport.objects.filter(
            dataset__in=[DATASET_CONSTITUENCIES, DATASET_RANGES, DATASET_POSTCODES]
        ).values_list("dataset", "imported_at")
    )


def _drop_stale_indexes() -> None:
    """Another process may have synced: compare what was loaded with the latest imports."""
    now = time.monotonic()
    if now - _indexes.checked_at < RECHECK_SECONDS:
        return
    versions = _import_versions()
    with _indexes.lock:
        if versions != _indexes.versions:
            _indexes.constituencies = _indexes.postcodes = _indexes.boundaries = None
            _indexes.versions = versions
        _indexes.checked_at = now


def _constituency_index() -> dict[str, ConstituencyRef]:
    _drop_stale_indexes()
    constituencies = _indexes.constituencies
    if constituencies is not None:
        return constituencies
    with _indexes.lock:
        if _indexes.constituencies is None:
            _indexes.constituencies = {
                code: ConstituencyRef(code, name)
                for code, name in Constituency.objects.values_list("code", "name")
            }
        return _indexes.constituencies


def _postcode_index() -> _PostcodeIndex | None:
    constituencies = _constituency_index()
    postcodes = _indexes.postcodes
    if postcodes is not None:
        return postcodes if postcodes.starts else None
    with _indexes.lock:
        if _indexes.postcodes is None:
            table = PostcodeRangeTable.objects.first()
            if table is None or not constituencies:
                _indexes.postcodes = _PostcodeIndex(array("Q"), array("h"), [], None)
            else:
                outwards = {
                    outward: _unpacked("H", inward_codes)
                    for outward, inward_codes in PostcodeOutward.objects.values_list(
                        "outward", "inward_codes"
                    ).iterator(chunk_size=500)
                }
                refs = []
                for code in table.seat_codes.split():
                    # A seat the constituency table does not have is treated as no seat.
                    refs.append(constituencies.get(code))
                seats = _unpacked("h", table.seat_positions)
                _indexes.postcodes = _PostcodeIndex(
                    _unpacked("Q", table.starts),
                    array("h", (-1 if p < 0 or refs[p] is None else p for p in seats)),
                    refs,
                    outwards or None,
                )
        postcodes = _indexes.postcodes
        return postcodes if postcodes.starts else None


def _boundary_index():
    _drop_stale_indexes()
    boundaries = _indexes.boundaries
    if boundaries is not None:
        return boundaries
    with _indexes.lock:
        if _indexes.boundaries is None:
            refs, geometries = [], []
            for code, name, wkb in Constituency.objects.order_by("code").values_list(
                "code", "name", "geometry_wkb"
            ):
                refs.append(ConstituencyRef(code, name))
                geometry = shapely.from_wkb(bytes(wkb))
                shapely.prepare(geometry)
                geometries.append(geometry)
            _indexes.boundaries = (shapely.STRtree(geometries), refs, geometries)
        return _indexes.boundaries


# ---------------------------------------------------------------------------------------------
# Lookups


def postcode_data_loaded() -> bool:
    return _postcode_index() is not None


def postcode_existence_checked() -> bool:
    """Whether the list of real postcodes is loaded, so a made-up one is told apart."""
    index = _postcode_index()
    return bool(index and index.outwards)


def lookup_postcode(text: str) -> PostcodeLookup:
    """The constituency of a UK postcode. Never a guess: see PostcodeStatus."""
    try:
        postcode = normalize_postcode(text)
    except InvalidPostcode:
        return PostcodeLookup(PostcodeStatus.INVALID, "")
    outward, inward = postcode.split(" ")
    if outward.startswith("BT"):
        return PostcodeLookup(PostcodeStatus.NORTHERN_IRELAND, postcode, checked_exists=False)
    if outward.startswith(_CROWN_DEPENDENCY_AREAS) and outward[2].isdigit():
        return PostcodeLookup(PostcodeStatus.UNKNOWN, postcode, checked_exists=True)
    index = _postcode_index()
    if index is None:
        return PostcodeLookup(PostcodeStatus.NO_DATA, postcode)
    checked = index.outwards is not None
    if checked:
        inwards = index.outwards.get(outward)
        number = _inward_number(inward)
        position = bisect.bisect_left(inwards, number) if inwards else 0
        if not inwards or position == len(inwards) or inwards[position] != number:
            return PostcodeLookup(PostcodeStatus.UNKNOWN, postcode, checked_exists=True)
    position = bisect.bisect_right(index.starts, int(outward + inward, 36)) - 1
    seat = index.seats[position] if position >= 0 else -1
    if seat < 0:
        return PostcodeLookup(PostcodeStatus.UNKNOWN, postcode, checked_exists=checked)
    return PostcodeLookup(PostcodeStatus.FOUND, postcode, index.refs[seat], checked)


def constituency(code: str) -> ConstituencyRef | None:
    return _constituency_index().get((code or "").strip().upper())


def northern_ireland_constituencies() -> list[ConstituencyRef]:
    """Northern Ireland's 18 seats, by name: BT postcodes cannot be looked up."""
    return sorted(
        (ref for ref in _constituency_index().values() if ref.nation == "N"),
        key=lambda ref: ref.name,
    )


def _km_between(longitude: float, latitude: float, other) -> float:
    """Distance on a local flat projection: exact enough over a few kilometres."""
    scale = math.cos(math.radians(latitude))
    return math.hypot((other.x - longitude) * scale, other.y - latitude) * KM_PER_DEGREE_LATITUDE


def constituency_at(latitude: float, longitude: float) -> ConstituencyRef | None:
    """The constituency containing a point; a point just off the coast (or in an estuary)
    takes the nearest seat within NEAREST_WITHIN_KM; None further out or with no data."""
    index = _boundary_index()
    tree, refs, geometries = index
    position = boundary_containing(index, latitude, longitude)
    if position is not None:
        return refs[position]
    if not refs:
        return None
    point = shapely.Point(longitude, latitude)
    # Only what lies within NEAREST_WITHIN_KM can answer: a box that size around the point
    # (wider in degrees of longitude, which are shorter), and each candidate clipped to it so
    # that measuring does not walk a whole coastline.
    half_height = NEAREST_WITHIN_KM / KM_PER_DEGREE_LATITUDE
    half_width = half_height / max(math.cos(math.radians(latitude)), 0.1)
    window = (longitude - half_width, latitude - half_height)
    window += (longitude + half_width, latitude + half_height)
    best, best_km = None, NEAREST_WITHIN_KM
    # Seats meeting at the coast can be equally near: the first by code wins, every time.
    for position in sorted(tree.query(shapely.box(*window))):
        if not shapely.dwithin(geometries[position], point, half_width):
            continue
        near_part = shapely.clip_by_rect(geometries[position], *window)
        if near_part.is_empty:
            continue
        nearest = shapely.shortest_line(point, near_part).coords[-1]
        km = _km_between(longitude, latitude, shapely.Point(nearest))
        if km < best_km or (best is None and km <= best_km):
            best, best_km = refs[position], km
    return best


# ---------------------------------------------------------------------------------------------
# Sync


@dataclass
class UkPlacesResult:
    constituencies: int
    postcode_ranges: int
    # The postcodes of the real-postcode list loaded now; None when the source has no list
    # (a list loaded earlier is kept).
    postcodes: int | None
    postcode_list_kept: bool


def _locate(source: str | None, relative_path: str, default_url: str | None) -> str | None:
    """Where to read one file: under `source` (the data directory or its `uk` folder), under
    TOCSIN_DATA_DIR, at a URL directory, or upstream. None when an optional file (one with no
    upstream URL) is not there."""
    if source is None:
        directory = local_data_dir()
        if directory is None:
            return default_url
        source = str(directory)
    name = PurePosixPath(relative_path).name
    if is_url(source):
        if not source.endswith("/"):
            raise DatasetError(f"{source}: give a URL ending in / that holds the UK files")
        return source + name if default_url else None
    directory = Path(source)
    if not directory.is_dir():
        raise DatasetError(f"{source} is not a directory holding the UK files")
    for candidate in (relative_path, relative_path.removeprefix("uk/"), name):
        if (directory / candidate).is_file():
            return str(directory / candidate)
    if default_url is None:
        return None
    raise DatasetError(f"{relative_path} not found under {directory}")


def _read_json(location: str):
    try:
        return json.loads(read_bytes(location))
    except ValueError as error:
        raise DatasetError(f"{location} is not JSON: {error}") from error


def read_constituency_names(location: str) -> dict[str, dict]:
    """mySociety short code (UKPARL.2025.CLW) → {"code", "name", "name_cy"}."""
    data = _read_json(location)
    if not isinstance(data, dict):
        raise DatasetError(f"{location}: expected an object keyed by short code")
    names, seen_codes = {}, set()
    for short_code, entry in data.items():
        try:
            code = str(entry["parlcon_2024_gss_code"]).strip()
            name = str(entry["parlcon_2024_name"]).strip()
            name_cy = str(entry.get("parlcon_2024_name_cy") or "").strip()
        except (KeyError, TypeError, AttributeError) as error:
            raise DatasetError(f"{location}: {short_code} lacks a code or name") from error
        if not _CODE_RE.match(code) or not name or len(name) > 120 or len(name_cy) > 120:
            raise DatasetError(f"{location}: {short_code} has a bad code or name: {entry}")
        if code in seen_codes:
            raise DatasetError(f"{location}: {code} appears twice")
        seen_codes.add(code)
        names[str(short_code)] = {"code": code, "name": name, "name_cy": name_cy}
    return names


def read_postcode_ranges(location: str, names: dict[str, dict]) -> tuple[array, list[int], list]:
    """The range starts, a seat position per range and the seats' codes, decoded as
    mySociety's own lookup script does."""
    data = _read_json(location)
    try:
        deltas, keys, values = (
            data["postcode_keys"],
            data["value_key"],
            data["value_values"],
        )
        if not (len(deltas) == len(keys) and all(isinstance(v, int) for v in deltas + keys)):
            raise TypeError("postcode_keys and value_key must be lists of integers, same length")
    except (KeyError, TypeError) as error:
        raise DatasetError(f"{location} is not a postcode range table: {error}") from error
    starts = list(itertools.accumulate(deltas))
    if any(delta <= 0 for delta in deltas[1:]) or (
        starts and not (starts[0] >= 0 and starts[-1] < 2**64)
    ):
        raise DatasetError(f"{location}: the range starts are not increasing")
    positions: list[int] = []
    for number, key in enumerate(keys):
        # After the first two, 0 repeats the entry two places back; then every entry is one
        # more than the position it stands for.
        positions.append(positions[number - 2] if number >= 2 and key == 0 else key)
    seat_codes, position_of_value = [], {}
    for value_position, short_code in enumerate(values):
        if short_code is None:
            continue
        if short_code not in names:
            raise DatasetError(f"{location}: {short_code} is not in the constituency names")
        position_of_value[value_position] = len(seat_codes)
        seat_codes.append(names[short_code]["code"])
    seats = [position_of_value.get(position - 1, -1) for position in positions]
    return array("Q", starts), seats, seat_codes


def read_postcode_list(location: str, known_codes: set[str]) -> dict[str, list[int]]:
    """Outward code → sorted inward numbers of every real postcode in the list."""
    lines = read_text(location).splitlines()
    if not lines or [column.strip() for column in lines[0].split(",")] != ["postcode", "pcon24cd"]:
        raise DatasetError(f"{location}: expected the columns postcode,pcon24cd")
    # The list has close to two million rows: each row costs two dictionary look-ups, and
    # each outward code is checked once.
    inward_numbers = {_inward_text(number): number for number in range(10 * 676)}
    outwards: dict[str, list[int]] = {}
    for line_number, line in enumerate(lines[1:], start=2):
        postcode, comma, code = line.partition(",")
        outward, space, inward = postcode.partition(" ")
        inwards = outwards.get(outward)
        if inwards is None and space and _POSTCODE_RE.match(outward + "0AA"):
            inwards = outwards[outward] = []
        number = inward_numbers.get(inward)
        if inwards is None or number is None or not comma or (code and code not in known_codes):
            raise DatasetError(f"{location}, line {line_number}: not a postcode row: {line!r}")
        inwards.append(number)
    for inwards in outwards.values():
        inwards.sort()
    return outwards


def _ring(arc_indexes: list[int], arcs: list) -> numpy.ndarray:
    pieces = []
    for position, arc_index in enumerate(arc_indexes):
        points = arcs[arc_index] if arc_index >= 0 else arcs[~arc_index][::-1]
        # Consecutive arcs share their joining point.
        pieces.append(points if position == 0 else points[1:])
    return numpy.concatenate(pieces)


def _polygon(rings: list[list[int]], arcs: list) -> shapely.Polygon | None:
    built = [_ring(indexes, arcs) for indexes in rings]
    # Quantising can collapse a tiny island or lake to fewer than four points: skip it.
    if not built or len(built[0]) < 4:
        return None
    return shapely.Polygon(built[0], [ring for ring in built[1:] if len(ring) >= 4])


def _polygonal(shape):
    """Only the polygons of a repaired shape (repairs can leave stray lines or points)."""
    if shape.geom_type == "MultiPolygon":
        return shape
    if shape.geom_type == "Polygon":
        return shapely.MultiPolygon([shape])
    parts = [part for part in getattr(shape, "geoms", ()) if part.geom_type.endswith("Polygon")]
    return shapely.MultiPolygon(
        [polygon for part in parts for polygon in getattr(part, "geoms", [part])]
    )


def _repaired(shape):
    """Quantising makes some rings cross themselves by a few metres. A zero buffer repairs
    that quickly; the thorough repair, much slower, is kept for what it gets wrong."""
    buffered = shape.buffer(0)
    if buffered.is_valid and abs(buffered.area - shape.area) <= 0.001 * shape.area:
        return _polygonal(buffered)
    return _polygonal(shapely.make_valid(shape))


def read_boundaries(location: str, known_codes: set[str]) -> dict[str, bytes]:
    """ONS code → WKB, from the TopoJSON of the 2024 boundaries."""
    topology = _read_json(location)
    try:
        scale = numpy.array(topology["transform"]["scale"], dtype=float)
        translate = numpy.array(topology["transform"]["translate"], dtype=float)
        collection = next(iter(topology["objects"].values()))
        geometries = collection["geometries"]
        arcs = [
            numpy.cumsum(numpy.array(arc, dtype=float).reshape(-1, 2), axis=0) * scale + translate
            for arc in topology["arcs"]
        ]
    except (KeyError, TypeError, ValueError, StopIteration, AttributeError) as error:
        raise DatasetError(f"{location} is not a quantised TopoJSON topology: {error}") from error
    boundaries = {}
    for geometry in geometries:
        try:
            code = str(geometry["properties"]["PCON24CD"])
            if geometry["type"] == "Polygon":
                polygons = [_polygon(geometry["arcs"], arcs)]
            elif geometry["type"] == "MultiPolygon":
                polygons = [_polygon(rings, arcs) for rings in geometry["arcs"]]
            else:
                raise TypeError(f"a {geometry['type']}, not a polygon")
        except (KeyError, TypeError, IndexError, ValueError, shapely.errors.ShapelyError) as error:
            raise DatasetError(f"{location}: a boundary could not be read: {error}") from error
        if code not in known_codes:
            raise DatasetError(f"{location}: {code} is not in the constituency names")
        shape = shapely.MultiPolygon([p for p in polygons if p is not None])
        if not shape.is_valid:
            shape = _repaired(shape)
        west, south, east, north = shape.bounds if not shape.is_empty else (0, 0, 0, 0)
        if shape.is_empty or not (-11 <= west <= east <= 3 and 49 <= south <= north <= 61.5):
            raise DatasetError(f"{location}: the boundary of {code} is empty or not in the UK")
        boundaries[code] = shapely.to_wkb(shape)
    return boundaries


def sync_uk_places(source: str | None = None, *, allow_partial: bool = False) -> UkPlacesResult:
    """Load the 650 constituencies, their boundaries, the postcode ranges and, where the
    source has it, the list of real postcodes. Every file is read and checked first, then
    everything is written in one transaction: a bad file changes nothing.

    `source` is a directory laid out like ../shared/data (or its `uk` folder), a URL, or
    None for TOCSIN_DATA_DIR, else the public downloads.
    """
    names_location = _locate(source, NAMES_PATH, NAMES_URL)
    names = read_constituency_names(names_location)
    codes = {entry["code"] for entry in names.values()}
    northern_ireland = sum(code.startswith("N") for code in codes)
    if not allow_partial and (
        len(codes) != CONSTITUENCY_COUNT or northern_ireland != NORTHERN_IRELAND_SEATS
    ):
        raise DatasetError(
            f"{names_location} has {len(codes)} constituencies ({northern_ireland} in Northern "
            f"Ireland); expected {CONSTITUENCY_COUNT} ({NORTHERN_IRELAND_SEATS})."
        )
    ranges_location = _locate(source, RANGES_PATH, RANGES_URL)
    starts, seats, seat_codes = read_postcode_ranges(ranges_location, names)
    if len(starts) < MIN_RANGES and not allow_partial:
        raise DatasetError(
            f"{ranges_location} has only {len(starts)} postcode ranges (expected over "
            f"{MIN_RANGES}); it looks truncated."
        )
    list_location = _locate(source, POSTCODE_LIST_PATH, None)
    outwards = read_postcode_list(list_location, codes) if list_location else None
    postcode_count = sum(map(len, outwards.values())) if outwards is not None else None
    if postcode_count is not None and postcode_count < MIN_POSTCODES and not allow_partial:
        raise DatasetError(
            f"{list_location} has only {postcode_count} postcodes (expected over "
            f"{MIN_POSTCODES}); it looks truncated."
        )
    boundaries_location = _locate(source, BOUNDARIES_PATH, BOUNDARIES_URL)
    boundaries = read_boundaries(boundaries_location, codes)
    if set(boundaries) != codes:
        missing = sorted(codes - set(boundaries))
        raise DatasetError(
            f"{boundaries_location} lacks the boundaries of {len(missing)} constituencies "
            f"({', '.join(missing[:5])}…); every constituency needs one."
        )

    now = timezone.now()
    with transaction.atomic():
        Constituency.objects.all().delete()
        Constituency.objects.bulk_create(
            (
                Constituency(
                    code=entry["code"],
                    name=entry["name"],
                    name_cy=entry["name_cy"],
                    nation=entry["code"][0],
                    geometry_wkb=boundaries[entry["code"]],
                )
                for entry in sorted(names.values(), key=lambda entry: entry["code"])
            ),
            batch_size=50,
        )
        PostcodeRangeTable.objects.all().delete()
        PostcodeRangeTable.objects.create(
            starts=_packed("Q", starts),
            seat_positions=_packed("h", seats),
            seat_codes=" ".join(seat_codes),
        )
        imports = [
            (DATASET_CONSTITUENCIES, names_location, len(codes)),
            (DATASET_RANGES, ranges_location, len(starts)),
        ]
        if outwards is not None:
            PostcodeOutward.objects.all().delete()
            PostcodeOutward.objects.bulk_create(
                (
                    PostcodeOutward(outward=outward, inward_codes=_packed("H", inwards))
                    for outward, inwards in sorted(outwards.items())
                ),
                batch_size=500,
            )
            imports.append((DATASET_POSTCODES, list_location, postcode_count))
        for dataset, location, rows in imports:
            DatasetImport.objects.update_or_create(
                dataset=dataset,
                defaults={"source": location[:500], "rows": rows, "imported_at": now},
            )
        kept = outwards is None and PostcodeOutward.objects.exists()
    # This process sees the new rows at once; others notice the new imports within
    # RECHECK_SECONDS.
    reset_uk_indexes()
    return UkPlacesResult(
        constituencies=len(codes),
        postcode_ranges=len(starts),
        postcodes=postcode_count,
        postcode_list_kept=kept,
    )
