import pytest
from django.urls import reverse

from tocsin.conftest import CollectingHandler, serving_smtp
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


class FlakyHandler(CollectingHandler):
    """A real SMTP server that refuses the first `failures` messages with a 451."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    async def handle_DATA(self, server, session, envelope):
        if self.failures:
            self.failures -= 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_smtp(settings):
    settings.TOCSIN_MAIL_RETRY_SECONDS = 0
    with serving_smtp(FlakyHandler(failures=2), settings) as handler:
        yield handler


def test_a_failing_mail_server_delays_the_mail_and_loses_nothing(client, flaky_smtp, run_tasks):
    petition = PetitionFactory()
    client.post(reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}), form_data())
    assert Signature.objects.count() == 1

    run_tasks()  # refused twice, retried each time, then delivered
    run_tasks()
    run_tasks()
    assert len(flaky_smtp.messages) == 1
    assert flaky_smtp.messages[0]["To"] == "ana@example.org"
    assert Signature.objects.count() == 1


def test_the_mail_is_in_the_signer_s_language_with_a_confirm_page_link(
    client, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    petition = PetitionFactory()
    client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}),
        form_data(),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    run_tasks()
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Confirma tu firma")
    assert "/petitions/confirm/" in message.get_content()


def abandon_the_queued_task(minutes_ago: int = 30) -> None:
    """As if a worker had claimed the task, then died (SIGKILL, out of memory)."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


@pytest.mark.parametrize("died", ["before sending", "after sending"])
def test_a_task_whose_worker_died_runs_again_and_one_mail_goes_out(
    client, smtp_server, run_tasks, died
):
    from tocsin.core.scheduling import recover_tasks
    from tocsin.petitions.tasks import send_confirmation

    petition = PetitionFactory()
    client.post(reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}), form_data())
    signature = Signature.objects.get()
    if died == "after sending":
        send_confirmation.call(signature.pk)
    abandon_the_queued_task()
    run_tasks()  # a running task is not picked up again by itself
    assert len(smtp_server.messages) == (1 if died == "after sending" else 0)

    recover_tasks(after=600)
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_task_still_within_its_time_is_left_to_its_worker(client, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from tocsin.core.scheduling import recover_tasks

    petition = PetitionFactory()
    client.post(reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}), form_data())
    abandon_the_queued_task(minutes_ago=1)
    recover_tasks(after=600)
    assert DBTaskResult.objects.get().status == "RUNNING"
