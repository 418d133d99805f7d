"""The spike drill of bench/spike.py, smaller: real gunicorn and task workers on PostgreSQL,
killed with SIGKILL mid-run."""

import pytest
from django.db import connection

from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.tests.spike import run_spike

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("signature_buffer", ["off", "journal"])
def test_a_spike_with_killed_workers_loses_and_doubles_nothing(tmp_path, signature_buffer):
    if connection.vendor != "postgresql":
        pytest.skip("the drill runs on PostgreSQL, the production database")
    petition = PetitionFactory()
    report = run_spike(
        petition, signatures=2_000, clients=12, log_dir=tmp_path, mail_timeout=120,
        signature_buffer=signature_buffer,
    )  # fmt: skip
    print("\n".join(report.lines()))
    assert report.kills == {"web worker": 3, "task worker": 2}
    assert report.answered == 2_000
    assert not report.errors
    assert report.cut_off_without_exactly_one_row == report.answered_without_exactly_one_row == 0
    assert report.rows_nobody_asked_for == 0
    assert report.rows == report.folded == 2_000
    assert report.reconciled
    assert report.missing_mails == 0
    # A worker killed in the instant between the mail server taking a mail and the record of
    # it (one local UPDATE) sends that one mail again when its task is recovered: no SMTP
    # exchange can close that gap, so at most one per killed worker, usually none.
    assert report.duplicate_mails <= report.kills["task worker"]
