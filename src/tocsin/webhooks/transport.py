"""One HTTP POST to an endpoint, refusing addresses inside the server's own network.

The host is resolved once, here, at delivery time (a name that pointed outside when it was
saved may point at 127.0.0.1 today); every address it resolves to must be public, and the
connection goes to the address checked, never to a second lookup, with the Host header and
TLS server name still the URL's host, so certificates are checked as usual. Redirects are
not followed (http.client never follows them): a 3xx is a failure like any other.

Outside development (`TOCSIN_WEBHOOKS_ALLOW_PRIVATE`) only HTTPS is allowed and loopback,
private, link-local, multicast, reserved and unspecified addresses are refused.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class Refused(ValueError):
    """The URL may not be delivered to; the message says why, without the address."""


@dataclass(frozen=True)
class Response:
    status: int


def allow_private() -> bool:
    return bool(getattr(settings, "TOCSIN_WEBHOOKS_ALLOW_PRIVATE", False))


def timeout_seconds() -> float:
    return float(getattr(settings, "TOCSIN_WEBHOOKS_TIMEOUT_SECONDS", 10))


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL we may post to, without resolving it; else Refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(_("That is not a valid URL.")) from error
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if allow_private() else ("https",)
    if scheme not in allowed:
        raise Refused(_("The URL must start with https://."))
    if not parts.hostname:
        raise Refused(_("The URL has no host name."))
    if parts.username or parts.password:
        raise Refused(_("The URL must not hold a user name or password."))
    host = parts.hostname
    if not allow_private():
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            if host.rstrip(".").lower() == "localhost" or host.lower().endswith(".localhost"):
                raise Refused(_("That address is inside this server's network.")) from None
        else:
            if not is_public(address):
                raise Refused(_("That address is inside this server's network."))
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is out on the internet (an IPv4 address mapped into IPv6 is judged
    as the IPv4 address it is)."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or getattr(address, "is_site_local", False)
    ):
        return False
    return address.is_global


def resolve(host: str, port: int) -> str:
    """The one address to connect to: every address the name resolves to must be public
    (a name answering with one public and one private address is refused)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("The host name does not resolve.")) from error
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not allow_private() and not is_public(address):
            raise Refused(_("That address is inside this server's network."))
        addresses.append(str(address))
    if not addresses:
        raise Refused(_("The host name does not resolve."))
    return addresses[0]


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, host names checked."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the URL's host name, as a browser would.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` to `url`; the response's status. Refused for a URL or address we may not
    post to; OSError (timeouts included) and http.client errors for a failed exchange."""
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = timeout_seconds()
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, address=address, timeout=timeout, context=tls_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "Tocsin-Webhooks/1",
            },
        )
        response = connection.getresponse()
        response.read(64 * 1024)  # drained, never stored: it may repeat what we sent
        return Response(status=response.status)
    finally:
        connection.close()
