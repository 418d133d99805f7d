"""Page views of a campaign's public pages, counted per campaign and hour, and nothing else.

No address, cookie, browser or page is kept: each process adds views to a counter in its own
memory and flushes the counter into the rollups at most every `FLUSH_SECONDS` (one upsert per
campaign and hour, never a row per request). A process that dies loses its last few seconds
of views; the figures are a guide to conversion, not a ledger.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from tocsin.campaigns.models import Campaign

from . import rollups
from .models import Kind

logger = logging.getLogger(__name__)

# The pages whose views count: (namespace, url name), each with the campaign's slug.
COUNTED_PAGES = {("pages", "campaign"), ("petitions", "sign"), ("calls", "start")}
CAMPAIGN_ID_SECONDS = 300
MAX_PENDING = 10_000


class Buffer:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.last_flush = time.monotonic()

    def add(self, campaign_id: int) -> None:
        hour = rollups.floor_hour(timezone.now())
        with self.lock:
            self.counts[(campaign_id, hour)] += 1
            due = (
                time.monotonic() - self.last_flush >= settings.TOCSIN_PAGE_VIEW_FLUSH_SECONDS
                or len(self.counts) >= MAX_PENDING
            )
        if due:
            self.flush()

    def flush(self) -> int:
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.last_flush = time.monotonic()
        if not counts:
            return 0
        try:
            with transaction.atomic():
                # A campaign deleted since its page was viewed has nowhere to go.
                existing = set(
                    Campaign.objects.filter(pk__in={c for c, _h in counts}).values_list(
                        "pk", flat=True
                    )
                )
                rollups.apply(
                    {
                        (campaign_id, Kind.VIEW.value, hour, "", ""): [count, 0]
                        for (campaign_id, hour), count in counts.items()
                        if campaign_id in existing
                    }
                )
        except DatabaseError:
            logger.exception("page views not recorded")
            return 0
        return sum(n for (campaign_id, _h), n in counts.items() if campaign_id in existing)

    def pending(self) -> int:
        with self.lock:
            return sum(self.counts.values())


buffer = Buffer()
atexit.register(buffer.flush)


def _campaign_id(slug: str) -> int | None:
    # False stands for "no such public campaign": the cache cannot hold None.
    return (
        cache.get_or_set(
            f"dashboard:campaign-id:{slug}",
            lambda: (
                Campaign.objects.public().filter(slug=slug).values_list("pk", flat=True).first()
                or False
            ),
            CAMPAIGN_ID_SECONDS,
        )
        or None
    )


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if (
            settings.TOCSIN_COUNT_PAGE_VIEWS
            and request.method == "GET"
            and response.status_code == 200
            and match is not None
            and (match.namespace, match.url_name) in COUNTED_PAGES
            and not _is_staff(request)
        ):
            campaign_id = _campaign_id(match.kwargs.get("slug", ""))
            if campaign_id:
                buffer.add(campaign_id)
        return response


def _is_staff(request) -> bool:
    # Only a back-office session has a session cookie worth reading here.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)
