"""Which congressional district a ZIP code or a point is in.

Both lookups run against in-memory indexes built from the database once per process (and
rebuilt when a sync has loaded newer data), so a lookup costs a dictionary access or an
R-tree query, never a database round trip per request.
"""

import enum
import functools
import math
import re
import threading
import time
from dataclasses import dataclass, field

import shapely
from django.utils.translation import gettext

from .models import DatasetImport, DistrictBoundary, ZipDistrict
from .states import STATES

# How often a process asks whether a sync in another process loaded newer data.
RECHECK_SECONDS = 60

_DISTRICT_RE = re.compile(r"^([A-Z]{2})(?:-([0-9]{1,2}))?$", re.ASCII)
_ZIP_RE = re.compile(r"^([0-9]{5})(?:-?[0-9]{4})?$", re.ASCII)


@dataclass(frozen=True, order=True)
class DistrictRef:
    """A House seat: a state (or DC or a territory) and a district number, 0 when at large."""

    state: str
    district: int

    @property
    def label(self) -> str:
        """WI-2; AK and DC for at-large seats and delegates."""
        return f"{self.state}-{self.district}" if self.district else self.state

    @property
    def state_name(self) -> str:
        state = STATES.get(self.state)
        return state.name if state else self.state

    @property
    def has_senators(self) -> bool:
        state = STATES.get(self.state)
        return bool(state and state.has_senators)

    @classmethod
    def parse(cls, text: str) -> "DistrictRef":
        match = _DISTRICT_RE.match(text.strip().upper())
        if not match or match.group(1) not in STATES:
            raise ValueError(f"not a district label: {text!r}")
        return cls(match.group(1), int(match.group(2) or 0))

    def __str__(self) -> str:
        return self.label


class ZipLookupStatus(enum.StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class ZipLookup:
    status: ZipLookupStatus
    zcta: str
    districts: tuple[DistrictRef, ...] = ()


class InvalidZip(ValueError):
    pass


def normalize_zip(text: str) -> str:
    """The five digits of a ZIP or ZIP+4 code; InvalidZip with a message a supporter can act on."""
    match = _ZIP_RE.match((text or "").strip())
    if not match:
        raise InvalidZip(gettext("Enter a 5-digit ZIP code, for example 53703."))
    return match.group(1)


@dataclass
class _Indexes:
    zips: dict[str, tuple[DistrictRef, ...]] | None = None
    zip_version: object = None
    boundaries: tuple[shapely.STRtree, list[DistrictRef], list] | None = None
    boundary_version: object = None
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_indexes = _Indexes()


def reset_indexes() -> None:
    """Forget the loaded indexes; the next lookup reloads them (sync commands call this)."""
    with _indexes.lock:
        _indexes.zips = None
        _indexes.boundaries = None
        _indexes.zip_version = _indexes.boundary_version = None
        _indexes.checked_at = 0.0
    district_centroid.cache_clear()
    # The UK indexes follow the same rule; imported here as uk imports this module.
    from .uk import reset_uk_indexes

    reset_uk_indexes()


def _import_versions() -> dict[str, object]:
    return dict(
        DatasetImport.objects.filter(
            dataset__in=["zip-districts", "district-boundaries"]
        ).values_list("dataset", "imported_at")
    )


def _drop_stale_indexes() -> None:
    """Another process may have synced: compare what was loaded with the latest import."""
    now = time.monotonic()
    if now - _indexes.checked_at < RECHECK_SECONDS:
        return
    versions = _import_versions()
    with _indexes.lock:
        if _indexes.zips is not None and versions.get("zip-districts") != _indexes.zip_version:
            _indexes.zips = None
        if (
            _indexes.boundaries is not None
            and versions.get("district-boundaries") != _indexes.boundary_version
        ):
            _indexes.boundaries = None
            district_centroid.cache_clear()
        _indexes.checked_at = now


def _zip_index() -> dict[str, tuple[DistrictRef, ...]]:
    _drop_stale_indexes()
    zips = _indexes.zips
    if zips is not None:
        return zips
    with _indexes.lock:
        if _indexes.zips is None:
            version = _import_versions().get("zip-districts")
            grouped: dict[str, list[DistrictRef]] = {}
            rows = ZipDistrict.objects.values_list("zcta", "state", "district").iterator(
                chunk_size=5000
            )
            for zcta, state, district in rows:
                grouped.setdefault(zcta, []).append(DistrictRef(state, district))
            _indexes.zips = {zcta: tuple(sorted(refs)) for zcta, refs in grouped.items()}
            _indexes.zip_version = version
            _indexes.checked_at = time.monotonic()
        return _indexes.zips


def _boundary_index():
    _drop_stale_indexes()
    boundaries = _indexes.boundaries
    if boundaries is not None:
        return boundaries
    with _indexes.lock:
        if _indexes.boundaries is None:
            version = _import_versions().get("district-boundaries")
            refs, geometries = [], []
            for state, district, wkb in DistrictBoundary.objects.order_by(
                "state", "district"
            ).values_list("state", "district", "geometry_wkb"):
                refs.append(DistrictRef(state, district))
                geometry = shapely.from_wkb(bytes(wkb))
                shapely.prepare(geometry)
                geometries.append(geometry)
            _indexes.boundaries = (shapely.STRtree(geometries), refs, geometries)
            _indexes.boundary_version = version
            _indexes.checked_at = time.monotonic()
        return _indexes.boundaries


def zip_data_loaded() -> bool:
    return bool(_zip_index())


def boundaries_loaded() -> bool:
    return bool(_boundary_index()[1])


def lookup_zip(text: str) -> ZipLookup:
    """The districts a ZIP code is in. Several districts are reported, never guessed between."""
    zcta = normalize_zip(text)
    index = _zip_index()
    if not index:
        return ZipLookup(ZipLookupStatus.NO_DATA, zcta)
    districts = index.get(zcta, ())
    if not districts:
        return ZipLookup(ZipLookupStatus.NOT_FOUND, zcta)
    status = ZipLookupStatus.FOUND if len(districts) == 1 else ZipLookupStatus.AMBIGUOUS
    return ZipLookup(status, zcta, districts)


def district_at(latitude: float, longitude: float) -> DistrictRef | None:
    """The district containing a point, or None outside every district (or with no data)."""
    index = _boundary_index()
    position = boundary_containing(index, latitude, longitude)
    return None if position is None else index[1][position]


def boundary_containing(index, latitude: float, longitude: float) -> int | None:
    """The position, in a boundary index (an STRtree, its places, their geometries), of the
    boundary a point lies in; None when it lies in none (or the index is empty). Raises
    ValueError for a point that is not on the globe."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise ValueError("latitude and longitude must be finite numbers")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude or longitude out of range")
    tree, refs, geometries = index
    if not refs:
        return None
    point = shapely.Point(longitude, latitude)
    hits = sorted(tree.query(point, predicate="intersects"))
    # A point exactly on a shared border touches two places; prefer the one it is inside.
    for position in hits:
        if geometries[position].contains(point):
            return position
    return hits[0] if hits else None


@functools.lru_cache(maxsize=512)
def district_centroid(district: DistrictRef) -> tuple[float, float] | None:
    """A point inside the district (latitude, longitude), e.g. to find the nearest office."""
    _tree, refs, geometries = _boundary_index()
    try:
        geometry = geometries[refs.index(district)]
    except ValueError:
        return None
    point = geometry.representative_point()
    return point.y, point.x
