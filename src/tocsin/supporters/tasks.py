from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from tocsin.core.mail import deliver
from tocsin.core.translated import text_of

from .models import Supporter
from .services import confirm_path, same_address_consents, unsubscribe_path


def one_click_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 8058: mail clients show an Unsubscribe button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@task()
def send_welcome_mail(supporter_id: int, consent_ids: list[int], attempt: int = 1) -> None:
    """Ask a new supporter, in their language, to confirm with a button (pressing it is a
    POST, so a mail scanner opening the link confirms nothing), or thank them when their
    address is confirmed already; either way with a one-click way to stop. A failing mail
    server delays it (see tocsin.core.mail); each try checks again that they still agree."""
    supporter = Supporter.objects.filter(pk=supporter_id, erased_at__isnull=True).first()
    consents = list(
        same_address_consents(supporter_id)
        .open()
        .filter(pk__in=consent_ids)
        .select_related("organization", "campaign")
    )
    if supporter is None or not supporter.email or not consents:
        return  # erased or already unsubscribed before the mail went out
    organizations = [c.organization for c in consents]
    pending = [c.pk for c in consents if c.confirmed_at is None]
    unsubscribe_url = settings.TOCSIN_BASE_URL + unsubscribe_path(supporter, organizations)
    context = {
        "supporter": supporter,
        "organizations": organizations,
        "organization_names": ", ".join(o.name for o in organizations),
        "campaign": consents[0].campaign,
        "confirm_url": (
            settings.TOCSIN_BASE_URL + confirm_path(supporter, pending) if pending else ""
        ),
        "unsubscribe_url": unsubscribe_url,
        "base_url": settings.TOCSIN_BASE_URL,
    }
    # In the language they asked in (someone known in English may join from a Spanish page),
    # the campaign's title in it where written, else in the campaign's own language.
    latest = max(consents, key=lambda consent: consent.given_at)
    language = latest.language or supporter.language or settings.LANGUAGE_CODE
    campaign = context["campaign"]
    with translation.override(language):
        if campaign is not None:
            context["campaign_title"] = text_of(campaign, "title", campaign.language).value
        subject = render_to_string("supporters/mail/welcome_subject.txt", context).strip()
        body = render_to_string("supporters/mail/welcome.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[supporter.email],
        headers=one_click_headers(unsubscribe_url),
    )
    deliver(
        message,
        task=send_welcome_mail,
        args=[supporter_id, consent_ids],
        attempt=attempt,
        what=f"welcome mail for supporter {supporter_id}",
    )


@task()
def run_people_import(import_id: int) -> None:
    """A big CSV import, checked and applied by the worker; safe to run twice (it runs only
    while the import is waiting, and applying a file twice changes nothing)."""
    from .imports import run_import
    from .models import PeopleImport

    people_import = PeopleImport.objects.filter(pk=import_id).select_related("organization")
    if people_import := people_import.first():
        run_import(people_import)
