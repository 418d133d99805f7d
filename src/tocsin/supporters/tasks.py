from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Consent, Supporter
from .services import unsubscribe_path


@task()
def send_welcome_mail(supporter_id: int, consent_ids: list[int]) -> None:
    """Thank a new supporter, in their language, with a one-click way to stop."""
    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True).first()
    consents = list(
        Consent.objects.current()
        .filter(pk__in=consent_ids, supporter_id=supporter_id)
        .select_related("organization", "campaign")
    )
    if supporter is None or not supporter.email or not consents:
        return  # erased or already unsubscribed before the mail went out
    organizations = [c.organization for c in consents]
    unsubscribe_url = settings.TOCSIN_BASE_URL + unsubscribe_path(supporter, organizations)
    context = {
        "supporter": supporter,
        "organizations": organizations,
        "organization_names": ", ".join(o.name for o in organizations),
        "campaign": consents[0].campaign,
        "unsubscribe_url": unsubscribe_url,
        "base_url": settings.TOCSIN_BASE_URL,
    }
    with translation.override(supporter.language or settings.LANGUAGE_CODE):
        subject = render_to_string("supporters/mail/welcome_subject.txt", context).strip()
        body = render_to_string("supporters/mail/welcome.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[supporter.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
