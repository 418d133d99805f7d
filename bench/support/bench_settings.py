"""Production settings plus the floor views of bench_urls, for benchmarks only (never deployed).

The floor's table is a real model in a small app of its own (bench_floor, with its
migration), so `tocsin migrate` under these settings creates it like any other table.
"""

from tocsin.settings.production import *  # noqa: F403
from tocsin.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench_floor"]
ROOT_URLCONF = "bench_urls"
