import multiprocessing
import os
import signal
import uuid

import pytest
from django.utils import timezone

from tocsin.calls import journal, services
from tocsin.calls.models import CallReport, CallTally, Outcome
from tocsin.calls.tests.conftest import report
from tocsin.core import journal as core_journal
from tocsin.core.models import JournalPosition
from tocsin.targets.factories import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journaled(settings, tmp_path):
    settings.TOCSIN_CALL_REPORT_BUFFER = "journal"
    settings.TOCSIN_JOURNAL_DIR = tmp_path
    yield tmp_path / "calls"
    journal.JOURNAL.close()


def line_for(action, desk, office, key=None) -> dict:
    return {
        "key": str(key or uuid.uuid4()), "action_id": action.pk, "target_id": desk.pk,
        "office_id": office.pk, "outcome": Outcome.TALKED, "demands_raised": "", "place": "",
        "answer": "", "created_at": timezone.now().isoformat(),
    }  # fmt: skip


def test_journaled_reports_reach_the_database_once_when_folded(journaled, desk_action):
    action, desk, office = desk_action
    key = uuid.uuid4()
    report(action, desk, office, key)
    report(action, desk, office, key)  # the double tap
    report(action, desk, office, uuid.uuid4(), Outcome.BUSY)
    assert not CallReport.objects.exists()  # nothing written on the request path
    assert len(journal.JOURNAL.files()) == 1

    assert services.call_count(action) == 2
    assert CallReport.objects.count() == 2
    assert not CallReport.objects.filter(folded=False).exists()  # counted as they went in
    assert CallTally.objects.get(outcome=Outcome.BUSY).count == 1
    assert CallTally.objects.get(outcome=Outcome.TALKED).count == 1
    assert services.drain_journal() == 0  # read once: nothing new the second time


def test_a_drain_that_is_repeated_adds_nothing_twice(journaled, desk_action):
    action, desk, office = desk_action
    report(action, desk, office, uuid.uuid4())
    report(action, desk, office, uuid.uuid4())
    assert services.drain_journal() == 2
    # As if the drain had died after inserting and before its position was recorded.
    JournalPosition.objects.update(offset=0)
    assert services.drain_journal() == 2
    assert CallReport.objects.count() == 2


def _write_and_wait(directory, lines, ready):
    from django.conf import settings

    settings.TOCSIN_JOURNAL_DIR = directory.parent
    for line in lines:
        journal.record(line)
    ready.set()
    signal.pause()


def test_a_killed_writer_loses_nothing_and_its_file_goes_once_drained(journaled, desk_action):
    action, desk, office = desk_action
    lines = [line_for(action, desk, office) for _ in range(300)]
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    writer = context.Process(target=_write_and_wait, args=(journaled, lines, ready))
    writer.start()
    assert ready.wait(20)
    [path] = journal.JOURNAL.files()
    assert not journal.JOURNAL.is_abandoned(path)  # its writer still holds it

    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    assert journal.JOURNAL.is_abandoned(path)
    with open(path, "ab") as cut_off:
        cut_off.write(b'{"key": "a line the kill cut sh')  # never ended: never read
    assert services.drain_journal() == 300
    assert set(CallReport.objects.values_list("key", flat=True)) == {
        uuid.UUID(line["key"]) for line in lines
    }
    assert journal.JOURNAL.files() == []
    assert not JournalPosition.objects.exists()


def test_a_live_writers_file_stays_until_it_moves_on(journaled, desk_action, monkeypatch):
    action, desk, office = desk_action
    report(action, desk, office, uuid.uuid4())
    services.drain_journal()
    [first] = journal.JOURNAL.files()  # drained, but this process may still write to it

    monkeypatch.setattr(core_journal, "ROTATE_BYTES", 1)  # the next report starts a new file
    report(action, desk, office, uuid.uuid4())
    assert len(journal.JOURNAL.files()) == 2
    assert services.drain_journal() == 1
    assert first not in journal.JOURNAL.files()
    assert len(journal.JOURNAL.files()) == 1
    assert CallReport.objects.count() == 2


def test_unreadable_lines_and_deleted_offices_do_not_stop_the_drain(journaled, desk_action):
    action, desk, office = desk_action
    gone = OfficeFactory(target=desk)
    kept = line_for(action, desk, office)
    journal.record(line_for(action, desk, gone))
    journal.record(kept)
    [path] = journal.JOURNAL.files()
    with open(path, "ab") as damaged:
        damaged.write(b"not json\n" + b'{"key": "1"}\n')
    journal.record(line_for(action, desk, office))
    gone.delete()

    services.drain_journal()
    assert CallReport.objects.count() == 2
    assert CallReport.objects.filter(key=kept["key"]).exists()
    assert services.drain_journal() == 0


def test_the_journal_is_drained_after_switching_it_off(journaled, desk_action, settings):
    action, desk, office = desk_action
    report(action, desk, office, uuid.uuid4())
    settings.TOCSIN_CALL_REPORT_BUFFER = "off"
    report(action, desk, office, uuid.uuid4())  # straight to the database
    assert CallReport.objects.count() == 1
    assert services.call_count(action) == 2


def test_a_journal_that_cannot_be_written_falls_back_to_the_database(
    journaled, desk_action, settings
):
    action, desk, office = desk_action
    blocked = journaled.parent / "not-a-directory"
    blocked.write_text("")
    settings.TOCSIN_JOURNAL_DIR = blocked
    assert report(action, desk, office, uuid.uuid4()) is True
    assert CallReport.objects.count() == 1


def test_damage_longer_than_a_read_is_skipped_not_a_wall(journaled, desk_action, monkeypatch):
    action, desk, office = desk_action
    monkeypatch.setattr(core_journal, "READ_BYTES", 400)  # a report's line is about 250
    journal.record(line_for(action, desk, office))
    [path] = journal.JOURNAL.files()
    with open(path, "ab") as damaged:
        damaged.write(b"x" * 1000 + b"\n")
    kept = line_for(action, desk, office)
    journal.record(kept)
    for _ in range(20):
        services.drain_journal()
    assert CallReport.objects.filter(key=kept["key"]).exists()
