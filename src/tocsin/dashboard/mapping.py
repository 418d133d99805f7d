"""Server-rendered SVG maps of districts and states, from DistrictBoundary, and of UK
constituencies, from Constituency.

The boundaries are projected (Albers equal-area: the lower 48 together; Alaska, Hawaii and
Puerto Rico with the Virgin Islands in their own insets), simplified to about a pixel, and
turned into SVG path data once per process and dataset version (kept in the cache too, so a
new process reads one cache entry instead of 441 geometries). Drawing a map is then joining
strings. Guam, the Northern Mariana Islands and American Samoa are listed in the table only.

The UK map is taller than wide; London's constituencies, too small to see or point at on it,
are drawn again, larger, in an inset.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache

from tocsin.districts.models import Constituency, DatasetImport, DistrictBoundary

WIDTH, HEIGHT = 960, 600
TOLERANCE = 0.6  # in viewBox units: finer detail is invisible at this size
CACHE_SECONDS = 7 * 24 * 3600
NOT_DRAWN = {"GU", "MP", "AS"}

# name: (lon0, lat0, parallel1, parallel2, box (x, y, width, height))
_REGIONS = {
    "conus": (-96.0, 37.5, 29.5, 45.5, (10, 10, 940, 560)),
    "AK": (-154.0, 50.0, 55.0, 65.0, (15, 440, 200, 140)),
    "HI": (-157.0, 20.0, 8.0, 18.0, (225, 500, 130, 80)),
    "PR": (-66.0, 18.0, 8.0, 18.0, (840, 520, 110, 50)),
}


def _region_of(state: str) -> str:
    if state in ("AK", "HI"):
        return state
    if state in ("PR", "VI"):
        return "PR"
    return "conus"


def _albers(lon0, lat0, p1, p2):
    phi1, phi2, phi0 = map(math.radians, (p1, p2, lat0))
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c - 2 * n * math.sin(phi0)) / n

    def project(coords: np.ndarray) -> np.ndarray:
        lon = coords[:, 0].copy()
        lon[lon > 0] -= 360  # the Aleutians west of the antimeridian
        lam, phi = np.radians(lon - lon0), np.radians(coords[:, 1])
        rho = np.sqrt(c - 2 * n * np.sin(phi)) / n
        theta = n * lam
        return np.column_stack([rho * np.sin(theta), rho0 - rho * np.cos(theta)])

    return project


@dataclass(frozen=True)
class Shapes:
    districts: dict[str, str]  # label -> SVG path data
    states: dict[str, str]
    version: str


_lock = threading.Lock()
_shapes: Shapes | None = None


def _version() -> str:
    row = DatasetImport.objects.filter(dataset="boundaries").values_list("imported_at").first()
    count = DistrictBoundary.objects.count()
    return f"{row[0].isoformat() if row else '-'}:{count}"


def _path(geometry) -> str:
    parts = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:-1]
            if len(coords) < 3:
                continue
            points = " ".join(f"{x:.1f} {y:.1f}" for x, y in coords)
            parts.append(f"M{points}Z")
    return "".join(parts)


def _build() -> Shapes:
    by_region: dict[str, list] = {name: [] for name in _REGIONS}
    for state, district, wkb in DistrictBoundary.objects.values_list(
        "state", "district", "geometry_wkb"
    ).iterator(chunk_size=50):
        if state in NOT_DRAWN:
            continue
        label = f"{state}-{district}" if district else state
        region = _region_of(state)
        projected = shapely.transform(shapely.from_wkb(bytes(wkb)), _albers(*_REGIONS[region][:4]))
        by_region[region].append((state, label, projected))
    districts, states = {}, {}
    for region, items in by_region.items():
        if not items:
            continue
        x, y, width, height = _REGIONS[region][4]
        west, south, east, north = shapely.GeometryCollection([g for _s, _l, g in items]).bounds
        scale = min(width / (east - west), height / (north - south))
        dx = x + (width - (east - west) * scale) / 2 - west * scale
        dy = y + (height - (north - south) * scale) / 2 + north * scale

        def fit(coords, scale=scale, dx=dx, dy=dy):
            return np.column_stack([coords[:, 0] * scale + dx, dy - coords[:, 1] * scale])

        per_state: dict[str, list] = {}
        for state, label, geometry in items:
            simple = shapely.simplify(
                shapely.transform(geometry, fit), TOLERANCE, preserve_topology=True
            )
            per_state.setdefault(state, []).append(simple)
            districts[label] = _path(simple)
        for state, geometries in per_state.items():
            # A hair of buffer closes the slivers simplification leaves between neighbours.
            merged = shapely.union_all([g.buffer(0.4, 2) for g in geometries]).buffer(-0.4, 2)
            states[state] = _path(shapely.simplify(merged, TOLERANCE, preserve_topology=True))
    return Shapes(districts, states, "")


def shapes() -> Shapes:
    """The projected, simplified paths: from this process, else the cache, else built."""
    global _shapes
    version = _version()
    if _shapes is not None and _shapes.version == version:
        return _shapes
    with _lock:
        if _shapes is not None and _shapes.version == version:
            return _shapes
        key = f"dashboard:map-shapes:{version}"
        cached = cache.get(key)
        if cached is None:
            built = _build()
            cached = (built.districts, built.states)
            cache.set(key, cached, CACHE_SECONDS)
        _shapes = Shapes(cached[0], cached[1], version)
        return _shapes


def reset() -> None:
    global _shapes, _uk_shapes
    _shapes = None
    _uk_shapes = None


# ---------------------------------------------------------------------------- the UK

UK_WIDTH, UK_HEIGHT = 540, 960
UK_BOX = (10, 10, 520, 940)
# In the open sea north-west of Scotland.
LONDON_BOX = (20, 40, 180, 180)
# Greater London, roughly: a constituency whose centre is inside is drawn in the inset too.
LONDON = (-0.52, 51.28, 0.34, 51.70)


@dataclass(frozen=True)
class UkShapes:
    constituencies: dict[str, str]  # code -> SVG path data on the whole map
    london: dict[str, str]  # code -> SVG path data in the London inset
    version: str


_uk_shapes: UkShapes | None = None


def _uk_version() -> str:
    row = DatasetImport.objects.order_by("-imported_at").values_list("imported_at").first()
    return f"{row[0].isoformat() if row else '-'}:{Constituency.objects.count()}"


def _fit(geometries: dict, box, latitude: float) -> dict[str, str]:
    """Each geometry flattened (longitudes shrunk by the cosine of `latitude`, which keeps
    shapes true enough at this scale), fitted into `box` and simplified to about a pixel."""
    if not geometries:
        return {}
    squeeze = math.cos(math.radians(latitude))
    flat = {
        code: shapely.transform(geometry, lambda c: np.column_stack([c[:, 0] * squeeze, c[:, 1]]))
        for code, geometry in geometries.items()
    }
    x, y, width, height = box
    west, south, east, north = shapely.GeometryCollection(list(flat.values())).bounds
    scale = min(width / (east - west), height / (north - south))
    dx = x + (width - (east - west) * scale) / 2 - west * scale
    dy = y + (height - (north - south) * scale) / 2 + north * scale

    def place(coords):
        return np.column_stack([coords[:, 0] * scale + dx, dy - coords[:, 1] * scale])

    return {
        code: _path(
            shapely.simplify(shapely.transform(geometry, place), TOLERANCE, preserve_topology=True)
        )
        for code, geometry in flat.items()
    }


def _build_uk() -> tuple[dict[str, str], dict[str, str]]:
    geometries = {
        code: shapely.from_wkb(bytes(wkb))
        for code, wkb in Constituency.objects.values_list("code", "geometry_wkb").iterator(
            chunk_size=50
        )
    }
    west, south, east, north = LONDON
    london = {}
    for code, geometry in geometries.items():
        centre = geometry.representative_point()
        if west <= centre.x <= east and south <= centre.y <= north:
            london[code] = geometry
    return _fit(geometries, UK_BOX, 54.5), _fit(london, LONDON_BOX, 51.5)


def uk_shapes() -> UkShapes:
    """The UK constituencies' paths: from this process, else the cache, else built."""
    global _uk_shapes
    version = _uk_version()
    if _uk_shapes is not None and _uk_shapes.version == version:
        return _uk_shapes
    with _lock:
        if _uk_shapes is not None and _uk_shapes.version == version:
            return _uk_shapes
        key = f"dashboard:uk-map-shapes:{version}"
        cached = cache.get(key)
        if cached is None:
            cached = _build_uk()
            cache.set(key, cached, CACHE_SECONDS)
        _uk_shapes = UkShapes(cached[0], cached[1], version)
        return _uk_shapes


# ---------------------------------------------------------------------------- shading

PALETTE = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")  # light to dark
EMPTY = "#ffffff"


def breaks(counts: list[int], classes: int = len(PALETTE)) -> list[int]:
    """Upper bounds of each class, from the quantiles of the non-zero counts."""
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    bounds = []
    for i in range(1, classes + 1):
        bound = values[min(len(values) - 1, math.ceil(i * len(values) / classes) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def shade(count: int, bounds: list[int]) -> int:
    """Index into PALETTE, or -1 for none."""
    if count <= 0 or not bounds:
        return -1
    for index, bound in enumerate(bounds):
        if count <= bound:
            # With fewer classes than colours, use the darkest: the darkest is always the most.
            return len(PALETTE) - len(bounds) + index
    return len(PALETTE) - 1
