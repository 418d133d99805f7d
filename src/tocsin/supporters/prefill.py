"""Action forms filled in for the person an alert was mailed to.

The alert's button links to the action page with `?p=<token>`: the person's id, signed and
dated (django.core.signing), nothing else, so no name, address or postcode is ever in a URL.
The page reads the person back and fills its form with what their organization knows of them,
so acting takes one tap. A token works for TOCSIN_PREFILL_DAYS, only on the forms of the
organizations asking on that page (a person of one group never fills another group's form),
and never for someone erased meanwhile; anything else is ignored and the form is empty, as
for anyone. Pages reached with a token say `Cache-Control: private, no-store`, so no shared
cache keeps a page that names someone or links on with their token; the site's
`Referrer-Policy: same-origin` keeps the token from other sites.

The token also shows that whoever holds it read a mail sent to the person's address: an
action sent with that same address may count that address as proven (`Prefill.proves`).
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.cache import patch_cache_control

from tocsin.core.emails import normalize_email

from .models import Supporter

PARAMETER = "p"
SALT = "tocsin.supporters.prefill"
# Tokens are a few dozen characters; anything much longer was not made here.
MAX_TOKEN_LENGTH = 200
# The largest id a BigAutoField holds: a bigger number would overflow the database's integer.
MAX_ID = 2**63 - 1


def token_for(supporter: Supporter) -> str:
    """The signed, dated token for this person's links: it carries their id only."""
    return signing.dumps({"s": supporter.pk}, salt=SALT, compress=True)


def person_for(token: str | None) -> Supporter | None:
    """The person a token was made for; None when it is missing, garbled, forged, older than
    TOCSIN_PREFILL_DAYS, or its person was erased or has no address any more."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = signing.loads(
            token, salt=SALT, max_age=datetime.timedelta(days=settings.TOCSIN_PREFILL_DAYS)
        )
        supporter_id = int(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not 0 < supporter_id <= MAX_ID:
        return None
    return (
        Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True)
        .exclude(email__isnull=True)
        .exclude(email="")
        .first()
    )


@dataclass(frozen=True)
class Prefill:
    """A genuine token on this request, and the person it names."""

    token: str
    person: Supporter

    @property
    def initial(self) -> dict[str, str]:
        """What an action form may be filled with: only what is known (a blank stays the
        field's own initial value)."""
        person = self.person
        known = {
            "name": person.name,
            "email": person.email,
            "postcode": person.postcode,
            "country": person.country,
        }
        return {field: value for field, value in known.items() if value}

    def proves(self, email: str) -> bool:
        """Whether `email` (as typed in the form) is the address the token's mail went to."""
        return bool(email) and normalize_email(email) == self.person.email


def from_request(request: HttpRequest, organizations) -> Prefill | None:
    """The prefill of this request (`p` in the query string, or in a posted form that carries
    it on), when its person belongs to one of `organizations` (those asking on the page, as
    objects or ids); None otherwise."""
    token = request.POST.get(PARAMETER) or request.GET.get(PARAMETER)
    person = person_for(token)
    if person is None:
        return None
    allowed = {getattr(organization, "pk", organization) for organization in organizations}
    if person.organization_id not in allowed:
        return None
    return Prefill(token, person)


def private_when_prefilled(view):
    """View decorator: `Cache-Control: private, no-store` on every response to a request that
    carries a token, genuine or not (its page may name the person, and its links and forms
    carry the token on)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if PARAMETER in request.GET or PARAMETER in request.POST:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped
