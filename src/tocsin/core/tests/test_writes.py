import fcntl
import threading

import pytest
from django.db import connection

from tocsin.core.writes import serialised_write


@pytest.mark.django_db(transaction=True)
def test_sqlite_writers_wait_their_turn_and_go_as_soon_as_it_comes():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's writers need no queue")
    entered = threading.Event()

    def write():
        try:
            with serialised_write():
                entered.set()
        finally:
            connection.close()

    # Another worker process holds the turn: it has the lock file open on its own.
    with open(f"{connection.settings_dict['NAME']}.write-lock", "ab") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        writer = threading.Thread(target=write)
        writer.start()
        assert not entered.wait(0.5)
        fcntl.flock(other_process, fcntl.LOCK_UN)
        assert entered.wait(5)
    writer.join()
