"""Back-office sessions end after TOCSIN_STAFF_IDLE_MINUTES without a request and, however
busy, TOCSIN_STAFF_SESSION_HOURS after signing in. Only organizers sign in (supporters act
through links and forms, with no session), so every signed-in session is a staff one.

Signing in stamps the session (`user_logged_in`); each request checks the stamps. The time of
the last request is written back at most once a minute, so that an organizer's page views do
not each rewrite their session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _

SIGNED_IN_AT = "staff:signed_in_at"
SEEN_AT = "staff:seen_at"
SEEN_EVERY_SECONDS = 60


def stamp(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def connect() -> None:
    user_logged_in.connect(stamp, dispatch_uid="core-staff-session-stamp")


def expired(session, now: float) -> bool:
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        # Signed in before these limits existed: no way to tell how old it is.
        return True
    return (
        now - seen_at > settings.TOCSIN_STAFF_IDLE_MINUTES * 60
        or now - signed_in_at > settings.TOCSIN_STAFF_SESSION_HOURS * 3600
    )


class StaffSessionMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: an expired session is signed out
    before any view sees it, and the login page says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in: the session is not even loaded.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = time.time()
            if expired(request.session, now):
                logout(request)
                messages.info(
                    request, _("Your session has ended. Please sign in again."), fail_silently=True
                )
            elif now - request.session[SEEN_AT] >= SEEN_EVERY_SECONDS:
                request.session[SEEN_AT] = int(now)
        return self.get_response(request)
