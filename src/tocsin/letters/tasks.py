"""The mail of the write action: the supporter's confirmation, each letter to its target,
the daily digests, and the organizer's notice of a bad address.

Every task is safe to run twice (the worker recovers tasks whose worker died): each checks
the rows still want the mail, and records it sent before saying goodbye to the mail server.
"""

import logging
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from tocsin.core.mail import deliver
from tocsin.core.translated import fallback_language_of, text_of
from tocsin.organizations.models import Organization

from .models import BadAddress, Letter
from .services import confirmation_token, reply_to_of, sender_address

logger = logging.getLogger(__name__)


def site_domain() -> str:
    return urlsplit(settings.TOCSIN_BASE_URL).hostname or "localhost"


def confirm_url(token: str) -> str:
    """The page with the button (letterpages' view, named "letters:confirm")."""
    return settings.TOCSIN_BASE_URL + reverse("letters:confirm", kwargs={"token": token})


def sent_message_id(message: EmailMessage, own_id: str) -> str:
    """The provider's own id when sent through one (its tracking events name it), else the
    Message-ID we set."""
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status is not None else None
    if isinstance(provider_id, set | frozenset):
        provider_id = next(iter(provider_id)) if len(provider_id) == 1 else None
    return str(provider_id)[:255] if provider_id else own_id


def _headers(language: str) -> tuple[str, dict]:
    message_id = make_msgid(domain=site_domain())
    return message_id, {
        "Message-ID": message_id,
        "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        "Content-Language": language or settings.LANGUAGE_CODE,
    }


@task()
def send_confirmation(submission: str, attempt: int = 1) -> None:
    """One mail for the whole submission, with a link to a page with a Send button: opening
    the link sends nothing."""
    letters = list(
        Letter.objects.select_related("action__campaign__organization", "target")
        .filter(submission=submission, state=Letter.State.AWAITING)
        .order_by("pk")
    )
    if not letters:
        return  # confirmed or forgotten before the mail went out
    first = letters[0]
    action = first.action
    with translation.override(first.language or settings.LANGUAGE_CODE):
        context = {
            "letters": letters,
            "name": first.name,
            "action_title": text_of(action, "title", fallback_language_of(action)).value,
            "organization": action.campaign.organization.name,
            "confirm_url": confirm_url(confirmation_token(submission)),
        }
        subject = render_to_string("letters/email/confirm_subject.txt", context).strip()
        body = render_to_string("letters/email/confirm.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=sender_address(action.campaign.organization),
        to=[first.email],
    )
    deliver(
        message,
        task=send_confirmation,
        args=[submission],
        attempt=attempt,
        what=f"letter confirmation for submission {submission}",
    )


@task()
def send_letter(letter_id: int, attempt: int = 1) -> None:
    """The letter to its target, from the organization's name at the installation's address,
    with the supporter as Reply-To, so the office answers them."""
    letter = (
        Letter.objects.select_related("action__campaign__organization", "target")
        .filter(pk=letter_id, state=Letter.State.QUEUED, sent_at__isnull=True)
        .first()
    )
    if letter is None:
        return  # sent already, or an organizer stopped it meanwhile
    target = letter.target
    if (
        not target.email
        or BadAddress.objects.filter(target=target, address__iexact=target.email).exists()
    ):
        # The address went bad (or away) between confirming and sending.
        Letter.objects.filter(pk=letter_id, state=Letter.State.QUEUED).update(
            state=Letter.State.BUNDLED, method=Letter.Method.BUNDLE
        )
        return
    own_id, headers = _headers(letter.language)
    message = EmailMessage(
        subject=" ".join(letter.subject.split()),
        body=letter.body,
        from_email=sender_address(letter.action.campaign.organization),
        to=[target.email],
        reply_to=[reply_to_of(letter)],
        headers=headers,
    )

    def record_sent():
        Letter.objects.filter(pk=letter_id, state=Letter.State.QUEUED).update(
            state=Letter.State.SENT,
            sent_at=timezone.now(),
            message_id=sent_message_id(message, own_id),
        )

    deliver(
        message,
        task=send_letter,
        args=[letter_id],
        attempt=attempt,
        what=f"letter {letter_id}",
        on_sent=record_sent,
    )


@task()
def send_digest(target_id: int, organization_id: int, attempt: int = 1) -> None:
    """The letters to one office that waited over the daily cap, as one mail. Each letter
    names its writer's address, since one mail cannot reply to them all."""
    letters = list(
        Letter.objects.select_related("action__campaign", "target")
        .filter(
            target_id=target_id,
            action__campaign__organization_id=organization_id,
            state=Letter.State.IN_DIGEST,
        )
        .order_by("confirmed_at", "pk")
    )
    if not letters:
        return
    target = letters[0].target
    organization = Organization.objects.get(pk=organization_id)
    if (
        not target.email
        or BadAddress.objects.filter(target=target, address__iexact=target.email).exists()
    ):
        Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
            state=Letter.State.BUNDLED, method=Letter.Method.BUNDLE
        )
        return
    language = letters[0].action.campaign.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "letters": letters,
            "target": target,
            "organization": organization.name,
            "count": len(letters),
            "campaigns": sorted({letter.action.campaign.title for letter in letters}),
        }
        subject = render_to_string("letters/email/digest_subject.txt", context).strip()
        body = render_to_string("letters/email/digest.txt", context)
    own_id, headers = _headers(language)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=sender_address(organization),
        to=[target.email],
        reply_to=[organization.mail_reply_to] if organization.mail_reply_to else None,
        headers=headers,
    )
    ids = [letter.pk for letter in letters]

    def record_sent():
        Letter.objects.filter(pk__in=ids, state=Letter.State.IN_DIGEST).update(
            state=Letter.State.SENT,
            sent_at=timezone.now(),
            message_id=sent_message_id(message, own_id),
        )

    deliver(
        message,
        task=send_digest,
        args=[target_id, organization_id],
        attempt=attempt,
        what=f"letters digest for target {target_id}",
        on_sent=record_sent,
    )


@task()
def tell_organizer_of_bad_address(bad_address_id: int, organization_id: int, attempt: int = 1):
    """A target's address bounced: the organization hears of it at its reply-to address (the
    back office lists bad addresses either way)."""
    mark = BadAddress.objects.select_related("target").filter(pk=bad_address_id).first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if mark is None or organization is None or not organization.mail_reply_to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "target": mark.target,
            "address": mark.address,
            "reason": mark.reason,
            "organization": organization.name,
            "admin_url": settings.TOCSIN_BASE_URL + reverse("admin:letters_badaddress_changelist"),
        }
        subject = gettext("A target's email address bounced: %(target)s") % {
            "target": mark.target.name
        }
        body = render_to_string("letters/email/bad_address.txt", context)
    deliver(
        EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=sender_address(organization),
            to=[organization.mail_reply_to],
        ),
        task=tell_organizer_of_bad_address,
        args=[bad_address_id, organization_id],
        attempt=attempt,
        what=f"bad address notice {bad_address_id}",
    )
