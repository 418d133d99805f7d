from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization


class Chamber(models.TextChoices):
    SENATE = "senate", _("Senate")
    HOUSE = "house", _("House of Representatives")


class TargetQuerySet(models.QuerySet):
    def active(self) -> "TargetQuerySet":
        return self.filter(is_active=True)

    def legislators(self) -> "TargetQuerySet":
        return self.filter(kind=Target.Kind.LEGISLATOR)

    def senators_for(self, state: str) -> "TargetQuerySet":
        return (
            self.active()
            .legislators()
            .filter(chamber=Chamber.SENATE, state=state)
            .order_by("-senate_rank", "name")
        )

    def house_members_for(self, state: str, district: int) -> "TargetQuerySet":
        return (
            self.active()
            .legislators()
            .filter(chamber=Chamber.HOUSE, state=state, district=district)
        )

    def visible_to(self, user) -> "TargetQuerySet":
        """Members of Congress are public; custom targets belong to their organization."""
        organizations = Organization.objects.for_user(user)
        return self.filter(
            models.Q(organization__isnull=True) | models.Q(organization__in=organizations)
        )

    def with_contact_details(self) -> "TargetQuerySet":
        return self.prefetch_related(
            models.Prefetch("offices", queryset=Office.objects.shown()),
            "social_accounts",
        )


class Target(models.Model):
    """Someone a campaign asks supporters to contact: a member of Congress or a custom target."""

    class Kind(models.TextChoices):
        LEGISLATOR = "legislator", _("Member of Congress")
        CUSTOM = "custom", _("Custom target")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_targets",
        help_text=_("Custom targets belong to the organization that created them."),
    )
    bioguide_id = models.CharField(
        _("Bioguide ID"), max_length=10, unique=True, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("e.g. Senator, Representative, Desk")
    )
    chamber = models.CharField(_("chamber"), max_length=10, choices=Chamber.choices, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True, db_index=True)
    district = models.PositiveSmallIntegerField(
        _("district"), null=True, blank=True, help_text=_("0 for at-large seats and delegates")
    )
    senate_rank = models.CharField(_("senate rank"), max_length=10, blank=True)
    party = models.CharField(_("party"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_form_url = models.URLField(_("contact form"), blank=True, max_length=500)
    website = models.URLField(_("website"), blank=True, max_length=500)
    photo_url = models.URLField(_("photo URL"), blank=True, max_length=500)
    is_active = models.BooleanField(
        _("in office"), default=True, help_text=_("Members who left Congress are kept, inactive.")
    )
    synced_at = models.DateTimeField(_("last synced"), null=True, blank=True, editable=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["chamber", "state", "district"])]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        if self.kind == self.Kind.LEGISLATOR:
            return f"{self.title} {self.name} ({self.seat_label})".strip()
        return f"{self.title} {self.name}".strip() if self.title else self.name

    @property
    def seat_label(self) -> str:
        """WI, WI-2 or DC (delegates and at-large seats have no number)."""
        if self.chamber == Chamber.HOUSE and self.district:
            return f"{self.state}-{self.district}"
        return self.state

    @property
    def party_initial(self) -> str:
        return self.party[:1].upper()

    @property
    def portrait_url(self) -> str:
        if self.photo_url:
            return self.photo_url
        template = settings.TOCSIN_PHOTO_URL_TEMPLATE
        if template and self.bioguide_id:
            return template.format(bioguide=self.bioguide_id)
        return ""

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace(".", " ").split() if p[:1].isalpha()]
        if not parts:
            return "?"
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


class OfficeQuerySet(models.QuerySet):
    def shown(self) -> "OfficeQuerySet":
        return self.filter(is_active=True, hidden=False).order_by("position", "city", "pk")


class Office(models.Model):
    class Kind(models.TextChoices):
        WASHINGTON = "washington", _("Washington office")
        DISTRICT = "district", _("District office")
        MAIN = "main", _("Main office")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="offices")
    source_key = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Identifies an office that came from the public dataset.",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MAIN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = models.CharField(_("phone (from data)"), max_length=40, blank=True)
    phone_override = models.CharField(
        _("corrected phone"),
        max_length=40,
        blank=True,
        help_text=_("Used instead of the data's number; syncing never changes it."),
    )
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hide this office from supporters.")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    is_active = models.BooleanField(
        _("still listed"), default=True, help_text=_("False once the dataset no longer lists it.")
    )

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "city", "pk"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return f"{self.target.name}: {self.label}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.WASHINGTON:
            return str(_("Washington, DC"))
        return self.city or self.get_kind_display()

    @property
    def effective_phone(self) -> str:
        return self.phone_override or self.phone

    @property
    def tel_uri(self) -> str:
        digits = "".join(ch for ch in self.effective_phone if ch.isdigit() or ch == "+")
        if not digits:
            return ""
        if not digits.startswith("+") and len(digits) == 10:
            digits = "+1" + digits
        return f"tel:{digits}"


class SocialAccount(models.Model):
    class Network(models.TextChoices):
        X = "x", "X (Twitter)"
        BLUESKY = "bluesky", "Bluesky"
        MASTODON = "mastodon", "Mastodon"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        YOUTUBE = "youtube", "YouTube"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="social_accounts")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    handle = models.CharField(_("handle"), max_length=200)
    from_dataset = models.BooleanField(
        default=False, editable=False, help_text="Synced accounts are replaced on every sync."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "network"], name="one_account_per_network")
        ]
        ordering = ["network"]
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.handle}"
