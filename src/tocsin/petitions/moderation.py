"""Finding signatures by the address they came from, though no address is ever stored.

Each signature keeps three keyed hashes: of its address, of its /24 network (/48 for IPv6)
and of its /16 block (/32 for IPv6). A range an organizer types in is cut into pieces of the
nearest stored size and each piece is hashed the same way, so "198.51.100.0/22" finds the
four /24 networks in it without anyone being able to read an address back from the rows.
"""

import ipaddress

from django.db.models import Q
from django.utils.translation import gettext as _

from tocsin.core.privacy import keyed_hash

# (field, prefix length for IPv4, for IPv6), widest first.
STORED_SIZES = [("ip_block_hash", 16, 32), ("ip_network_hash", 24, 48), ("ip_hash", 32, 128)]
MOST_PIECES = 1024

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RangeTooWide(ValueError):
    pass


def _piece_hash(field: str, network: Network) -> str:
    return _hash(field, str(network.network_address), network.prefixlen)


def _hash(field: str, start: str, size: int) -> str:
    """The hash `field` keeps for the network of `size` bits starting at address `start`."""
    if field == "ip_hash":
        return keyed_hash(start, "ip")
    return keyed_hash(f"{start}/{size}", "ip-network")[:32]


def address_hashes(ip_address: str) -> dict[str, str]:
    """The three hashes a signature from `ip_address` keeps (blank when there is none)."""
    try:
        address = ipaddress.ip_address(ip_address.strip())
    except ValueError:
        return {field: "" for field, *_sizes in STORED_SIZES}
    hashes = {}
    for field, *sizes in STORED_SIZES:
        size = sizes[address.version == 6]
        start = ipaddress.ip_network(f"{address}/{size}", strict=False).network_address
        hashes[field] = _hash(field, str(start), size)
    return hashes


def parse_range(text: str) -> Network | None:
    """An address ("203.0.113.7") or a range ("203.0.113.0/24"), else None."""
    text = text.strip()
    if not any(mark in text for mark in ".:") or " " in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def in_range(network: Network) -> Q:
    """A filter for signatures sent from inside `network`."""
    for field, v4_size, v6_size in STORED_SIZES:
        size = v6_size if network.version == 6 else v4_size
        if network.prefixlen <= size:
            if 2 ** (size - network.prefixlen) > MOST_PIECES:
                raise RangeTooWide(
                    _(
                        "That range is too wide to search. Use /%(size)d or a narrower one "
                        "(a bigger number after the slash)."
                    )
                    % {"size": size - MOST_PIECES.bit_length() + 1}
                )
            hashes = [_piece_hash(field, piece) for piece in network.subnets(new_prefix=size)]
            return Q(**{f"{field}__in": hashes})
    raise AssertionError("every prefix is at most the full address")  # pragma: no cover
