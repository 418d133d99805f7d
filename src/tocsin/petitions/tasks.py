from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Signature
from .services import confirmation_token


@task()
def send_confirmation(signature_id: int) -> None:
    """The mail links to a page with a Confirm button: opening the link confirms nothing."""
    signature = (
        Signature.objects.select_related("petition__campaign")
        .filter(pk=signature_id, confirmed_at__isnull=True)
        .first()
    )
    if signature is None:
        return  # confirmed or expired before the mail went out
    url = settings.TOCSIN_BASE_URL + reverse(
        "petitions:confirm", kwargs={"token": confirmation_token(signature)}
    )
    context = {"signature": signature, "petition": signature.petition, "confirm_url": url}
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        subject = render_to_string("petitions/mail/confirm_subject.txt", context).strip()
        body = render_to_string("petitions/mail/confirm.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[signature.email]).send()
