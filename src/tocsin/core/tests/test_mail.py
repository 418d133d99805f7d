import datetime
import logging

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.conftest import CollectingHandler, serving_smtp
from tocsin.core.mail import MAX_ATTEMPTS, deliver, retry_delay

pytestmark = pytest.mark.django_db


class RefusingHandler(CollectingHandler):
    """A real SMTP server that refuses the first `failures` messages, naming the recipient
    as real servers do."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    async def handle_DATA(self, server, session, envelope):
        if self.failures:
            self.failures -= 1
            return f"451 4.3.0 {envelope.rcpt_tos[0]} mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp(settings):
    settings.TOCSIN_MAIL_RETRY_SECONDS = 60
    with serving_smtp(RefusingHandler(failures=1), settings) as handler:
        yield handler


def queued(task_name: str):
    return DBTaskResult.objects.filter(task_path__endswith=task_name, status="READY")


def make_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_the_delay_doubles_up_to_six_hours(settings):
    settings.TOCSIN_MAIL_RETRY_SECONDS = 60
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert delays == [datetime.timedelta(minutes=2**n) for n in range(MAX_ATTEMPTS)]
    settings.TOCSIN_MAIL_RETRY_SECONDS = 3600
    assert [retry_delay(attempt).total_seconds() / 3600 for attempt in range(1, 6)] == [
        1,
        2,
        4,
        6,
        6,
    ]


def test_a_refused_welcome_mail_is_sent_later_and_the_log_names_nobody(
    client, refusing_smtp, run_tasks, caplog
):
    from tocsin.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(status="live")
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": "ana.lopez@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    with caplog.at_level(logging.WARNING, logger="tocsin.core.mail"):
        run_tasks()
    assert refusing_smtp.messages == []
    [retry] = queued("send_welcome_mail")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    wait = retry.run_after - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(seconds=60)
    assert "welcome mail for supporter" in caplog.text
    assert "lopez" not in caplog.text.lower()  # neither the address nor the server's reply

    run_tasks()  # not due yet
    assert refusing_smtp.messages == []

    make_due()
    run_tasks()
    [message] = refusing_smtp.messages
    assert message["To"] == "ana.lopez@example.org"
    assert not queued("send_welcome_mail").exists()


def test_a_refused_event_mail_is_sent_later(client, refusing_smtp, run_tasks):
    from tocsin.events.factories import SessionFactory

    session = SessionFactory()
    client.post(
        reverse("events:rsvp", args=[session.event.slug, session.pk]),
        {"name": "Ana", "email": "ana@example.org", "postcode": "53703", "guests": "0"},
    )
    run_tasks()
    assert refusing_smtp.messages == []
    assert queued("send_rsvp_mail").get().args_kwargs["kwargs"] == {"attempt": 2}
    make_due()
    run_tasks()
    [message] = refusing_smtp.messages
    assert message["To"] == "ana@example.org"


def test_after_the_last_try_nothing_more_is_queued(settings, caplog):
    from tocsin.supporters.tasks import send_welcome_mail

    with (
        serving_smtp(RefusingHandler(failures=1), settings),
        caplog.at_level(logging.ERROR, logger="tocsin.core.mail"),
    ):
        sent = deliver(
            EmailMessage(subject="Hi", body="Hello", to=["ana@example.org"]),
            task=send_welcome_mail,
            args=[1, [1]],
            attempt=MAX_ATTEMPTS,
            what="welcome mail for supporter 1",
        )
    assert sent is False
    assert not DBTaskResult.objects.exists()
    assert "welcome mail for supporter 1 not sent after 8 tries" in caplog.text


def test_on_sent_runs_only_once_the_server_took_the_mail(smtp_server, settings):
    from tocsin.supporters.tasks import send_welcome_mail

    calls = []
    mail = EmailMessage(subject="Hi", body="Hello", to=["ana@example.org"])
    kwargs = {"task": send_welcome_mail, "args": [1, [1]], "what": "test mail"}
    assert deliver(mail, attempt=1, on_sent=lambda: calls.append("sent"), **kwargs)
    assert calls == ["sent"]
    assert len(smtp_server.messages) == 1

    settings.EMAIL_PORT = 1  # nothing listens there
    mail = EmailMessage(subject="Hi", body="Hello", to=["ana@example.org"])
    assert not deliver(mail, attempt=1, on_sent=lambda: calls.append("again"), **kwargs)
    assert calls == ["sent"]
    assert queued("send_welcome_mail").count() == 1
