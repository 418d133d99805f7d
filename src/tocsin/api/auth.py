"""Who is asking: the OSDI-API-Token header, what a key may do, and its rate. Kept apart
from osdi.py, which imports rest_framework.views: DRF imports these classes while it loads."""

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey

HEADER = "OSDI-API-Token"


class ApiKeyUser:
    """Stands for the key in request.user: not a person, never staff."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, key: ApiKey):
        self.key = key
        self.organization = key.organization

    def __str__(self) -> str:
        return f"API key {self.key.prefix}"


class OsdiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = request.headers.get(HEADER, "").strip()
        if not token:
            return None  # NotAuthenticated: 401 with the header's name
        key = ApiKey.find(token)
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        key.touch()
        return ApiKeyUser(key), key

    def authenticate_header(self, request) -> str:
        return HEADER


class KeyMayWrite(BasePermission):
    message = _("This API key may only read. Make a read-write key to add or change data.")

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        return request.method in SAFE_METHODS or key.can_write


class PerKeyThrottle(SimpleRateThrottle):
    """A fixed-window count per key in the shared cache (Redis when there is one)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    def wait(self):
        """Seconds until the oldest request counted leaves the window: always a number, so
        every 429 carries Retry-After."""
        if not self.history:
            return self.duration
        return max(1, math.ceil(self.duration - (self.now - self.history[-1])))
