"""Signatures journaled in local files (`TOCSIN_SIGNATURE_BUFFER=journal`, see core/journal.py).

Signing then costs one `write()` while the signer waits. Right after answering, each web worker
stores its own new lines in batches: the rate limits are counted for the whole batch at once,
the signatures are one multi-row INSERT … ON CONFLICT DO NOTHING, and their confirmation-mail
tasks go in with them, in the same transaction as the journal position, so a signature is
stored, and its mail queued, exactly once. An address that had signed already gets what
signing again gets in the direct path: at most one more mail every ten minutes.

A journal line holds what the signature row will (the IP address only as its keyed hashes) and
lives on the server's disk until its file is drained and let go: about a minute.
"""

import datetime
import json
import time
from functools import cache

from django.conf import settings
from django.utils import timezone

from tocsin.core.journal import Journal, read_records

from . import limits
from .models import PetitionAction, Signature

FIELDS = frozenset(
    ["petition", "email", "name", "postcode", "country", "comment", "consents", "language",
     "ip_hash", "ip_network_hash", "ip_block_hash", "hold", "at"]
)  # fmt: skip

BATCH_ROWS = 500


def enabled() -> bool:
    return settings.TOCSIN_SIGNATURE_BUFFER == "journal"


def record(petition: PetitionAction, **values) -> None:
    """Journal one signature; `values` are the FIELDS but petition and at."""
    entry = {"petition": petition.pk, "at": time.time(), **values}
    JOURNAL.append(json.dumps(entry, separators=(",", ":")).encode())


def _with_time(entry: dict) -> dict:
    entry["signed_at"] = datetime.datetime.fromtimestamp(float(entry["at"]), datetime.UTC)
    return entry


def store(lines: list[bytes]) -> None:
    """Inside the drain's transaction: the signatures of `lines`, their limits and mail."""
    from .insert import insert_batch
    from .services import district_for, resend_if_due
    from .tasks import send_confirmation

    entries = read_records(lines, FIELDS, _with_time, "signature")
    # A petition deleted meanwhile takes its signatures with it.
    petitions = PetitionAction.objects.in_bulk({e["petition"] for e in entries})
    entries = [e for e in entries if e["petition"] in petitions]
    if not entries:
        return
    domains = [entry["email"].rpartition("@")[2] for entry in entries]
    over = limits.holds(
        [
            (
                entry["petition"],
                limits.limited_values(
                    ip_hash=entry["ip_hash"], domain=domain, country=entry["country"]
                ),
                float(entry["at"]),
            )
            for entry, domain in zip(entries, domains, strict=True)
        ]
    )
    now = timezone.now()
    signatures = []
    for entry, domain, over_a_limit in zip(entries, domains, over, strict=True):
        held = entry["hold"] or over_a_limit
        row = {
            "id": None,
            "petition_id": entry["petition"],
            "email": entry["email"],
            "name": entry["name"],
            "postcode": entry["postcode"],
            "country": entry["country"],
            "district": district_for(entry["postcode"], entry["country"]),
            "comment": entry["comment"],
            "language": entry["language"],
            "consents": entry["consents"],
            "created_at": entry["signed_at"],
            "confirmed_at": None,
            "mailed_at": None if held else now,
            "mail_sent_at": None,
            "invalidated_at": None,
            "held_at": now if held else None,
            "ip_hash": entry["ip_hash"],
            "ip_network_hash": entry["ip_network_hash"],
            "ip_block_hash": entry["ip_block_hash"],
            "email_domain": domain,
        }
        # Positional, in the fields' order: half the cost of keywords, and a field added to
        # the model without a value here is a KeyError rather than a silent default.
        signatures.append(Signature(*[row[name] for name in _attnames()]))
    # In pieces: SQLite takes at most 32,766 parameters in a statement.
    for start in range(0, len(signatures), BATCH_ROWS):
        insert_batch(signatures[start : start + BATCH_ROWS], task=send_confirmation)
    for signature in signatures:
        if signature.pk is None and signature.held_at is None:
            resend_if_due(signature.petition_id, signature.email)


@cache
def _attnames() -> list[str]:
    return [field.attname for field in Signature._meta.concrete_fields]


JOURNAL = Journal("signatures", store, drains_after_requests=True)
