"""Who is asking, and what they may keep.

The client's address: behind nginx or Caddy, REMOTE_ADDR is the proxy, so every limit and the
login lockout would count the whole world as one visitor. Each proxy appends the address it
saw to X-Forwarded-For; whatever comes before the part our own proxies wrote is the client's
to invent. With `TOCSIN_TRUSTED_PROXIES = N`, the client is the Nth address from the right.

Written here rather than taken from django-ipware: ipware reads several headers and prefers
"public" addresses, which a client can steer; the rule above is the whole of what is needed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def client_ip(request: HttpRequest) -> str:
    """The client's address as the outermost trusted proxy saw it, or REMOTE_ADDR when there
    is no trusted proxy or the header does not hold a usable address where it should."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TOCSIN_TRUSTED_PROXIES
    if proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        # The request did not come through every proxy: nothing in the header is trusted.
        return remote_addr
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote_addr


# Pages a supporter reaches through a personal link: they show that person's own answers.
PERSONAL_LINK_PAGES = {
    "petitions:confirm",
    "events:done",
    "events:cancel",
    "supporters:unsubscribe",
    "calls:connecting",
}


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in request (only
    organizers sign in, and what they see — door pages, check-in lists, delivery pages,
    dashboards, the back office — holds supporters' personal data) and on the pages behind a
    personal link. One rule in one place rather than a decorator per view, so a new organizer
    page is covered without anyone remembering to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (match is not None and match.view_name in PERSONAL_LINK_PAGES) or _signed_in(request):
            # Merged with what the view said (never_cache's no-cache stays); "public" goes.
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie nobody is signed in, and the session is not loaded to find out.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
