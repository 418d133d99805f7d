from django_tasks import task

from . import sending

# Behind confirmations, receipts and the scheduled jobs (priority 0 and above): an alert to
# many thousands must not keep a signer waiting for their confirmation.
SENDING_PRIORITY = -10


@task(priority=SENDING_PRIORITY)
def send_alert_slice(alert_id: int) -> dict:
    """Send the alert's batches for TOCSIN_ALERT_SLICE_SECONDS, then hand the worker back
    and queue the continuation (at the next minute when the rate is used up). Safe to run
    twice, or many at once: each batch is claimed before it is sent."""
    end = sending.send_slice(alert_id)
    if end.why == "more":
        send_alert_slice.enqueue(alert_id)
    elif end.why == "wait":
        send_alert_slice.using(run_after=end.resume_at).enqueue(alert_id)
    return {"why": end.why, "sent": end.sent}
