"""The installation's switches (core.models.Switches), read from the cache.

A change saved in the back office clears the cached row at once; processes whose cache is
their own memory (no REDIS_URL) see it within CACHE_SECONDS.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from .models import Switches

CACHE_KEY = "core:switches"
CACHE_SECONDS = 30


def current() -> Switches:
    switches = cache.get(CACHE_KEY)
    if switches is None:
        switches = Switches.objects.order_by("pk").first() or Switches()
        cache.set(CACHE_KEY, switches, CACHE_SECONDS)
    return switches


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def connect() -> None:
    post_save.connect(forget, sender=Switches, dispatch_uid="core-switches-saved")
    post_delete.connect(forget, sender=Switches, dispatch_uid="core-switches-deleted")


def change(**fields) -> None:
    """Set some switches at once, as saving them in the back office does (for tests, the
    benchmarks and the shell)."""
    Switches.objects.get_or_create(pk=1)
    Switches.objects.filter(pk=1).update(**fields)
    forget()
