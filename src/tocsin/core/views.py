import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from . import scheduling

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe (the process answers; nothing else is checked, so a load balancer does
    not restart web servers for a database outage), and the bare Django view that the page
    benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness probe, with one line per part (database, cache, worker) saying how it is.

    For the load balancer it answers 503 only when this server cannot reach the database: the
    pages still work without the cache, and mail waits safely in the queue for a worker, so
    neither should take every web server out of rotation at once. `?strict` (for monitoring)
    answers 503 when any part is failing."""
    parts = {}
    try:
        # Reading the heartbeat is the database check too.
        seen = scheduling.last_heartbeat()
        parts["database"] = "ok"
    except DatabaseError:
        logger.exception("Readiness: the database is failing")
        parts["database"] = "failing"
        seen = None
    parts["cache"] = "ok" if _cache_answers() else "failing"
    if parts["database"] != "ok":
        parts["worker"] = "unknown"
    elif seen is None:
        parts["worker"] = "never seen"
    else:
        quiet = int((timezone.now() - seen).total_seconds())
        ok = quiet <= settings.TOCSIN_WORKER_STALE_SECONDS
        parts["worker"] = "ok" if ok else f"last seen {quiet} seconds ago"
    if "strict" in request.GET:
        ready = all(state == "ok" for state in parts.values())
    else:
        ready = parts["database"] == "ok"
    body = "".join(f"{part}: {state}\n" for part, state in parts.items())
    return HttpResponse(body, content_type="text/plain", status=200 if ready else 503)


def _cache_answers() -> bool:
    """Whether what is written to the cache can be read back (an unreachable Redis reads as a
    miss, see caching.py)."""
    token = secrets.token_hex(8)
    try:
        cache.set("core:readyz", token, 30)
        return cache.get("core:readyz") == token
    except Exception:
        logger.exception("Readiness: the cache is failing")
        return False


@require_GET
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """Remember the chosen language in a cookie and go back; a plain link, so no JavaScript."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A missing or stale CSRF token: say what to do, in the page's language, and change nothing."""
    return render(request, "403_csrf.html", status=403)
