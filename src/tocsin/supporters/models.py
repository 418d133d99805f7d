from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization


class SupporterQuerySet(models.QuerySet):
    def for_organizer(self, user) -> "SupporterQuerySet":
        """Supporters who confirmed a consent to one of the user's organizations (current or
        withdrawn since). An address typed into a join form is nobody's supporter until its
        owner confirms it."""
        organizations = Organization.objects.for_user(user)
        return self.filter(
            consents__organization__in=organizations, consents__confirmed_at__isnull=False
        ).distinct()


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
        """Confirmed by the address's owner and not withdrawn: the only consents mail may
        rely on."""
        return self.filter(withdrawn_at__isnull=True, confirmed_at__isnull=False)

    def pending(self) -> "ConsentQuerySet":
        """Given through a form, waiting for the address's owner to confirm it."""
        return self.filter(withdrawn_at__isnull=True, confirmed_at__isnull=True)

    def open(self) -> "ConsentQuerySet":
        """Current or pending: what an unsubscribe withdraws."""
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """Permission to contact a supporter, given to one organization, with the wording shown.

    Given through a form, it is pending (`confirmed_at` empty) until the address's owner
    presses the button in the mail sent to it: whoever typed the address may not be its owner.
    """

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
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            # One open (pending or current) consent per supporter and organization; history
            # stays as withdrawn rows.
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
