"""The spike drill of bench/spike.py, smaller: real gunicorn and `tocsin worker` processes on
PostgreSQL, killed with SIGKILL mid-run."""

import pytest
from django.db import connection

from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.tests.spike import run_spike

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_spike_with_killed_workers_loses_and_doubles_nothing(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the drill runs on PostgreSQL, the production database")
    petition = PetitionFactory()
    report = run_spike(petition, signatures=2_000, clients=12, folder=tmp_path, timeout=300)
    print("\n".join(report.lines()))
    assert report.kills == {"web worker": 3, "task worker": 2}
    assert report.answered == report.signatures == 2_000
    assert not report.errors
    assert report.cut_off_without_exactly_one_row == report.answered_without_exactly_one_row == 0
    assert report.rows_nobody_asked_for == report.held == 0
    assert report.rows == 2_000
    assert report.missing_mails == 0
    # A worker killed in the instant between the mail server taking a mail and the record of
    # it (one local UPDATE) sends that one mail again when its task is recovered: no SMTP
    # exchange can close that gap, so at most one per killed worker, usually none.
    assert report.duplicate_mails <= report.kills["task worker"]
    assert not report.confirm_errors
    assert report.confirmed_rows == report.public_count == 2_000
    assert report.counts_shown == [2_000]
    assert report.kept_every_promise
