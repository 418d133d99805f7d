from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings

from tocsin.core.http import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware (the request's user on every entry), with the client's address
    read as every other part of Tocsin reads it: auditlog takes the first X-Forwarded-For hop,
    which the client writes itself, so an entry could name any address the client liked."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request) or None

    @staticmethod
    def _get_actor(request):
        # Without a session cookie nobody is signed in. Asking would load the session and make
        # every public page vary on cookies, which no shared cache could then keep.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return BaseAuditlogMiddleware._get_actor(request)
