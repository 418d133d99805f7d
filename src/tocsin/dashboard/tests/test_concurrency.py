"""Two refreshes at once, each on its own connection, count everything exactly once."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tocsin.calls.models import CallReport, Outcome
from tocsin.dashboard import rollups, services
from tocsin.dashboard.models import Kind
from tocsin.petitions.models import Signature


@pytest.mark.django_db(transaction=True)
def test_refreshing_twice_at_once_counts_each_action_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on its own; the advisory lock is PostgreSQL's")
    from tocsin.dashboard.tests.conftest import Scenario

    scenario = Scenario()
    call = scenario.calls[0]
    petition = scenario.signatures[0].petition
    for i in range(200):
        CallReport.objects.create(
            action=call.action,
            target=call.target,
            office=call.office,
            outcome=Outcome.TALKED,
            place="WI-2",
        )
        Signature.objects.create(
            petition=petition,
            email=f"late{i}@example.org",
            name="Late",
            district="WI-2",
            confirmed_at=timezone.now(),
        )
    start = threading.Barrier(2)
    errors = []

    def refresh():
        try:
            start.wait()
            rollups.refresh()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # The minute's refresh counts the recent calls (the scenario's are older) and, finding
    # the campaign's older signatures uncounted, all of its signatures.
    board = services.dashboard(scenario.campaign)
    assert board.totals[Kind.CALL] == 200
    assert board.totals[Kind.SIGNATURE] == len(scenario.counted_signatures()) + 200
    assert sum(line.attempts for line in board.targets) == len(scenario.counted_calls()) + 200
    scenario.refresh()
    board = services.dashboard(scenario.campaign)
    assert board.totals[Kind.CALL] == len(scenario.counted_calls()) + 200
    assert board.totals[Kind.SIGNATURE] == len(scenario.counted_signatures()) + 200
