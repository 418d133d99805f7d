"""The sending engine against a real SMTP server on loopback: who gets the alert, what the
mail carries, and that nobody gets it twice whatever happens (a double click, a pause, a
mail server that fails, a sender that dies)."""

import datetime
import socket
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocsin.alerts import sending, services
from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.alerts.unsubscribe import recipient_for
from tocsin.conftest import CollectingHandler, serving_smtp
from tocsin.supporters.models import Consent

pytestmark = pytest.mark.django_db

State = AlertRecipient.State


@pytest.fixture(autouse=True)
def https_site(settings):
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    settings.DEFAULT_FROM_EMAIL = "Tocsin <alerts@act.example.org>"


def received_by(handler) -> Counter:
    return Counter(address for message in handler.messages for address in message["To"].split(","))


def states(alert) -> dict[str, int]:
    counts = AlertRecipient.objects.filter(alert=alert).counts()
    return {state: counts[state] for state in State.values if counts[state]}


def run_one_task() -> None:
    """One task, as one worker would take it from the queue."""
    call_command("db_worker", batch=True, no_startup_delay=True, max_tasks=1, verbosity=0)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_each_person_of_the_audience_gets_one_mail_with_what_bulk_mail_must_carry(
    make_alert, make_person, smtp_server, run_tasks
):
    ana = make_person("ana@example.org", "Ana López", state="WI")
    make_person("rosa@example.org", "Rosa Díaz", state="WI", language="es")
    make_person("ill@example.org", "Ida Lee", state="IL")  # another state
    make_person("pending@example.org", "Pat", state="WI", consent=False)
    refused = make_person("gone@example.org", "Gus", state="WI")
    refused.mail_refused_at = timezone.now()
    refused.save()
    alert = make_alert(audience={"state": "WI"}, from_name="Wisconsin Solidarity")

    assert services.send_now(alert) == 2
    assert alert.status == Alert.Status.SENDING
    assert alert.audience_count == 2
    run_tasks()

    assert received_by(smtp_server) == {"ana@example.org": 1, "rosa@example.org": 1}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert alert.finished_at is not None
    assert states(alert) == {"sent": 2}

    [mail] = [m for m in smtp_server.messages if m["To"] == "ana@example.org"]
    assert mail["Subject"] == "Call Senator Baldwin today"
    assert mail["From"] == "Wisconsin Solidarity <alerts@act.example.org>"
    assert mail["Date"]
    assert mail["Content-Language"] == "en"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto a second line: unfolded, it is the one link.
    unsubscribe = "".join(mail["List-Unsubscribe"].split()).strip("<>")
    assert unsubscribe.startswith("https://act.example.org/")
    row = AlertRecipient.objects.get(alert=alert, supporter=ana)
    assert recipient_for(resolve(urlsplit(unsubscribe).path).kwargs["token"]) == row
    assert mail["Message-ID"] == row.message_id
    assert row.message_id.endswith("@act.example.org>")
    plain = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Hello Ana," in plain
    assert "Hello Ana," in html
    assert "source=alert-" in plain

    [spanish] = [m for m in smtp_server.messages if m["To"] == "rosa@example.org"]
    assert spanish["Subject"] == "Llama hoy a la senadora Baldwin"
    assert "Hola Rosa," in spanish.get_body(preferencelist=("plain",)).get_content()


def test_a_double_click_starts_the_alert_once_and_nobody_gets_two_mails(
    make_alert, make_person, smtp_server, run_tasks
):
    for n in range(3):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    second_click = Alert.objects.get(pk=alert.pk)  # the same draft, as the second page saw it

    assert services.send_now(alert) == 3
    with pytest.raises(services.AlertError, match="being sent already"):
        services.send_now(second_click)
    run_tasks()

    assert AlertRecipient.objects.filter(alert=alert).count() == 3
    assert sorted(received_by(smtp_server).values()) == [1, 1, 1]


def test_a_filter_that_matches_nobody_is_refused_and_changes_nothing(
    make_alert, make_person, smtp_server, run_tasks
):
    make_person("ana@example.org", "Ana", state="WI")
    alert = make_alert(audience={"state": "AK"})

    with pytest.raises(services.AlertError, match="Nobody matches"):
        services.send_now(alert)
    with pytest.raises(services.AlertError, match="Nobody matches"):
        services.schedule(alert, timezone.now() + datetime.timedelta(hours=1))
    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert alert.started_at is None
    assert not AlertRecipient.objects.filter(alert=alert).exists()
    assert not DBTaskResult.objects.exists()
    assert smtp_server.messages == []


def test_a_subject_with_a_line_break_is_refused_before_anything_is_sent(
    make_alert, make_person, smtp_server, run_tasks
):
    make_person("ana@example.org", "Ana")
    alert = make_alert(subject_en="Call today\nBcc: everyone@example.net")

    with pytest.raises(services.AlertError, match="line break"):
        services.send_now(alert)
    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert not AlertRecipient.objects.filter(alert=alert).exists()
    assert smtp_server.messages == []


def test_a_header_that_cannot_be_written_fails_its_row_and_the_others_still_go(
    make_alert, make_person, smtp_server, run_tasks
):
    """Django refuses a header with a line break (BadHeaderError): that mail fails, the
    sender goes on."""
    for n in range(3):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    services.send_now(alert)
    # Written behind the checks' back, after the start: only a bug or a direct edit could.
    Alert.objects.filter(pk=alert.pk).update(reply_to="a@example.org\nBcc: all@example.net")
    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert states(alert) == {"failed": 3}
    assert set(AlertRecipient.objects.values_list("error", flat=True)) == {
        "A line of the mail's header held a line break."
    }
    assert smtp_server.messages == []


def test_many_refusals_in_a_row_pause_the_alert_rather_than_fail_the_whole_list(
    make_alert, make_person, smtp_server, run_tasks, settings
):
    settings.TOCSIN_ALERT_SENDERS = 1
    settings.TOCSIN_ALERT_BATCH = 50
    in_a_row = sending.FAILURES_IN_A_ROW_BEFORE_PAUSING
    for n in range(in_a_row + 5):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    services.send_now(alert)
    Alert.objects.filter(pk=alert.pk).update(reply_to="a@example.org\nBcc: all@example.net")
    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.PAUSED
    assert alert.stop_reason.startswith(f"{in_a_row} messages in a row were refused")
    assert states(alert) == {"failed": in_a_row, "queued": 5}


def test_a_provider_s_own_message_id_is_kept_for_its_tracking_events(
    make_alert, make_person, run_tasks, settings
):
    from django.core import mail

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    ana = make_person("ana@example.org", "Ana")
    alert = make_alert()
    services.send_now(alert)
    run_tasks()

    [message] = mail.outbox
    row = AlertRecipient.objects.get(alert=alert, supporter=ana)
    assert row.state == State.SENT
    assert row.message_id == str(message.anymail_status.message_id)
    assert row.message_id != message.extra_headers["Message-ID"]


def test_people_who_stop_mail_after_the_start_are_skipped(
    make_alert, make_person, smtp_server, run_tasks
):
    stays = make_person("stays@example.org", "Stays")
    withdraws = make_person("withdraws@example.org", "Withdraws")
    bounced = make_person("bounced@example.org", "Bounced")
    alert = make_alert()
    services.send_now(alert)

    Consent.objects.filter(supporter=withdraws).update(withdrawn_at=timezone.now())
    bounced.mail_refused_at = timezone.now()
    bounced.mail_refused_reason = "bounced"
    bounced.save()
    run_tasks()

    assert received_by(smtp_server) == {stays.email: 1}
    skipped = AlertRecipient.objects.filter(alert=alert, state=State.SKIPPED)
    assert set(skipped.values_list("supporter", flat=True)) == {withdraws.pk, bounced.pk}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT


def test_pause_stops_after_the_batch_and_resume_sends_everyone_else_once(
    make_alert, make_person, smtp_server, run_tasks, settings
):
    settings.TOCSIN_ALERT_SENDERS = 1
    settings.TOCSIN_ALERT_BATCH = 2
    settings.TOCSIN_ALERT_SLICE_SECONDS = 0  # one batch per task
    people = [make_person(f"p{n}@example.org", f"Person {n}") for n in range(5)]
    alert = make_alert()
    services.send_now(alert)

    run_one_task()
    assert len(smtp_server.messages) == 2
    services.pause(alert)
    assert alert.status == Alert.Status.PAUSED
    run_tasks()  # the sender's continuation finds the alert paused and stops
    assert len(smtp_server.messages) == 2
    assert services.progress(alert)["queued"] == 3
    with pytest.raises(services.AlertError):
        services.pause(alert)

    services.resume(alert)
    run_tasks()

    assert received_by(smtp_server) == {person.email: 1 for person in people}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    progress = services.progress(alert)
    assert (progress["sent"], progress["done"], progress["percent"]) == (5, 5, 100)


def test_cancel_sends_nobody_still_waiting(make_alert, make_person, smtp_server, run_tasks):
    for n in range(3):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    services.send_now(alert)

    services.cancel(alert)
    run_tasks()

    assert smtp_server.messages == []
    assert states(alert) == {"cancelled": 3}
    assert alert.status == Alert.Status.CANCELLED
    with pytest.raises(services.AlertError):
        services.resume(alert)


def test_a_mail_server_that_is_down_pauses_the_alert_and_loses_nobody(
    make_alert, make_person, run_tasks, settings
):
    people = [make_person(f"p{n}@example.org", f"Person {n}") for n in range(4)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    alert = make_alert()
    services.send_now(alert)

    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.PAUSED
    assert alert.stop_reason.startswith("The mail server refused the connection")
    assert "sending is paused" in alert.stop_reason
    assert states(alert) == {"queued": 4}

    with serving_smtp(CollectingHandler(), settings) as server:
        services.resume(alert)
        run_tasks()

    assert received_by(server) == {person.email: 1 for person in people}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert alert.stop_reason == ""


class RefusesOnce(CollectingHandler):
    """Answers the `nth` message with `answer` (a temporary refusal, say), once."""

    def __init__(self, nth: int, answer: str):
        super().__init__()
        self.nth, self.answer, self.seen = nth, answer, 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.nth:
            return self.answer
        return await super().handle_DATA(server, session, envelope)


def test_a_temporary_refusal_pauses_with_the_unsent_back_in_the_queue(
    make_alert, make_person, run_tasks, settings
):
    people = [make_person(f"p{n}@example.org", f"Person {n}") for n in range(4)]
    settings.TOCSIN_ALERT_SENDERS = 1
    alert = make_alert()
    with serving_smtp(RefusesOnce(2, "451 4.3.0 Try again later"), settings) as server:
        services.send_now(alert)
        run_tasks()

        alert.refresh_from_db()
        assert alert.status == Alert.Status.PAUSED
        assert "451 4.3.0 Try again later" in alert.stop_reason
        assert states(alert) == {"sent": 1, "queued": 3}

        services.resume(alert)
        run_tasks()

    assert received_by(server) == {person.email: 1 for person in people}
    assert states(alert) == {"sent": 4}


class HangsUpOnce(CollectingHandler):
    """Takes the `nth` message and drops the connection without answering: the sender
    cannot know whether it was delivered."""

    def __init__(self, nth: int):
        super().__init__()
        self.nth, self.seen = nth, 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        result = await super().handle_DATA(server, session, envelope)
        if self.seen == self.nth:
            server.transport.abort()
        return result


def test_a_connection_cut_during_a_message_marks_that_one_unknown_and_sends_it_never_again(
    make_alert, make_person, run_tasks, settings
):
    people = [make_person(f"p{n}@example.org", f"Person {n}") for n in range(4)]
    settings.TOCSIN_ALERT_SENDERS = 1
    alert = make_alert()
    with serving_smtp(HangsUpOnce(2), settings) as server:
        services.send_now(alert)
        run_tasks()
        alert.refresh_from_db()
        assert alert.status == Alert.Status.PAUSED
        assert alert.stop_reason.startswith("The mail server closed the connection")
        assert states(alert) == {"sent": 1, "unknown": 1, "queued": 2}

        services.resume(alert)
        run_tasks()

    assert received_by(server) == {person.email: 1 for person in people}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert states(alert) == {"sent": 3, "unknown": 1}


class RefusesAnAddress(CollectingHandler):
    def __init__(self, address: str):
        super().__init__()
        self.address = address

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.address:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_address_fails_alone_and_its_error_does_not_repeat_the_address(
    make_alert, make_person, run_tasks, settings
):
    make_person("ana@example.org", "Ana")
    nobody = make_person("nobody@example.org", "Nobody")
    make_person("rosa@example.org", "Rosa")
    alert = make_alert()
    with serving_smtp(RefusesAnAddress("nobody@example.org"), settings) as server:
        services.send_now(alert)
        run_tasks()

    assert received_by(server) == {"ana@example.org": 1, "rosa@example.org": 1}
    failed = AlertRecipient.objects.get(alert=alert, supporter=nobody)
    assert failed.state == State.FAILED
    assert failed.error.startswith("550 5.1.1")
    assert "nobody@example.org" not in failed.error
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT


class CountsConnections(CollectingHandler):
    def __init__(self):
        super().__init__()
        self.by_connection: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        self.by_connection[session.peer] += 1
        return await super().handle_DATA(server, session, envelope)


def test_each_batch_goes_over_one_connection(make_alert, make_person, run_tasks, settings):
    settings.TOCSIN_ALERT_SENDERS = 1
    settings.TOCSIN_ALERT_BATCH = 3
    for n in range(7):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    with serving_smtp(CountsConnections(), settings) as server:
        services.send_now(alert)
        run_tasks()

    assert sorted(server.by_connection.values()) == [1, 3, 3]


@pytest.mark.parametrize("counted_in", ["memory", "redis"])
def test_the_rate_limit_holds_sending_to_the_minute_s_allowance(
    request, make_alert, make_person, smtp_server, run_tasks, settings, counted_in
):
    if counted_in == "redis":
        request.getfixturevalue("local_redis")
    settings.TOCSIN_ALERT_RATE_PER_MINUTE = 3
    settings.TOCSIN_ALERT_BATCH = 2
    settings.TOCSIN_ALERT_SLICE_SECONDS = 1
    for n in range(6):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    # The allowance is per minute of the clock: start well inside one.
    if time.time() % 60 > 55:
        time.sleep(sending.seconds_to_next_minute() + 0.1)

    services.send_now(alert)
    run_tasks()

    assert len(smtp_server.messages) == 3
    assert states(alert) == {"sent": 3, "queued": 3}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENDING
    # Each sender waits for the next minute as a task to run then, holding no worker.
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 2
    assert all(result.run_after > timezone.now() for result in waiting)


def test_claims_of_a_sender_that_died_become_unknown_and_everyone_else_gets_one_mail(
    make_alert, make_person, smtp_server, run_tasks, settings
):
    settings.TOCSIN_ALERT_BATCH = 2
    for n in range(5):
        make_person(f"p{n}@example.org", f"Person {n}")
    alert = make_alert()
    services.send_now(alert)
    # A sender claims a batch and is killed before marking it.
    _claim, held = sending.claim_batch(alert.pk, 2)
    run_tasks()

    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENDING  # the dead sender's claim is still young
    assert states(alert) == {"sent": 3, "claimed": 2}
    assert services.tick()["unknown"] == 0

    later = timezone.now() + datetime.timedelta(
        seconds=settings.TOCSIN_ALERT_CLAIM_LEASE_SECONDS + 1
    )
    report = services.tick(now=later)

    assert (report["unknown"], report["finished"]) == (2, 1)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert states(alert) == {"sent": 3, "unknown": 2}
    received = received_by(smtp_server)
    assert set(received.values()) == {1}
    assert not set(received) & {row.supporter.email for row in held}


def test_tick_gives_new_senders_to_an_alert_whose_senders_all_died(
    make_alert, make_person, smtp_server, run_tasks, settings
):
    people = [make_person(f"p{n}@example.org", f"Person {n}") for n in range(3)]
    alert = make_alert()
    services.send_now(alert)
    DBTaskResult.objects.all().delete()  # the sender tasks are lost with their worker

    assert services.tick()["revived"] == 0  # not yet: they may just be slow
    later = timezone.now() + datetime.timedelta(
        seconds=settings.TOCSIN_ALERT_CLAIM_LEASE_SECONDS + 1
    )
    assert services.tick(now=later)["revived"] == 1
    assert services.tick(now=later)["revived"] == 0  # a second tick adds no more
    run_tasks()

    assert received_by(smtp_server) == {person.email: 1 for person in people}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT


def test_a_scheduled_alert_starts_when_its_time_comes(
    make_alert, make_person, smtp_server, run_tasks
):
    make_person("ana@example.org", "Ana")
    alert = make_alert()
    with pytest.raises(services.AlertError, match="future"):
        services.schedule(alert, timezone.now() - datetime.timedelta(minutes=1))
    when = timezone.now() + datetime.timedelta(hours=1)
    services.schedule(alert, when)
    assert alert.status == Alert.Status.SCHEDULED

    assert services.tick()["started"] == 0
    run_tasks()
    assert smtp_server.messages == []

    assert services.tick(now=when)["started"] == 1
    run_tasks()
    assert received_by(smtp_server) == {"ana@example.org": 1}
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT


def test_a_scheduled_alert_that_can_no_longer_go_becomes_a_draft_saying_why(
    make_alert, make_person, run_tasks
):
    ana = make_person("ana@example.org", "Ana")
    alert = make_alert()
    when = timezone.now() + datetime.timedelta(hours=1)
    services.schedule(alert, when)
    Consent.objects.filter(supporter=ana).update(withdrawn_at=timezone.now())

    assert services.tick(now=when)["not_started"] == 1

    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT
    assert alert.stop_reason.startswith("Nobody matches")


def test_a_test_mail_goes_to_the_organizer_only_marked_and_counted_nowhere(
    make_alert, make_person, smtp_server
):
    rosa = make_person("rosa@example.org", "Rosa Díaz", language="es")
    alert = make_alert()

    services.send_test(alert, "organizer@example.org", supporter=rosa)
    services.send_test(alert, "organizer@example.org", language="en")
    with pytest.raises(services.AlertError, match="valid email"):
        services.send_test(alert, "not an address")

    spanish, sample = smtp_server.messages
    assert spanish["To"] == sample["To"] == "organizer@example.org"
    assert spanish["Subject"] == "[Test] Llama hoy a la senadora Baldwin"
    assert "Hola Rosa," in spanish.get_body(preferencelist=("plain",)).get_content()
    assert sample["Subject"] == "[Test] Call Senator Baldwin today"
    assert "".join(sample["List-Unsubscribe"].split()).startswith("<https://act.example.org/")
    assert not AlertRecipient.objects.exists()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DRAFT


def test_a_test_mail_to_a_server_that_is_down_says_so(make_alert, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    alert = make_alert()

    with pytest.raises(services.AlertError, match="did not take the test"):
        services.send_test(alert, "organizer@example.org")
