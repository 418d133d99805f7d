"""Keyed hashes: enough to match a phone number or an IP address again, never to read it."""

import hashlib
import hmac

from django.conf import settings


def keyed_hash(value: str, purpose: str = "phone") -> str:
    key = hashlib.sha256(f"tocsin-{purpose}-hash:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
