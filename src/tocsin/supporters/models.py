from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization


class SupporterQuerySet(models.QuerySet):
    def for_organizer(self, user) -> "SupporterQuerySet":
        """Supporters who gave consent to one of the user's organizations (current or withdrawn)."""
        organizations = Organization.objects.for_user(user)
        return self.filter(consents__organization__in=organizations).distinct()


class Supporter(models.Model):
    """A person who asked to hear from one or more organizations. Kept to the minimum."""

    email = models.EmailField(_("email"), max_length=254, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    postcode = models.CharField(_("ZIP or postcode"), max_length=12, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("erase_supporter", _("Can erase a supporter's personal data"))]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self) -> str:
        if self.erased_at:
            return str(_("Erased supporter #%(id)s") % {"id": self.pk})
        return self.name or self.email or f"#{self.pk}"


class ConsentQuerySet(models.QuerySet):
    def current(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """Permission to contact a supporter, given to one organization, with the wording shown."""

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consents"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
    )
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=10)
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            # One current consent per supporter and organization; history stays as withdrawn rows.
            models.UniqueConstraint(
                fields=["supporter", "organization"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_consent",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.organization}: {self.given_at:%Y-%m-%d}"
