"""How fast "find my legislators" resolves a place, next to a bare Django view.

Loads the ZIP table and the boundaries into a throwaway SQLite database, then times, in one
process and one run:
  - a bare Django GET through the test client, the yardstick;
  - lookup_zip() for every ZIP code in the table;
  - district_at() for a point inside every district and for random points across the US;
  - lookup_postcode() for random real Great Britain postcodes, in the spellings people type,
    and made-up ones;
  - constituency_at() for a point inside every UK constituency and random points across the UK.
Targets: lookup_zip, district_at, lookup_postcode and constituency_at p99 each at most 1 ms,
and all well under the bare view. The memory the indexes take is printed beside.

    TOCSIN_DATA_DIR=../shared/data .venv/bin/python bench/lookup.py
    TOCSIN_DATA_DIR=../shared/data .venv/bin/python bench/lookup.py --quick   # CI's check

--quick (or QUICK=1) times a sample: 500 ZIP codes, 1,000 random points and 2,000 postcodes.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
work = tempfile.mkdtemp()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["TOCSIN_VAR_DIR"] = work
os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).parent / "support"))

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from bare_urls import BARE_GET  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from tocsin.districts import services, uk  # noqa: E402
from tocsin.districts.models import (  # noqa: E402
    Constituency,
    DistrictBoundary,
    PostcodeOutward,
    ZipDistrict,
)

SYNC_UK = "from tocsin.districts.uk import sync_uk_places; sync_uk_places()"


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def timed(function, arguments) -> list[float]:
    samples = []
    for argument in arguments:
        start = time.perf_counter()
        function(*argument)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a sample (or QUICK=1)")
    parser.parse_args()
    if not os.environ.get("TOCSIN_DATA_DIR"):
        sys.exit("Set TOCSIN_DATA_DIR to the public data (e.g. ../shared/data).")
    # Loaded by another process, so this one's memory holds only what the indexes take.
    for command in (
        ["migrate", "-v", "0"],
        ["sync-districts"],
        ["shell", "-v", "0", "-c", SYNC_UK],
    ):
        subprocess.run([sys.executable, "-m", "tocsin", *command], check=True)

    client = Client()
    with override_settings(ROOT_URLCONF="bare_urls"):
        bare = timed(lambda: client.get(BARE_GET), [()] * (300 if QUICK else 3000))

    zips = [(z,) for z in ZipDistrict.objects.values_list("zcta", flat=True).distinct()]
    if QUICK:
        zips = random.Random(1299).sample(zips, 500)
    services.reset_indexes()
    before = resident_bytes()
    start = time.perf_counter()
    services.lookup_zip("53703")
    zip_load = time.perf_counter() - start
    zip_memory = resident_bytes() - before
    start = time.perf_counter()
    services.district_at(43.07, -89.38)
    boundary_load = time.perf_counter() - start
    boundary_memory = resident_bytes() - before - zip_memory

    zip_samples = timed(services.lookup_zip, zips)
    rng = random.Random(1299)
    inside = []
    for wkb in DistrictBoundary.objects.values_list("geometry_wkb", flat=True):
        point = shapely.from_wkb(bytes(wkb)).representative_point()
        inside.append((point.y, point.x))
    scattered = [
        (rng.uniform(25, 49), rng.uniform(-124, -67)) for _ in range(1_000 if QUICK else 20_000)
    ]
    point_samples = timed(services.district_at, inside + scattered)

    postcode_samples, constituency_samples, uk_memory = time_uk_lookups(rng)

    bare_p50, bare_p99 = percentiles(bare)
    print(f"{'what':34} {'n':>7} {'p50 ms':>8} {'p99 ms':>8} {'p99 / bare p99':>15}")
    print(f"{'bare Django GET':34} {len(bare):7} {bare_p50:8.3f} {bare_p99:8.3f} {1:15.2f}")
    for name, samples in (
        (f"lookup_zip, {'a sample of ZIPs' if QUICK else 'every ZIP'}", zip_samples),
        ("district_at, in + random", point_samples),
        ("lookup_postcode, real + made-up", postcode_samples),
        ("constituency_at, in + random", constituency_samples),
    ):
        p50, p99 = percentiles(samples)
        print(f"{name:34} {len(samples):7} {p50:8.3f} {p99:8.3f} {p99 / bare_p99:15.2f}")
    print(
        f"first use: ZIP index {zip_load * 1000:.0f} ms, {zip_memory / 2**20:.1f} MiB; "
        f"boundary index {boundary_load * 1000:.0f} ms, "
        f"{boundary_memory / 2**20:.1f} MiB (growth of resident memory)"
    )
    print(uk_memory)


def every_postcode() -> list[str]:
    postcodes = []
    for outward, inward_codes in PostcodeOutward.objects.values_list("outward", "inward_codes"):
        postcodes.extend(
            f"{outward} {uk._inward_text(number)}" for number in uk._unpacked("H", inward_codes)
        )
    return postcodes


def time_uk_lookups(rng: random.Random) -> tuple[list[float], list[float], str]:
    """Postcode and point lookups in the UK, and what their indexes take."""
    uk.reset_uk_indexes()
    before = resident_bytes()
    start = time.perf_counter()
    uk.lookup_postcode("SW1A 0AA")
    postcode_load = time.perf_counter() - start
    postcode_memory = resident_bytes() - before
    index = uk._postcode_index()
    # The arrays themselves, without the interpreter's own growth.
    array_bytes = (
        sys.getsizeof(index.starts)
        + sys.getsizeof(index.seats)
        + sys.getsizeof(index.outwards)
        + sum(map(sys.getsizeof, index.outwards))
        + sum(map(sys.getsizeof, index.outwards.values()))
    )
    start = time.perf_counter()
    uk.constituency_at(51.5007, -0.1246)
    boundary_load = time.perf_counter() - start
    boundary_memory = resident_bytes() - before - postcode_memory

    real = rng.sample(every_postcode(), 2_000 if QUICK else 100_000)
    # As people type them: some lower case, some without the space, a few made up.
    typed = [
        (postcode.lower() if n % 3 == 0 else postcode.replace(" ", "") if n % 3 == 1 else postcode,)
        for n, postcode in enumerate(real)
    ]
    typed += [(f"{postcode.split()[0]} 9ZZ",) for postcode in real[: len(real) // 20]]
    rng.shuffle(typed)
    postcode_samples = timed(uk.lookup_postcode, typed)

    inside = []
    for wkb in Constituency.objects.values_list("geometry_wkb", flat=True):
        point = shapely.from_wkb(bytes(wkb)).representative_point()
        inside.append((point.y, point.x))
    scattered = [
        (rng.uniform(50, 59), rng.uniform(-8, 2)) for _ in range(1_000 if QUICK else 20_000)
    ]
    constituency_samples = timed(uk.constituency_at, inside + scattered)
    summary = (
        f"first use: postcode index {postcode_load * 1000:.0f} ms, "
        f"{postcode_memory / 2**20:.1f} MiB ({array_bytes / 2**20:.1f} MiB of arrays for "
        f"{uk_postcode_count(index)} postcodes and {len(index.starts)} ranges); "
        f"constituency boundaries {boundary_load * 1000:.0f} ms, "
        f"{boundary_memory / 2**20:.1f} MiB (growth of resident memory)"
    )
    return postcode_samples, constituency_samples, summary


def uk_postcode_count(index) -> int:
    return sum(map(len, index.outwards.values()))


if __name__ == "__main__":
    main()
