"""Production settings plus one bare POST view, for benchmarks only (never deployed)."""

from tocsin.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
