from django.conf import settings
from django.db import models
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


class Membership(models.Model):
    """An organizer's seat in an organization: what they may see and edit in the back office."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"
