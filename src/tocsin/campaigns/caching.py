"""The rendered public campaign page is cached per language; saves clear it (signals.py)."""

from django.conf import settings
from django.core.cache import cache


def page_cache_key(slug: str, language: str, source: str = "") -> str:
    # A page reached through a source code links to its actions with that code; those
    # copies are not cleared on save and live only the short page-cache lifetime.
    if source:
        return f"campaign-page:{slug}:{language}:{source}"
    return f"campaign-page:{slug}:{language}"


def forget_pages(slugs) -> None:
    """The cached campaign pages, in every language."""
    cache.delete_many(
        [page_cache_key(slug, code) for slug in slugs for code, _name in settings.LANGUAGES]
    )
