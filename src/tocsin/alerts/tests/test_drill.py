"""The alert drill: an alert to a few thousand people sent by two real `tocsin worker`
processes through a real mail server on loopback, one worker killed with SIGKILL in the middle
of a send and a new one started, as a process supervisor would. Afterwards nobody got two
mails, and sent + unknown + failed adds up to the audience.

Run it alone with `pytest src/tocsin/alerts -k drill`.
"""

import os
import time

import pytest
from django.db import connection

from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.alerts.tests import drill
from tocsin.campaigns.factories import CampaignFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="the drill reads /proc"),
]

PEOPLE = 3_000
BATCH = 20
# Short, so the killed worker's rows are declared unknown within the drill; still well over
# the time a live worker takes to send and record one batch.
LEASE_SECONDS = 5
# The kill lands once this many mails arrived: well inside the send, with most still to go.
KILL_AFTER = PEOPLE // 4
# Guards against a hang, not a target: a quiet machine takes a fraction of this.
DRILL_SECONDS = 180


def an_alert(organization, campaign) -> Alert:
    return Alert.objects.create(
        organization=organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.JOIN,
        action_id=campaign.pk,
        subject_en="Call Senator Baldwin today",
        body_en="{first_name}, one call today tells her Wisconsin is watching.",
        button_label_en="Join us",
        subject_es="Llame hoy a la senadora Baldwin",
        body_es="{first_name}, una llamada hoy le dice que Wisconsin la observa.",
        button_label_es="Únase",
        from_name="Drill",
    )


def test_drill_a_worker_killed_mid_send_sends_nobody_twice(tmp_path):
    from tocsin.alerts import services  # the engine; imported here so collection never fails

    campaign = CampaignFactory()
    addresses = set(drill.add_people(campaign.organization, PEOPLE))
    alert = an_alert(campaign.organization, campaign)
    sink = drill.CountingSink(delay=0.001)  # a mail server that takes a moment to answer
    with drill.serving(sink) as smtp_port:
        workers = drill.Workers(
            tmp_path,
            drill.worker_environment(
                tmp_path,
                smtp_port,
                TOCSIN_ALERT_BATCH=BATCH,
                TOCSIN_ALERT_CLAIM_LEASE_SECONDS=LEASE_SECONDS,
                TOCSIN_ALERT_SLICE_SECONDS=3,
                TOCSIN_ALERT_SENDERS=2,
                TOCSIN_ALERT_RATE_PER_MINUTE=0,
            ),
        )

        def workers_alive() -> None:
            if not workers.running():
                pytest.fail("every worker exited:\n" + workers.logs())

        try:
            workers.start()
            workers.start()
            started = time.monotonic()
            assert services.send_now(alert) == PEOPLE

            arrived = drill.wait_for(
                lambda: sink.received >= KILL_AFTER, DRILL_SECONDS, failing=workers_alive
            )
            assert arrived, f"only {sink.received} mails arrived:\n{workers.logs()}"
            # Every message now waits for its answer: whoever sent one is mid-batch.
            sink.hold()
            assert drill.wait_for(lambda: sink.held_peers, 10), "no worker was sending"
            client_port = sink.held_peers[0][1]
            victim_pid = drill.owner_of_connection(
                client_port, smtp_port, [p.pid for p in workers.running()]
            )
            assert victim_pid, "could not tell which worker was sending"
            victim = next(p for p in workers.processes if p.pid == victim_pid)
            workers.kill(victim)
            sink.release()
            workers.start()  # its replacement

            def finished() -> bool:
                alert.refresh_from_db()
                return alert.status == Alert.Status.SENT

            done = drill.wait_for(finished, DRILL_SECONDS, every=0.25, failing=workers_alive)
            took = time.monotonic() - started
            recipients = AlertRecipient.objects.filter(alert=alert)
            counts = recipients.counts()
            assert done, f"the alert is {alert.status} ({alert.stop_reason}), {counts}\n" + (
                workers.logs()
            )
        finally:
            workers.stop_all()

    unknown_ids = list(
        recipients.filter(state=AlertRecipient.State.UNKNOWN).values_list("pk", flat=True)
    )
    print(
        f"drill on {connection.vendor}: {PEOPLE} people, batch {BATCH}, {took:.1f} s; "
        f"{sink.received} mails arrived; {counts}; unknown recipients (ids): {unknown_ids}"
    )

    # Nobody received two mails, and nobody outside the audience received one.
    assert sink.duplicates() == {}
    assert set(sink.counts) <= addresses
    # Every recipient is accounted for: the audience at send time, sent or not sure.
    assert alert.audience_count == counts["total"] == PEOPLE
    assert counts["sent"] + counts["unknown"] + counts["failed"] == PEOPLE
    assert counts["queued"] == counts["claimed"] == counts["skipped"] == counts["cancelled"] == 0
    assert counts["failed"] == 0  # the mail server took everything
    # The killed worker was caught holding one batch at most: its rows are the unknown ones.
    assert 1 <= counts["unknown"] <= BATCH
    assert len(unknown_ids) == counts["unknown"]

    # Every row marked sent was received exactly once; a row marked unknown at most once;
    # and every mail that arrived belongs to one of those rows.
    sent = set(
        recipients.filter(state=AlertRecipient.State.SENT).values_list(
            "supporter__email", flat=True
        )
    )
    unknown = set(
        recipients.filter(state=AlertRecipient.State.UNKNOWN).values_list(
            "supporter__email", flat=True
        )
    )
    assert len(sent) == counts["sent"]
    assert all(sink.counts[address] == 1 for address in sent)
    assert all(sink.counts[address] <= 1 for address in unknown)
    assert set(sink.counts) <= sent | unknown
    # The mail the killed worker had in hand when it died arrived, but its row could not be
    # marked: it is among the unknown, not re-sent.
    assert unknown & set(sink.counts)
    assert sink.received == sum(sink.counts.values()) == len(sent) + len(unknown & set(sink.counts))
