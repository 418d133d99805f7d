"""What this browser has already done for a campaign, so each thank-you page asks for
something new.

A signed cookie holds campaign ids and action kinds only: no address, no name, nothing that
says who the browser belongs to. Each thank-you view marks its action with `mark_done`; the
next ask reads `done_kinds`. A forged or stale cookie reads as nothing done.
"""

import datetime

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .models import ACTIONS, PrimaryAction

COOKIE_NAME = "tocsin_done"
SALT = "tocsin.campaigns.next_ask"
MAX_AGE = datetime.timedelta(days=180)
# The most recent campaigns kept, so the cookie stays small for a supporter of many.
MAX_CAMPAIGNS = 30

# With no choice made by the organizer: the quickest action that moves a decision-maker first.
DEFAULT_ORDER = (
    PrimaryAction.CALL,
    PrimaryAction.SIGN,
    PrimaryAction.WRITE,
    PrimaryAction.RSVP,
    PrimaryAction.GIVE,
    PrimaryAction.JOIN,
)


def _read(request: HttpRequest) -> dict[str, list[str]]:
    value = request.COOKIES.get(COOKIE_NAME, "")
    if not value:
        return {}
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # forged, damaged or older than MAX_AGE
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(key): [kind for kind in kinds if kind in ACTIONS]
        for key, kinds in data.items()
        if isinstance(kinds, list)
    }


def done_kinds(request: HttpRequest, campaign) -> set[str]:
    """The kinds of action this browser has done for the campaign."""
    return set(_read(request).get(str(campaign.pk), []))


def mark_done(request: HttpRequest, response: HttpResponse, campaign, kind: str) -> HttpResponse:
    """Remember on the browser that it did this action for the campaign. The page now depends
    on the cookie, so no shared cache may keep it for someone else."""
    if campaign is None or kind not in ACTIONS:
        return response
    data = _read(request)
    key = str(campaign.pk)
    kinds = [k for k in data.pop(key, []) if k != kind] + [kind]
    data[key] = kinds  # re-inserted last: the most recent campaign is kept longest
    while len(data) > MAX_CAMPAIGNS:
        data.pop(next(iter(data)))
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(data, salt=SALT, compress=True),
        max_age=int(MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def ordered_actions(available: set[str], *, primary: str = "", chosen: list[str] = ()) -> list[str]:
    """The available actions in the organizer's order (`chosen`, then the rest in the default
    order), with the main action, when there is one, first."""
    order = [kind for kind in dict.fromkeys([*chosen, *DEFAULT_ORDER]) if kind in available]
    if primary in order:
        order.remove(primary)
        order.insert(0, primary)
    return [str(kind) for kind in order]


def next_action(order: list[str], done: set[str]) -> str | None:
    """The first action in the order that has not been done, or None when all have been."""
    return next((kind for kind in order if kind not in done), None)
