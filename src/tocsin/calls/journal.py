"""Call reports journaled in local files (`TOCSIN_CALL_REPORT_BUFFER=journal`, see
core/journal.py): one `write()` per report. Draining inserts them already counted into the
tallies; the reports' unique idempotency key absorbs a repeated report."""

import datetime
import json

from django.conf import settings

from tocsin.core.journal import Journal, read_records

FIELDS = frozenset(
    ["key", "action_id", "target_id", "office_id", "outcome", "demands_raised", "place",
     "answer", "created_at"]
)  # fmt: skip


def enabled() -> bool:
    return settings.TOCSIN_CALL_REPORT_BUFFER == "journal"


def record(values: dict) -> bool:
    """Journal one report (values as JSON-able strings and numbers). Always True: whether its
    key is new is settled when it is drained into the database."""
    JOURNAL.append(json.dumps(values, separators=(",", ":")).encode())
    return True


def _with_time(report: dict) -> dict:
    report["created_at"] = datetime.datetime.fromisoformat(report["created_at"])
    return report


def _store(lines: list[bytes]) -> None:
    from .services import store_journaled

    store_journaled(read_records(lines, FIELDS, _with_time, "call"))


# Drained when reports are folded (every few seconds while anyone reads a count).
JOURNAL = Journal("calls", _store, drains_after_requests=False)
