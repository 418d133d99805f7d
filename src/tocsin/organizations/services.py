"""Colleagues: invitations, roles, removal, and the sessions a user has open.

Each write is one transaction. An invitation is accepted with a conditional update, so a
double click or a second use of the link joins nobody twice; the last owner of an
organization can be neither demoted nor removed (checked with the organization's row locked,
so two owners demoting each other at once leave one).
"""

import datetime
import enum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocsin.core.emails import normalize_email
from tocsin.core.http import client_ip

from .models import (
    INVITATION_DAYS,
    Invitation,
    Membership,
    Organization,
    Role,
    UserSession,
    hash_token,
)
from .roles import ROLE_GROUPS


class Refused(Exception):
    """A change the rules do not allow; its message is for the organizer."""


# ------------------------------------------------------------------ groups follow roles


def sync_groups(user) -> None:
    """Give the user the groups of the roles they hold in any organization, and take away
    the other roles' groups; groups that are not a role's are left alone."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    role_groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUPS.values())}
    wanted = {ROLE_GROUPS[role] for role in roles}
    for name in wanted - role_groups.keys():
        role_groups[name] = Group.objects.create(name=name)
    user.groups.remove(*(g for name, g in role_groups.items() if name not in wanted))
    user.groups.add(*(role_groups[name] for name in wanted))


def membership_changed(sender, instance: Membership, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is not None:
        sync_groups(user)


# ------------------------------------------------------------------ roles and members


def _owners_locked(organization: Organization) -> int:
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    return Membership.objects.filter(organization=organization, role=Role.OWNER).count()


def change_role(membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise Refused(_("Choose one of the roles offered."))
    with transaction.atomic():
        owners = _owners_locked(membership.organization)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.OWNER and role != Role.OWNER and owners <= 1:
            raise Refused(
                _("%(name)s is the last owner: make someone else an owner first.")
                % {"name": membership.user.get_username()}
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(membership: Membership) -> None:
    with transaction.atomic():
        owners = _owners_locked(membership.organization)
        membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if membership is None:
            return  # removed already: a second click changes nothing
        if membership.role == Role.OWNER and owners <= 1:
            raise Refused(
                _("%(name)s is the last owner and cannot be removed.")
                % {"name": membership.user.get_username()}
            )
        membership.delete()


# ------------------------------------------------------------------ invitations


def invite(organization: Organization, email: str, role: str, invited_by) -> Invitation:
    """One open invitation per address: a second submission (or a repeat while the first
    is still open) returns the first, and mails nothing more."""
    from .tasks import send_invitation

    address = normalize_email(email)
    if role not in Role.values:
        raise Refused(_("Choose one of the roles offered."))
    if any(
        normalize_email(m.user.email) == address
        for m in organization.memberships.select_related("user")
        if m.user.email
    ):
        raise Refused(_("%(email)s is already a member.") % {"email": email})
    now = timezone.now()
    with transaction.atomic():
        # An expired invitation to the address makes way for a new one.
        organization.invitations.filter(
            email=address, accepted_at__isnull=True, expires_at__lte=now
        ).delete()
        open_one = organization.invitations.filter(email=address, accepted_at__isnull=True)
        if existing := open_one.first():
            return existing
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    organization=organization,
                    email=address,
                    role=role,
                    invited_by=invited_by,
                    expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
                )
        except IntegrityError:
            return open_one.get()
        send_invitation.enqueue(invitation.pk)
    return invitation


def revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


class State(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def find_invitation(token: str) -> tuple[State, Invitation | None]:
    if not token or len(token) > 100:
        return State.UNKNOWN, None
    invitation = (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("organization")
        .first()
    )
    if invitation is None:
        return State.UNKNOWN, None
    if invitation.accepted_at is not None:
        return State.USED, invitation
    if invitation.expired:
        return State.EXPIRED, invitation
    return State.OPEN, invitation


def accept(invitation: Invitation, user=None, *, username: str = "", password: str = ""):
    """`user` (signed in with the invitation's address) joins, or a new account is made for
    the address with `password`. None when the invitation was used, revoked or expired
    meanwhile: then nothing changes."""
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if not claimed:
            return None
        if user is None:
            user = User(username=username, email=invitation.email, is_staff=True)
            user.set_password(password)
            user.save()
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        Membership.objects.get_or_create(
            organization=invitation.organization, user=user, defaults={"role": invitation.role}
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user


def export_invitations(address: str, organizations) -> list[dict]:
    invitations = Invitation.objects.filter(email=address)
    if organizations is not None:
        invitations = invitations.filter(organization__in=organizations)
    return [
        {
            "organization": i.organization.name,
            "email": i.email,
            "role": i.role,
            "created_at": i.created_at.isoformat(),
            "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
        }
        for i in invitations.select_related("organization")
    ]


def erase_invitations(address: str, organizations) -> int:
    invitations = Invitation.objects.filter(email=address)
    if organizations is not None:
        invitations = invitations.filter(organization__in=organizations)
    deleted, _by_model = invitations.delete()
    return deleted


# ------------------------------------------------------------------ sessions


def record_session(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    address = client_ip(request) or None
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip_address": address,
        },
    )


def open_sessions(user) -> list[UserSession]:
    """The user's sessions still open; rows of sessions that ended meanwhile are forgotten."""
    rows = list(UserSession.objects.filter(user=user))
    alive = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    UserSession.objects.filter(pk__in=[r.pk for r in rows if r.session_key not in alive]).delete()
    return [r for r in rows if r.session_key in alive]


def end_session(user, session_id: int) -> bool:
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    with transaction.atomic():
        Session.objects.filter(session_key=row.session_key).delete()
        row.delete()
    return True


def end_every_session(user) -> int:
    with transaction.atomic():
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        ended, _by_model = UserSession.objects.filter(user=user).delete()
    return ended
