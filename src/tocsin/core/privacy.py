"""Keyed hashes: enough to match a phone number or an IP address again, never to read it."""

import functools
import hashlib
import hmac

from django.conf import settings


def keyed_hash(value: str, purpose: str = "phone") -> str:
    return hmac.new(_key(purpose, settings.SECRET_KEY), value.encode(), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=16)
def _key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"tocsin-{purpose}-hash:{secret}".encode()).digest()
