from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_remembered(name: str, **kwargs) -> str:
    """reverse(), remembered per script prefix, URLconf and arguments: for the URLs the
    busiest POSTs answer with (a signature, a call report), which are always the same few."""
    return _reversed(get_script_prefix(), get_urlconf(), name, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=4096)
def _reversed(script_prefix, urlconf, name, arguments) -> str:
    return reverse(name, urlconf=urlconf, kwargs=dict(arguments))
