import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tocsin.organizations.models import Organization


class Chamber(models.TextChoices):
    SENATE = "senate", _("Senate")
    HOUSE = "house", _("House of Representatives")
    COMMONS = "commons", _("House of Commons")


# The parties of the legislators dataset (its spelling), named in the reader's language.
PARTY_NAMES = {
    "Democrat": pgettext_lazy("party", "Democrat"),
    "Republican": pgettext_lazy("party", "Republican"),
    "Independent": pgettext_lazy("party", "Independent"),
    "Libertarian": pgettext_lazy("party", "Libertarian"),
}

# The titles the sync gives members of Congress (services.title_for).
LEGISLATOR_TITLES = {
    "Senator": pgettext_lazy("member of Congress", "Senator"),
    "Representative": pgettext_lazy("member of Congress", "Representative"),
    "Delegate": pgettext_lazy("member of Congress", "Delegate"),
    "Resident Commissioner": pgettext_lazy("member of Congress", "Resident Commissioner"),
    # The UK sync's title for members of the House of Commons (targets.uk).
    "MP": pgettext_lazy("member of Parliament", "MP"),
}

# The country of each office decides how a number written without its country code is read
# ("020 7219 3000" is a London number in the UK) and, in the call flow, the office's clock.
OFFICE_COUNTRIES = {"US": "America/New_York", "GB": "Europe/London"}


class TargetQuerySet(models.QuerySet):
    def active(self) -> "TargetQuerySet":
        return self.filter(is_active=True)

    def legislators(self) -> "TargetQuerySet":
        return self.filter(kind=Target.Kind.LEGISLATOR)

    def shared(self) -> "TargetQuerySet":
        """Members of Congress, MPs and ministers: kept by the syncs, shared by every
        organization."""
        return self.filter(kind__in=Target.SHARED_KINDS)

    def mps(self) -> "TargetQuerySet":
        """Sitting members of the House of Commons."""
        return self.active().legislators().filter(chamber=Chamber.COMMONS)

    def ministers(self) -> "TargetQuerySet":
        return self.active().filter(kind=Target.Kind.MINISTER)

    def mp_for(self, constituency: str) -> "Target | None":
        """The sitting MP for a constituency (its GSS code, "E14001172"); None while the seat
        is vacant or the members are not loaded."""
        return self.mps().filter(constituency=constituency).order_by("-synced_at", "pk").first()

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
        if user.is_active and user.is_superuser:
            return self
        from tocsin.organizations.scoping import organizations_where  # imports the admin

        # Custom targets of the organizations where the user's role handles targets (not
        # where they only volunteer, whatever their role elsewhere).
        organizations = organizations_where(user, "targets.view_target", "targets.change_target")
        return self.filter(
            models.Q(kind__in=Target.SHARED_KINDS) | models.Q(organization__in=organizations)
        )


class Target(models.Model):
    """Someone a campaign asks supporters to contact: a member of Congress or of the House of
    Commons (looked up by place), a UK minister or a custom target (chosen by the campaign)."""

    class Kind(models.TextChoices):
        LEGISLATOR = "legislator", _("Member of Congress or Parliament")
        MINISTER = "minister", _("Minister")
        CUSTOM = "custom", _("Custom target")

    # Kinds that come from a public dataset and belong to no organization.
    SHARED_KINDS = (Kind.LEGISLATOR, Kind.MINISTER)

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
    constituency = models.CharField(
        _("constituency"),
        max_length=9,
        blank=True,
        db_index=True,
        help_text=_("A UK Parliament constituency's ONS code, such as E14001172."),
    )
    parliament_member_id = models.PositiveIntegerField(
        _("UK Parliament member ID"), null=True, blank=True
    )
    department = models.CharField(
        _("department"), max_length=300, blank=True, help_text=_("A minister's department(s).")
    )
    party = models.CharField(_("party"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_form_url = models.URLField(_("contact form"), blank=True, max_length=500)
    website = models.URLField(_("website"), blank=True, max_length=500)
    is_active = models.BooleanField(
        _("in office"), default=True, help_text=_("Members who leave office are kept, inactive.")
    )
    synced_at = models.DateTimeField(_("last synced"), null=True, blank=True, editable=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["chamber", "state", "district"])]
        constraints = [
            # An MP who is also a minister is two targets: one looked up by place, one chosen.
            models.UniqueConstraint(
                fields=["kind", "parliament_member_id"], name="one_target_per_member_and_kind"
            )
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        if self.kind == self.Kind.LEGISLATOR and self.chamber == Chamber.COMMONS:
            return f"{self.name} {self.title} ({self.seat_label})"
        if self.kind == self.Kind.LEGISLATOR:
            return f"{self.title} {self.name} ({self.seat_label})".strip()
        if self.kind == self.Kind.MINISTER and self.title:
            return f"{self.name}, {self.title}"
        return f"{self.title} {self.name}".strip() if self.title else self.name

    @property
    def is_shared(self) -> bool:
        return self.kind in self.SHARED_KINDS

    @property
    def seat_label(self) -> str:
        """WI, WI-2 or DC (delegates and at-large seats have no number); an MP's constituency
        by name (its code until the UK places are loaded)."""
        if self.chamber == Chamber.COMMONS:
            return constituency_name(self.constituency)
        if self.chamber == Chamber.HOUSE and self.district:
            return f"{self.state}-{self.district}"
        return self.state

    @property
    def party_initial(self) -> str:
        return self.party[:1].upper()

    @property
    def party_name(self) -> str:
        """The party in the reader's language ("Demócrata"); other parties' names, such as
        the UK's, are proper nouns and stay as they are."""
        label = PARTY_NAMES.get(self.party)
        return str(label) if label else self.party

    @property
    def display_title(self) -> str:
        """The title in the reader's language: Senator, Representative, Delegate (DC and the
        territories) or Resident Commissioner (Puerto Rico); a custom target's as typed."""
        label = LEGISLATOR_TITLES.get(self.title) if self.kind == self.Kind.LEGISLATOR else None
        return str(label) if label else self.title

    @property
    def portrait_url(self) -> str:
        # Only from the configured template: an address typed into the back office would let
        # whoever typed it watch every supporter who opens a page.
        template = settings.TOCSIN_PHOTO_URL_TEMPLATE
        if template and self.bioguide_id:
            return template.format(bioguide=self.bioguide_id)
        return ""

    @property
    def display_name(self) -> str:
        """How the person is addressed in a heading: "Senator Tammy Baldwin", "Rachel Blake
        MP" (British usage puts the letters after the name), "Yvette Cooper, Home Secretary"."""
        if self.kind == self.Kind.LEGISLATOR and self.chamber == Chamber.COMMONS:
            return f"{self.name} {self.display_title}".strip()
        if self.kind == self.Kind.MINISTER and self.title:
            return f"{self.name}, {self.title}"
        return f"{self.display_title} {self.name}".strip()

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace(".", " ").split() if p[:1].isalpha()]
        if not parts:
            return "?"
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def constituency_name(code: str) -> str:
    if not code:
        return ""
    # Imported here: the UK places module loads its index from the database on first use.
    from tocsin.districts.uk import constituency

    found = constituency(code)
    return found.name if found else code


ORDINARY_LINES = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.TOLL_FREE,
}


PHONE_EXAMPLES = {"US": "202-224-3121", "GB": "020 7219 3000"}


def parse_office_phone(value: str, country: str = "US") -> phonenumbers.PhoneNumber | None:
    """The number, read as written in `country` when it has no country code; None when it is
    not an ordinary line (premium-rate and shared-cost numbers are not ordinary)."""
    try:
        number = phonenumbers.parse((value or "")[:40], country or "US")
    except phonenumbers.NumberParseException:
        return None
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in ORDINARY_LINES
    ):
        return None
    return number


def validate_office_phone(value: str, country: str = "US") -> None:
    """A number supporters are sent to call: a real line, never a premium-rate one."""
    if parse_office_phone(value, country) is None:
        raise ValidationError(
            _("Enter an ordinary phone number, for example %(example)s."),
            code="invalid_phone",
            params={"example": PHONE_EXAMPLES.get(country, PHONE_EXAMPLES["US"])},
        )


def international_phone(value: str, country: str = "US") -> str:
    """A valid number as "+44 20 7219 3000" when the office is outside the US, so that every
    reader (the tel: link, click-to-call) dials it without knowing the office's country; US
    numbers stay as typed."""
    number = parse_office_phone(value, country)
    if number is None or country == "US":
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class OfficeQuerySet(models.QuerySet):
    def shown(self) -> "OfficeQuerySet":
        """Listed offices not hidden by the installation's administrator."""
        return self.filter(is_active=True, hidden=False).order_by("position", "city", "pk")

    def shown_to(self, organization) -> "OfficeQuerySet":
        """The offices supporters see and call on `organization`'s campaigns (an organization
        or its id; None for no organization's): less those it hid, each with the phone number
        it corrected as `effective_phone`."""
        if organization is None:
            return self.shown()
        corrections = OfficeCorrection.objects.filter(
            organization=organization, office=models.OuterRef("pk")
        )
        return (
            self.shown()
            .exclude(models.Exists(corrections.filter(hidden=True)))
            .annotate(
                organization_phone=models.Subquery(
                    corrections.exclude(phone="").values("phone")[:1]
                )
            )
        )


class Office(models.Model):
    class Kind(models.TextChoices):
        WASHINGTON = "washington", _("Washington office")
        DISTRICT = "district", _("District office")
        MAIN = "main", _("Main office")
        WESTMINSTER = "westminster", _("Westminster office")

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
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=[("US", _("United States")), ("GB", _("United Kingdom"))],
        default="US",
        # Blank is read as the United States, as every office was before UK members came.
        blank=True,
        help_text=_("Numbers written without a country code are read as this country's."),
    )
    phone = models.CharField(_("phone (from data)"), max_length=40, blank=True)
    # The installation administrator's corrections, for every organization's campaigns; an
    # organization's own are OfficeCorrection rows. Syncing changes neither.
    phone_override = models.CharField(
        _("corrected phone"),
        max_length=40,
        blank=True,
        help_text=_(
            "Used instead of the data's number on every campaign, unless an organization "
            "corrected it for its own; syncing never changes it."
        ),
    )
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hide this office from every campaign.")
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

    def clean(self) -> None:
        # Checked here rather than by a field validator: the office's country says how to read
        # a number written without its country code.
        self.country = self.country or "US"
        if self.phone_override:
            try:
                validate_office_phone(self.phone_override, self.country)
            except ValidationError as error:
                raise ValidationError({"phone_override": error}) from error
            self.phone_override = international_phone(self.phone_override, self.country)

    @property
    def label(self) -> str:
        if self.kind == self.Kind.WASHINGTON:
            return str(_("Washington, DC"))
        if self.kind == self.Kind.WESTMINSTER:
            return str(_("Westminster"))
        return self.city or self.get_kind_display()

    @property
    def effective_phone(self) -> str:
        # organization_phone is there when the office was read through shown_to().
        return getattr(self, "organization_phone", None) or self.phone_override or self.phone

    @property
    def region(self) -> str:
        """The country to read its numbers in ("US" when none was chosen)."""
        return self.country or "US"

    @property
    def time_zone(self) -> str:
        """The office's country's clock (a US office's state may say better: calls.services)."""
        return OFFICE_COUNTRIES.get(self.region, OFFICE_COUNTRIES["US"])

    @property
    def e164_phone(self) -> str:
        """The number to dial, "+442072193000", or "" when it is not an ordinary line."""
        number = parse_office_phone(self.effective_phone, self.region)
        if number is None:
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @property
    def tel_uri(self) -> str:
        if self.region != "US" and (international := self.e164_phone):
            return f"tel:{international}"
        digits = "".join(ch for ch in self.effective_phone if ch.isdigit() or ch == "+")
        if not digits:
            return ""
        if not digits.startswith("+") and len(digits) == 10:
            digits = "+1" + digits
        return f"tel:{digits}"


class OfficeCorrection(models.Model):
    """An organization's correction to an office of a member of Congress, an MP or a
    minister: used on its own
    campaigns only, instead of the synced record, and kept by every sync."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="office_corrections",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="corrections",
        limit_choices_to={"target__kind__in": Target.SHARED_KINDS},
    )
    phone = models.CharField(
        _("corrected phone"),
        max_length=40,
        blank=True,
        help_text=_("Called instead of the listed number. Leave empty to keep the listed one."),
    )
    hidden = models.BooleanField(
        _("hide this office"),
        default=False,
        help_text=_("Not shown on your campaigns, nor called through them."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "office"], name="one_correction_per_office"
            )
        ]
        ordering = ["office__target__name", "office__position", "pk"]
        verbose_name = _("office correction")
        verbose_name_plural = _("office corrections")

    def __str__(self) -> str:
        return str(self.office)

    def clean(self) -> None:
        if not self.phone and not self.hidden:
            raise ValidationError(_("Enter a corrected phone number or hide the office."))
        if self.phone:
            country = self.office.region if self.office_id else "US"
            try:
                validate_office_phone(self.phone, country)
            except ValidationError as error:
                raise ValidationError({"phone": error}) from error
            self.phone = international_phone(self.phone, country)


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
