"""The rendered public campaign page is cached per language; saves clear it (signals.py)."""

from django.conf import settings
from django.core.cache import cache


def page_cache_key(slug: str, language: str) -> str:
    return f"campaign-page:{slug}:{language}"


def forget_pages(slugs) -> None:
    """The cached campaign pages, in every language."""
    cache.delete_many(
        [page_cache_key(slug, code) for slug in slugs for code, _name in settings.LANGUAGES]
    )
