from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from tocsin.core.mail import deliver

from .models import Invitation


@task()
def send_invitation(invitation_id: int, attempt: int = 1) -> None:
    """The link's token is rebuilt here from the invitation's secret, never queued in
    clear. An invitation revoked, accepted or expired before the mail goes out sends nothing."""
    invitation = (
        Invitation.objects.pending()
        .filter(pk=invitation_id)
        .select_related("organization", "invited_by")
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "url": settings.TOCSIN_BASE_URL
        + reverse("organizations:join", kwargs={"token": invitation.token}),
    }
    subject = render_to_string("organizations/mail/invitation_subject.txt", context).strip()
    body = render_to_string("organizations/mail/invitation.txt", context)
    deliver(
        EmailMultiAlternatives(subject=subject, body=body, to=[invitation.email]),
        task=send_invitation,
        args=[invitation_id],
        attempt=attempt,
        what=f"invitation {invitation_id}",
    )
