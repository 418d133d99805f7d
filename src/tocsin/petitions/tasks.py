from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from tocsin.core.mail import deliver
from tocsin.core.translated import fallback_language_of, text_of
from tocsin.supporters.services import unsubscribe_link_for
from tocsin.supporters.tasks import one_click_headers

from .models import Signature
from .services import confirmation_token


@task()
def send_confirmation(signature_id: int, attempt: int = 1) -> None:
    """The mail links to a page with a Confirm button: opening the link confirms nothing.

    A failing mail server delays the mail: `deliver` enqueues a retry with backoff.
    """
    signature = (
        Signature.objects.select_related("petition__campaign")
        .filter(pk=signature_id, confirmed_at__isnull=True)
        .first()
    )
    if signature is None:
        return  # confirmed or expired before the mail went out
    if (
        signature.mail_sent_at
        and signature.mailed_at
        and signature.mail_sent_at >= signature.mailed_at
    ):
        return  # sent already, by a run of this task whose worker died before recording it
    url = settings.TOCSIN_BASE_URL + reverse(
        "petitions:confirm", kwargs={"token": confirmation_token(signature)}
    )
    # A signer who ticked a consent gets a one-click way to withdraw it in this mail already.
    unsubscribe = unsubscribe_link_for(signature)
    context = {
        "signature": signature,
        "petition": signature.petition,
        "confirm_url": url,
        "unsubscribe_url": unsubscribe.url if unsubscribe else "",
        "consent_names": unsubscribe.organization_names if unsubscribe else "",
    }
    # In the language the person signed in; the petition's title in it where written, else
    # in the campaign's own language.
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        context["petition_title"] = text_of(
            signature.petition, "title", fallback_language_of(signature.petition)
        ).value
        subject = render_to_string("petitions/mail/confirm_subject.txt", context).strip()
        body = render_to_string("petitions/mail/confirm.txt", context)
    headers = one_click_headers(unsubscribe.url) if unsubscribe else {}
    deliver(
        EmailMultiAlternatives(subject=subject, body=body, to=[signature.email], headers=headers),
        task=send_confirmation,
        args=[signature_id],
        attempt=attempt,
        what=f"confirmation for signature {signature_id}",
        # Recorded before saying goodbye to the mail server: a worker killed after the server
        # took the mail and before the record would send it again when the task is recovered.
        on_sent=lambda: Signature.objects.filter(pk=signature_id).update(
            mail_sent_at=timezone.now()
        ),
    )
