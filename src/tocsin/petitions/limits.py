"""Rate limits on signing, per IP address, email domain and country, each over a minute and an
hour (the numbers are in the back office's switches, core.models.Switches).

Without Redis the check counts the petition's recent signatures through an index, stopping
at the limit, so its cost does not grow with a campaign's size. With `REDIS_URL` the counts
live in the shared cache, one short-lived counter per window, so several web servers count
together (core.ratelimits); while Redis is down, the rows are counted again. A signature
over a limit is not refused: it is held for review, quietly.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tocsin.core import ratelimits, switches

from .models import PetitionAction, Signature

# Which column of a signature holds each kind of limited value.
COLUMNS = {"ip": "ip_hash", "domain": "email_domain", "country": "country"}


def over_limit(petition: PetitionAction, *, ip_hash: str, domain: str, country: str) -> bool:
    """Whether one more signature from these goes over a limit. Every limit is checked (and,
    in the cache, counted), so each counter stays right."""
    values = {"ip": ip_hash, "domain": domain, "country": country}
    held = False
    for kind, windows in switches.current().signing_limits().items():
        if not values[kind]:
            continue
        for seconds, most in windows:
            if settings.REDIS_URL and not _cache_is_down():
                scope = f"sign:{petition.pk}:{kind}"
                held |= ratelimits.hit(scope, values[kind], seconds) > most
            else:
                held |= _recent_rows(petition, kind, values[kind], seconds, most) >= most
    return held


def _cache_is_down() -> bool:
    """While Redis cannot be reached its counters start from nothing: count the rows instead."""
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())


def _recent_rows(petition: PetitionAction, kind: str, value: str, seconds: int, most: int) -> int:
    since = timezone.now() - timezone.timedelta(seconds=seconds)
    recent = Signature.objects.filter(
        petition=petition, created_at__gte=since, **{COLUMNS[kind]: value}
    )
    # Sliced: only whether the limit is reached matters, not by how much.
    return recent.values("pk")[:most].count()
