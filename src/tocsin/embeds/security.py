"""What stands in for the CSRF cookie inside a frame, and where an embedded action came from.

A partner's page frames Tocsin from another site, where browsers that block third-party
cookies never send Tocsin's cookies back. So a framed form carries a signed token instead
(bound to the campaign and the action, expiring), and the POST must come from Tocsin's own
origin (the `Origin` header, else the `Referer`): a page elsewhere can neither read a token
out of the frame nor send a POST that says it came from here.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from tocsin.supporters.services import clean_source

TOKEN_FIELD = "tocsin_embed"  # noqa: S105 (a form field's name)
TOKEN_SALT = "tocsin.embeds.form"  # noqa: S105 (a signing salt, not a secret)
# A form left open in a tab for an afternoon still works.
TOKEN_MAX_AGE = 6 * 3600


class Refused(Exception):
    """Why a framed POST was not accepted; its message is for the person who sent it."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def new_token(campaign_id: int, kind: str, source: str) -> str:
    return signing.dumps({"c": campaign_id, "k": kind, "s": source}, salt=TOKEN_SALT)


def read_token(value: str, campaign_id: int, kind: str) -> str:
    """The source the token carries when it is genuine, recent and for this campaign and
    action; Refused otherwise."""
    from django.utils.translation import gettext

    if not value:
        raise Refused(
            gettext(
                "This form was sent without its security token, so nothing was saved. Please "
                "reload the page and send it again."
            )
        )
    try:
        payload = signing.loads(value, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused(
            gettext(
                "This form was open for too long, so nothing was saved. Please reload the "
                "page and send it again."
            )
        ) from None
    except signing.BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("c") != campaign_id
        or payload.get("k") != kind
        or not isinstance(payload.get("s"), str)
    ):
        raise Refused(
            gettext(
                "This form's security token is not valid here, so nothing was saved. Please "
                "reload the page and send it again."
            )
        )
    return payload["s"]


def origin_of_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def own_origins(request: HttpRequest) -> set[str]:
    return {
        origin_of_url(request.build_absolute_uri("/")),
        origin_of_url(settings.TOCSIN_BASE_URL),
    } - {""}


def check_origin(request: HttpRequest) -> None:
    """Refused (403) unless the POST says it comes from one of Tocsin's own pages."""
    from django.utils.translation import gettext

    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        origin = origin_of_url(request.headers.get("Referer", ""))
    else:
        origin = origin_of_url(origin)
    if origin not in own_origins(request):
        raise Refused(
            gettext(
                "This form can only be sent from its own page, so nothing was saved. Please "
                "reload the page and send it again."
            ),
            status=403,
        )


def source_for_host(host_url: str, allowed: list[str]) -> str:
    """The `source` an embedded action stores: "embed-" and the host page (its site and path,
    never its query string, cut to fit), when the page is on a site the campaign lists; plain
    "embed" otherwise. Sources keep only letters, digits, ".", "_" and "-"
    (supporters.services.clean_source), so "partner.example:8443/news/" becomes
    "embed-partner.example-8443-news"."""
    origin = origin_of_url(host_url)
    if not origin or origin not in allowed:
        return "embed"
    parts = urlsplit(host_url)
    place = parts.netloc.lower().replace(":", "-") + parts.path.replace("/", "-")
    return clean_source("embed-" + place.strip("-")).rstrip("-.")
