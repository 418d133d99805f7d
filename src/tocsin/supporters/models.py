from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization


class SupporterQuerySet(models.QuerySet):
    def for_organizer(self, user) -> "SupporterQuerySet":
        """The people of the user's organizations that the organization knows of for sure:
        someone who acted (signed, called, answered, gave, was imported) or whose address was
        confirmed. An address typed into a join form is nobody's supporter until its owner
        confirms it."""
        # The ids themselves, not a subquery: the database then plans with the organization
        # known and walks the index that starts with it.
        organizations = list(Organization.objects.for_user(user).values_list("pk", flat=True))
        return self.of_organizations(organizations)

    def of_organizations(self, organization_ids) -> "SupporterQuerySet":
        """The known people of these organizations (ids)."""
        return self.filter(organization_id__in=list(organization_ids)).known()

    def known(self) -> "SupporterQuerySet":
        return self.filter(is_known=True)


class Supporter(models.Model):
    """A person as one organization knows them: one per organization and normalised address,
    with every action they took for it (Activity) and the consents they gave it. Kept to the
    minimum."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    postcode = models.CharField(_("ZIP or postcode"), max_length=12, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    state = models.CharField(_("state"), max_length=20, blank=True)
    # A House district ("WI-02") or a constituency's code: whatever the place is divided by.
    district = models.CharField(_("district or constituency"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    source = models.CharField(_("source of first contact"), max_length=64, blank=True)
    first_page = models.CharField(_("first page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    email_confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    last_action_at = models.DateTimeField(_("last action"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # Mail to this address bounced for good, or its owner marked ours as spam (the email
    # provider's tracking webhooks): no alert goes to it again.
    mail_refused_at = models.DateTimeField(_("mail refused"), null=True, blank=True, editable=False)
    mail_refused_reason = models.CharField(
        _("why mail is refused"),
        max_length=12,
        blank=True,
        default="",
        db_default="",
        editable=False,
        choices=[("bounced", _("bounced")), ("complained", _("marked as spam"))],
    )
    # Someone who acted (signed, called, answered, gave, was imported) or confirmed their
    # address: the people their organization's organizers see. Stored, not worked out on
    # every read, so the people list reads an index; set once, in the transaction of the
    # action or confirmation that makes it true (services.record_activity, confirm_address,
    # and the import), and never cleared.
    is_known = models.BooleanField(_("known"), default=False, editable=False)
    tags = models.ManyToManyField(
        "Tag", through="Tagging", related_name="people", verbose_name=_("tags and lists")
    )

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("erase_supporter", _("Can erase a supporter's personal data")),
            ("tag_supporter", _("Can put tags on people and add them to lists")),
            ("import_supporter", _("Can import people from a CSV file")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="one_person_per_address")
        ]
        indexes = [
            models.Index(fields=["organization", "last_action_at"], name="person_last_action"),
            models.Index(fields=["organization", "created_at"], name="person_joined"),
            models.Index(fields=["organization", "state", "district"], name="person_place"),
            models.Index(fields=["organization", "source"], name="person_source"),
            # The people list: an organization's known people, newest first.
            models.Index(fields=["organization", "is_known", "-id"], name="person_list"),
            # The API's people (api.views.People), oldest first: counted from the first
            # (small: one entry per organization and row, deduplicated on PostgreSQL) and
            # paged by id from the second, each read from the index alone.
            models.Index(
                fields=["organization"], condition=models.Q(is_known=True), name="known_count"
            ),
            models.Index(
                fields=["organization", "id"], condition=models.Q(is_known=True), name="known_by_id"
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

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
    page = models.CharField(_("page"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    method = models.CharField(
        _("how"),
        max_length=10,
        choices=[("form", _("form")), ("import", _("import"))],
        default="form",
    )
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


class Tag(models.Model):
    """A label an organization puts on people: a tag, or a list it mails."""

    class Kind(models.TextChoices):
        TAG = "tag", _("tag")
        LIST = "list", _("list")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="tags", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.TAG)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "name"], name="one_tag_name")
        ]
        verbose_name = _("tag or list")
        verbose_name_plural = _("tags and lists")

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    class How(models.TextChoices):
        HAND = "hand", _("by hand")
        BULK = "bulk", _("in bulk")
        IMPORT = "import", _("by import")

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    how = models.CharField(_("how"), max_length=6, choices=How.choices, default=How.HAND)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "supporter"], name="one_tagging")]

    def __str__(self) -> str:
        return f"{self.tag} ← #{self.supporter_id}"


class Activity(models.Model):
    """One action a person took: their timeline, and what the people list's "action taken /
    not taken" filters read. Public counts come from each action's own table, not from here.

    The campaign is a foreign key by name ("campaigns.Campaign", as Consent's is), which
    imports nothing from campaigns, a higher layer; its title is copied so the timeline still
    reads when the campaign is gone."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("signed")
        CALLED = "called", _("called")
        RSVP = "rsvp", _("answered for an event")
        GAVE = "gave", _("gave")
        JOINED = "joined", _("joined")
        WROTE = "wrote", _("wrote")
        IMPORTED = "imported", _("imported")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign_title = models.CharField(_("campaign"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    summary = models.CharField(_("what"), max_length=300, blank=True)
    # The row the action wrote ("petitions.signature", 42): how export and erasure find it.
    ref_model = models.CharField(max_length=60, blank=True)
    ref_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref_model", "ref_id", "supporter"],
                condition=models.Q(ref_id__isnull=False),
                name="one_activity_per_row",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "kind", "campaign", "supporter"], name="activity_action"
            ),
            models.Index(fields=["organization", "source"], name="activity_source"),
            models.Index(fields=["supporter", "occurred_at"], name="activity_timeline"),
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.summary or self.get_kind_display()


class PeopleImport(models.Model):
    """A CSV file of people an organizer uploaded: checked whole, then applied whole."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        REFUSED = "refused", _("refused: nothing imported")
        DONE = "done", _("imported")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    # Under TOCSIN_VAR_DIR/imports; deleted once the import has run.
    path = models.CharField(max_length=300)
    list_name = models.CharField(_("add everyone to the list"), max_length=100, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    consents_added = models.PositiveIntegerField(default=0)
    kept_unsubscribed = models.PositiveIntegerField(default=0)
    # [[line, message], ...], the first few hundred; error_count counts them all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or f"#{self.pk}"


class Suppression(models.Model):
    """An address that withdrew its consent to an organization and was then erased or
    anonymised, kept only as a keyed hash (services.address_digest) so that no import can
    subscribe it again. The address itself is not stored and cannot be read back."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    address_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "address_digest"], name="one_suppression_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.address_digest[:12]}…"
