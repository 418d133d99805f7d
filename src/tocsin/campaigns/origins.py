"""The sites allowed to frame a campaign's actions (`Campaign.embed_origins`): one origin a
line, such as https://partner.example or https://partner.example:8443. Plain http is
accepted only for the organizer's own machine (localhost, 127.0.0.1), for trying an embed
out in development; a path, a query or a wildcard is refused with a message."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def origin_of(line: str) -> str:
    """The origin a line names, normalised (lowercase, no trailing slash); ValueError with a
    reason a person can act on when it is not one."""
    text = line.strip().rstrip("/")
    if "*" in text:
        raise ValueError(_("list each site on its own line, without wildcards"))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(_("the port is not a number")) from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("https", "http")
        or not host
        or ("." not in host and host not in ("localhost",))
    ):
        raise ValueError(_("write the whole address, starting with https://"))
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(_("give the site only, without a page's path"))
    shown_host = f"[{host}]" if ":" in host else host
    if parts.scheme == "http" and shown_host not in LOOPBACK_HOSTS:
        raise ValueError(_("use https:// (plain http is only for localhost while testing)"))
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{shown_host}" + (f":{port}" if port and port != default_port else "")


def parse_origins(text: str) -> list[str]:
    """Every origin of a valid list, in order, without repeats."""
    found = []
    for line in (text or "").splitlines():
        if line.strip():
            found.append(origin_of(line))
    return list(dict.fromkeys(found))


def validate_origins(text: str) -> None:
    errors = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            origin_of(line)
        except ValueError as reason:
            errors.append(
                ValidationError(
                    _("Line %(number)s, “%(line)s”: %(reason)s."),
                    params={"number": number, "line": line.strip()[:80], "reason": reason},
                    code="invalid_origin",
                )
            )
    if errors:
        raise ValidationError(errors)
