from functools import lru_cache

from django.urls import get_script_prefix, reverse


def reverse_remembered(name: str, **kwargs) -> str:
    """reverse(), remembered per script prefix and arguments: for the URLs the busiest POSTs
    answer with (a signature, a call report), which are always the same few. Tocsin never sets
    a request's own URLconf, so the URLconf is always ROOT_URLCONF's."""
    return _reversed(get_script_prefix(), name, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=4096)
def _reversed(script_prefix, name, arguments) -> str:
    return reverse(name, kwargs=dict(arguments))
