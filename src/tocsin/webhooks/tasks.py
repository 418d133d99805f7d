from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from tocsin.core.mail import deliver as deliver_mail

from . import services
from .models import Endpoint


@task()
def deliver(delivery_id: int) -> None:
    """One try of one delivery, if it is due; safe to run twice (the try is claimed)."""
    services.attempt(delivery_id)


@task()
def send_disabled_notice(endpoint_id: int, attempt: int = 1) -> None:
    """Tell the organization's owners that an endpoint was disabled after failing for days."""
    endpoint = Endpoint.objects.select_related("organization").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.is_active:
        return  # deleted, or enabled again meanwhile
    addresses = services.owners_addresses(endpoint.organization)
    if not addresses:
        return
    context = {
        "endpoint": endpoint,
        "organization": endpoint.organization,
        "page_url": settings.TOCSIN_BASE_URL + reverse("webhooks:detail", args=[endpoint.pk]),
    }
    subject = render_to_string("webhooks/mail/disabled_subject.txt", context).strip()
    body = render_to_string("webhooks/mail/disabled.txt", context)
    deliver_mail(
        EmailMultiAlternatives(subject=subject, body=body, to=addresses),
        task=send_disabled_notice,
        args=[endpoint_id],
        attempt=attempt,
        what=f"webhook endpoint {endpoint_id} disabled",
    )
