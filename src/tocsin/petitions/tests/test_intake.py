import datetime
import multiprocessing
import os
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.core import journal as core_journal
from tocsin.core.models import JournalPosition
from tocsin.petitions import intake, services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def journaled(settings, tmp_path, monkeypatch):
    settings.TOCSIN_SIGNATURE_BUFFER = "journal"
    settings.TOCSIN_JOURNAL_DIR = tmp_path
    settings.TOCSIN_SIGN_LIMITS = {}
    # As in a fresh worker: its first answer is followed by a full drain.
    monkeypatch.setattr(intake.JOURNAL, "_fully_drained_at", 0.0)
    monkeypatch.setattr(core_journal, "_drainer_seen", {"checked": 0.0, "running": False})
    yield tmp_path / "signatures"
    intake.JOURNAL.close()


def sign(client, petition, ip="203.0.113.7", **changes):
    return client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}),
        form_data(**changes),
        REMOTE_ADDR=ip,
    )


def journal_line(petition, email, **changes) -> dict:
    return {
        "email": email, "name": "Ana", "postcode": "53703", "country": "US", "comment": "",
        "consents": [], "language": "en", "ip_hash": "h1", "ip_network_hash": "h2",
        "ip_block_hash": "h3", "hold": False, **changes,
    }  # fmt: skip


def confirmation_tasks() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="send_confirmation").count()


def test_a_signature_is_stored_with_its_mail_right_after_the_answer(client, journaled):
    petition = PetitionFactory()
    before = timezone.now()
    response = sign(client, petition)
    assert response.status_code == 302  # the same answer as ever
    # The answer went out, then the worker stored what it had journaled.
    signature = Signature.objects.get()
    assert signature.email == "ana@example.org"
    assert signature.postcode == "53703"
    assert before <= signature.created_at <= timezone.now()
    assert signature.held_at is None
    assert signature.mailed_at is not None
    assert confirmation_tasks() == 1
    [path] = intake.JOURNAL.files()
    assert b"203.0.113.7" not in path.read_bytes()  # the address only as keyed hashes
    assert JournalPosition.objects.get(file=path.name).offset == path.stat().st_size


def test_nothing_is_stored_twice_and_signing_again_mails_again_only_later(journaled):
    petition = PetitionFactory()
    for _ in range(2):  # a double click: both lines in one batch
        intake.record(petition, **journal_line(petition, "ana@example.org"))
    intake.JOURNAL.drain()
    assert Signature.objects.count() == 1
    assert confirmation_tasks() == 1

    JournalPosition.objects.update(offset=0)  # as if the drain had died before recording it
    intake.JOURNAL.drain()
    assert Signature.objects.count() == 1
    assert confirmation_tasks() == 1

    Signature.objects.update(mailed_at=timezone.now() - datetime.timedelta(hours=1))
    intake.record(petition, **journal_line(petition, "ana@example.org"))
    intake.JOURNAL.drain()
    assert Signature.objects.count() == 1
    assert confirmation_tasks() == 2


def test_the_limits_hold_back_a_batch_in_order(journaled, settings, limits_backend):
    settings.TOCSIN_SIGN_LIMITS = {"ip": [[60, 2]]}
    petition = PetitionFactory()
    for n in range(4):
        intake.record(petition, **journal_line(petition, f"person{n}@example.org"))
    intake.record(petition, **journal_line(petition, "held@example.org", hold=True))
    intake.record(petition, **journal_line(petition, "other@example.org", ip_hash="elsewhere"))
    intake.JOURNAL.drain()
    held = set(Signature.objects.filter(held_at__isnull=False).values_list("email", flat=True))
    assert held == {"person2@example.org", "person3@example.org", "held@example.org"}
    assert confirmation_tasks() == 3  # no mail for the held ones


def _sign_and_wait(directory, petition, count, ready):
    from django.conf import settings

    settings.TOCSIN_JOURNAL_DIR = directory
    for n in range(count):
        intake.record(petition, **journal_line(petition, f"signer{n}@example.org"))
    ready.set()
    signal.pause()


def test_a_killed_web_worker_loses_no_signature(journaled):
    petition = PetitionFactory()
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    worker = context.Process(target=_sign_and_wait, args=(journaled.parent, petition, 200, ready))
    worker.start()
    assert ready.wait(20)
    os.kill(worker.pid, signal.SIGKILL)
    worker.join()

    core_journal.drain_all()  # what `tocsin recover-tasks` does every minute
    assert Signature.objects.count() == 200
    assert confirmation_tasks() == 200
    assert intake.JOURNAL.files() == []  # the dead worker's file, drained, is gone


def test_bad_lines_and_deleted_petitions_do_not_stop_the_drain(journaled):
    petition, deleted = PetitionFactory(), PetitionFactory()
    intake.record(deleted, **journal_line(deleted, "gone@example.org"))
    intake.record(petition, **journal_line(petition, "ana@example.org"))
    [path] = intake.JOURNAL.files()
    with open(path, "ab") as damaged:
        damaged.write(b"not json\n{}\n")
    intake.record(petition, **journal_line(petition, "bo@example.org"))
    deleted.campaign.delete()

    intake.JOURNAL.drain()
    assert set(Signature.objects.values_list("email", flat=True)) == {
        "ana@example.org", "bo@example.org",
    }  # fmt: skip
    assert services.fold_counts(petition).pending == 2


def test_the_workers_leave_the_draining_to_a_running_drain_service(client, journaled, monkeypatch):
    core_journal.beat()  # a drain-journals service at work
    petition = PetitionFactory()
    sign(client, petition)
    assert not Signature.objects.exists()  # left to the service

    call_command("drain_journals", verbosity=0)  # what it does several times a second
    assert Signature.objects.get().email == "ana@example.org"

    # The service stopped: the workers store their own lines again.
    stale = timezone.now().timestamp() - 60
    os.utime(journaled.parent / ".drainer-alive", (stale, stale))
    monkeypatch.setitem(core_journal._drainer_seen, "checked", 0.0)
    monkeypatch.setattr(intake.JOURNAL, "_fully_drained_at", 0.0)
    sign(client, petition, email="bo@example.org")
    assert Signature.objects.count() == 2


def test_a_journal_that_cannot_be_written_falls_back_to_storing_directly(
    client, journaled, settings
):
    blocked = journaled.parent / "not-a-directory"
    blocked.write_text("")
    settings.TOCSIN_JOURNAL_DIR = blocked  # the journal's folder cannot be made under a file
    petition = PetitionFactory()
    assert sign(client, petition).status_code == 302
    assert Signature.objects.get().email == "ana@example.org"
    assert confirmation_tasks() == 1
