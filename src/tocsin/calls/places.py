"""Where a supporter is (ZIP code, town, district), carried from page to page of the call flow
as one sealed token instead of plain query parameters.

A query string is written into proxy and server access logs, browser history and the Referer
header of every link followed, so a ZIP code there says where a person who called about this
campaign lives. The token is encrypted and authenticated (Fernet: AES and an HMAC, under a key
derived from SECRET_KEY for this use only), so it reads as noise without the secret and cannot
be altered, and it expires after MAX_AGE.

Encrypted rather than kept server-side under a random key: the cache is each process's own
memory when there is no Redis (three gunicorn workers would each know a third of the keys), and
the session would store every supporter's place in the database and give each a cookie. The
token keeps the rule this flow had from the start: the place is never stored.
"""

import base64
import json
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes

# A calling session, with time to wait for offices to open, fits in it; a link copied and
# shared, or a page found in the history the next day, no longer carries the place.
MAX_AGE = 12 * 3600
FIELDS = ("zip", "town", "district")
# A sealed place is a couple of hundred characters; anything much longer is not one.
MAX_TOKEN_LENGTH = 1000


def _fernet(secret) -> Fernet:
    key = salted_hmac("tocsin.calls.places", "fernet-key", secret=secret, algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(key.digest()))


def _keys() -> MultiFernet:
    # The fallbacks let tokens issued just before a SECRET_KEY rotation still be read.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(place: dict, *, at: int | None = None) -> str:
    """The token for a place ({"zip", "town", "district"}, each text, possibly empty)."""
    data = json.dumps([place.get(name) or "" for name in FIELDS], separators=(",", ":"))
    moment = int(time.time()) if at is None else at
    return _keys().encrypt_at_time(force_bytes(data), moment).decode().rstrip("=")


def unseal(token: str) -> dict | None:
    """The place a token holds, or None for a token that is garbled, forged or too old."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    try:
        data = _keys().decrypt(force_bytes(token + "=" * (-len(token) % 4)), ttl=MAX_AGE)
        values = json.loads(data)
    except (InvalidToken, ValueError):
        return None
    if not (isinstance(values, list) and len(values) == len(FIELDS)):
        return None
    if not all(isinstance(value, str) for value in values):
        return None
    return dict(zip(FIELDS, values, strict=True))
