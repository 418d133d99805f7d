"""The hand-written signature INSERT writes what the ORM and django-tasks-db would have."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.petitions import insert
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tasks import send_confirmation

pytestmark = pytest.mark.django_db
MAILED_AT = datetime.datetime(2026, 11, 23, 18, 30, 15, 123456, tzinfo=datetime.UTC)


def new_signature(petition, email="ana@example.org", **fields) -> Signature:
    return Signature(
        petition=petition,
        email=email,
        name="Ana Núñez",
        postcode="53703",
        country="US",
        district="WI-02",
        consents=[
            {"organization": petition.campaign.organization_id, "wording": "Keep me «posted»"}
        ],
        email_domain="example.org",
        ip_hash="a" * 64,
        mailed_at=MAILED_AT,
        **fields,
    )


def comparable(task: DBTaskResult) -> dict:
    return {
        field.name: getattr(task, field.name)
        for field in DBTaskResult._meta.concrete_fields
        if field.name not in ("id", "enqueued_at")
    }


def test_the_rows_are_those_the_orm_and_the_task_library_write():
    petition = PetitionFactory()
    signature = new_signature(petition)

    signature_id = insert.insert_signature(signature, task=send_confirmation)

    assert signature.pk == signature_id
    assert not signature._state.adding
    written = Signature.objects.get(pk=signature_id)
    by_orm = new_signature(petition, "bo@example.org")
    by_orm.save()
    written.refresh_from_db()
    by_orm.refresh_from_db()
    for field in Signature._meta.concrete_fields:
        if field.name not in ("id", "email", "created_at"):
            assert getattr(written, field.name) == getattr(by_orm, field.name), field.name
    assert abs(written.created_at - by_orm.created_at).total_seconds() < 5

    [task] = DBTaskResult.objects.all()
    library = DBTaskResult.objects.get(pk=send_confirmation.enqueue(signature_id).id)
    assert comparable(task) == comparable(library)
    assert task.args_kwargs == {"args": [signature_id], "kwargs": {}}
    assert task.task_result.status == "READY"
    assert task.task_result.args == [signature_id]


def test_an_address_that_signed_already_writes_nothing():
    petition = PetitionFactory()
    insert.insert_signature(new_signature(petition), task=send_confirmation)

    again = new_signature(petition)
    assert insert.insert_signature(again, task=send_confirmation) is None
    assert again.pk is None
    assert Signature.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_a_signature_held_for_review_gets_no_task():
    petition = PetitionFactory()
    held = new_signature(petition, held_at=timezone.now())

    assert insert.insert_signature(held, task=None) is not None
    assert Signature.objects.get().held_at is not None
    assert not DBTaskResult.objects.exists()


def test_the_row_and_its_task_are_written_together_or_not_at_all(monkeypatch):
    petition = PetitionFactory()
    task_row = insert._task_row

    def out_of_range_priority(*args, **kwargs):
        row = task_row(*args, **kwargs)
        row.priority = 1_000  # refused by the task table's CHECK constraint
        return row

    monkeypatch.setattr(insert, "_task_row", out_of_range_priority)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.insert_signature(new_signature(petition), task=send_confirmation)

    assert not Signature.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_another_task_backend_goes_through_the_orm(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    petition = PetitionFactory()

    signature_id = insert.insert_signature(new_signature(petition), task=send_confirmation)

    assert Signature.objects.filter(pk=signature_id).exists()
    assert not DBTaskResult.objects.exists()
    assert insert.insert_signature(new_signature(petition), task=send_confirmation) is None


def test_a_batch_writes_what_the_orm_and_the_task_library_write():
    petition = PetitionFactory()
    insert.insert_signature(new_signature(petition, "first@example.org"), task=send_confirmation)
    signed_at = timezone.now() - datetime.timedelta(seconds=30)
    batch = [
        new_signature(petition, "ana@example.org", created_at=signed_at),
        new_signature(petition, "first@example.org"),  # signed before the batch
        new_signature(petition, "held@example.org", held_at=MAILED_AT),
        new_signature(petition, "ana@example.org"),  # twice in the batch
    ]

    insert.insert_batch(batch, task=send_confirmation)

    assert [s.pk is not None for s in batch] == [True, False, True, False]
    assert Signature.objects.count() == 3
    written = Signature.objects.get(email="ana@example.org")
    assert written.pk == batch[0].pk
    assert written.created_at == signed_at  # when it was signed, not when it was stored
    by_orm = new_signature(petition, "bo@example.org")
    by_orm.save()
    by_orm.refresh_from_db()
    for field in Signature._meta.concrete_fields:
        if field.name not in ("id", "email", "created_at"):
            assert getattr(written, field.name) == getattr(by_orm, field.name), field.name

    # One task for the new one that is not held (and the one from before the batch).
    task = DBTaskResult.objects.get(args_kwargs__args=[written.pk])
    assert DBTaskResult.objects.count() == 2
    library = DBTaskResult.objects.get(pk=send_confirmation.enqueue(written.pk).id)
    assert comparable(task) == comparable(library)
    assert task.task_result.args == [written.pk]
