import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user) -> "OrganizationQuerySet":
        """The organizations a back-office user may act for (all of them for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.CharField(_("one-line description"), max_length=300, blank=True)
    consent_wording = models.TextField(
        _("consent wording"),
        blank=True,
        help_text=_(
            "What supporters agree to when they tick this group's box. "
            "Leave empty for the standard wording."
        ),
    )
    # Action alerts go out from the installation's address under this name, with replies to
    # this address (each alert may say otherwise).
    mail_from_name = models.CharField(
        _("alerts' sender name"),
        max_length=100,
        blank=True,
        default="",
        # Set in the database too, so code that knows nothing of the column (an older
        # migration's view of the table) can still add organizations.
        db_default="",
        help_text=_("Leave empty to use the organization's name."),
    )
    mail_reply_to = models.EmailField(
        _("alerts' reply-to address"), blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    CAMPAIGNER = "campaigner", _("campaigner")
    VOLUNTEER = "volunteer", _("volunteer")


class MembershipQuerySet(models.QuerySet):
    def role_of(self, user, organization) -> str | None:
        """The user's role in this organization, None when they are not a member. Django's
        permissions are one set per user, so a page that acts for one organization asks here
        (or `scoping.may`) what this user may do in that one."""
        if not user.is_authenticated or not user.is_active:
            return None
        return (
            self.filter(user=user, organization=organization).values_list("role", flat=True).first()
        )


class Membership(models.Model):
    """An organizer's seat in an organization: what they may see and edit in the back office."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CAMPAIGNER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")
        ]
        # Volunteers check people in at the door without seeing the RSVP lists themselves.
        permissions = [("check_in_membership", _("Can check people in at the door"))]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


INVITATION_DAYS = 7
INVITATION_HMAC_SALT = "tocsin.organizations.invitation"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_hex(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An owner's invitation to a colleague, accepted once through the link in its mail.

    The link's token is never stored: it is derived from `secret` with the installation's
    SECRET_KEY (so the mail task can rebuild it), and looked up by its hash. A copy of the
    database alone opens no invitation.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    def save(self, *args, **kwargs):
        self.token_hash = hash_token(self.token)
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        return salted_hmac(INVITATION_HMAC_SALT, self.secret, algorithm="sha256").hexdigest()

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class UserSession(models.Model):
    """What a signed-in session was opened from, so its owner can recognise and end it. The
    session itself is Django's (its row goes when it ends); this row is forgotten with it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.signed_in_at:%Y-%m-%d %H:%M})"
