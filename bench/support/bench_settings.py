"""Production settings plus the floor views of bench_urls, for benchmarks only (never deployed).

The floor's table is a real model in a small app of its own (bench_floor, with its
migration), so `tocsin migrate` under these settings creates it like any other table.
"""

from tocsin.settings.production import *  # noqa: F403
from tocsin.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench_floor"]
ROOT_URLCONF = "bench_urls"

# The call reports' rate limits (tocsin.calls.limits), lifted as the signing limits are (see
# common.sh): here one client address stands for every caller of a viral campaign.
TOCSIN_CALL_REPORTS_PER_IP_PER_MINUTE = 10**9
TOCSIN_CALL_REPORTS_PER_IP_PER_HOUR = 10**9
TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_MINUTE = 10**9
TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_HOUR = 10**9
