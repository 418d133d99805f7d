import datetime
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocsin.core.markdown import render_markdown
from tocsin.core.translated import render_each_language
from tocsin.organizations.models import Organization
from tocsin.targets.models import Target

from .origins import parse_origins, validate_origins


class CampaignQuerySet(models.QuerySet):
    def live(self) -> "CampaignQuerySet":
        return self.filter(status=Campaign.Status.LIVE)

    def public(self) -> "CampaignQuerySet":
        """What anyone may open: live campaigns, and closed ones kept as a record."""
        return self.filter(status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED])

    def for_organizer(self, user) -> "CampaignQuerySet":
        return self.filter(organization__in=Organization.objects.for_user(user))

    def viewable_by(self, user) -> "CampaignQuerySet":
        """Public campaigns, plus drafts of the user's own organizations (a preview)."""
        return self.filter(
            models.Q(status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED])
            | models.Q(organization__in=Organization.objects.for_user(user))
        )


class PrimaryAction(models.TextChoices):
    CALL = "call", _("Call")
    SIGN = "sign", _("Sign the petition")
    RSVP = "rsvp", _("RSVP to an event")
    GIVE = "give", _("Give")
    WRITE = "write", _("Write")
    JOIN = "join", _("Become a supporter")


ACTIONS = frozenset(PrimaryAction.values)


def split_action_order(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,;]+", text.strip().lower()) if word]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizing group"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    # Every group invited, whether it answered or not: public pages and consent boxes read
    # accepted_partners() instead.
    partners = models.ManyToManyField(
        Organization,
        through="Partnership",
        verbose_name=_("invited partner groups"),
        blank=True,
        related_name="partner_campaigns",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(
        _("summary"), max_length=400, help_text=_("One or two sentences shown first and in shares.")
    )
    share_description = models.CharField(
        _("share description"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown when the page is shared on social media. Empty: the summary's first sentence."
        ),
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown. Scripts and unsafe HTML are removed.")
    )
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("campaign's own language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language the campaign is written in first. Where a text is missing in a "
            "reader's language, this one is shown, with a short note."
        ),
    )

    class Country(models.TextChoices):
        US = "US", _("United States")
        GB = "GB", _("United Kingdom")

    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Country.choices,
        default=Country.US,
        help_text=_(
            "Where the campaign's supporters live: it decides whether the page asks for a ZIP "
            "code (members of Congress) or a postcode (MPs)."
        ),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    primary_action = models.CharField(
        _("main action"),
        max_length=10,
        choices=PrimaryAction.choices,
        blank=True,
        help_text=_(
            "The action shown first, at the top of the page. Empty: the first of call, sign, "
            "RSVP, give and join that the campaign has."
        ),
    )
    action_order = models.CharField(
        _("order of the actions"),
        max_length=40,
        blank=True,
        help_text=_(
            "The order in which the actions are offered, and so which one each thank-you page "
            "asks for next: the words call, sign, rsvp, give and join separated by commas, "
            "e.g. “sign, call, join”. Actions left out follow in the usual order. Empty: "
            "call, sign, rsvp, give, join. The main action, if chosen, still comes first."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    embed_origins = models.TextField(
        _("sites that may show the actions"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "Partner websites allowed to show this campaign's actions inside their own pages "
            "(the snippets on the campaign's “Embed on other sites” page). One site a line, "
            "e.g. https://partner.example — the site only, no page path. Any site not listed "
            "here cannot show them."
        ),
    )
    targets = models.ManyToManyField(
        Target, through="CampaignTarget", related_name="campaigns", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = render_each_language(
            self, "body", "body_html", render_markdown, kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pages:campaign", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        unknown = [word for word in split_action_order(self.action_order) if word not in ACTIONS]
        if unknown:
            raise ValidationError(
                {
                    "action_order": _(
                        "“%(words)s” is not an action. Use only call, sign, rsvp, give and join."
                    )
                    % {"words": ", ".join(unknown)}
                }
            )
        self.action_order = ", ".join(dict.fromkeys(split_action_order(self.action_order)))

    @property
    def chosen_action_order(self) -> list[str]:
        """The actions in the organizer's order, without repeats or unknown words."""
        return [w for w in dict.fromkeys(split_action_order(self.action_order)) if w in ACTIONS]

    def days_left(self, today: datetime.date | None = None) -> int | None:
        """Whole days until the deadline, counting the deadline day itself; None without one."""
        if self.deadline is None:
            return None
        today = today or timezone.localdate()
        return max((self.deadline - today).days, 0)

    @property
    def is_open(self) -> bool:
        if self.status != self.Status.LIVE:
            return False
        return self.deadline is None or self.deadline >= timezone.localdate()

    @property
    def allowed_embed_origins(self) -> list[str]:
        """The origins that may frame this campaign's actions (validated on save)."""
        try:
            return parse_origins(self.embed_origins)
        except ValueError:
            return []

    def accepted_partners(self) -> models.QuerySet[Organization]:
        """The partner groups whose organizers accepted: the only ones a public page names and
        a form asks consent for."""
        return Organization.objects.filter(
            partnerships__campaign=self, partnerships__status=Partnership.Status.ACCEPTED
        )


class Partnership(models.Model):
    """An invitation to another group to stand behind a campaign. Its name is shown and
    consent is asked for it only once one of its own organizers accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("campaign")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("partner group"),
    )
    status = models.CharField(
        _("answer"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Letters, digits, "_", "." and "-" only (as supporters.services.clean_source keeps them),
    # so a code survives the sanitiser every action page puts ?source= through.
    source_code = models.CharField(
        _("source code"),
        max_length=64,
        blank=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_.-]*$",
                _("Use only lower-case letters, digits, “_”, “.” and “-”."),
            )
        ],
        help_text=_(
            "Added to the partner's own share link (?source=…), so the dashboard credits the "
            "actions and supporters it brings. Empty: made from the group's short name."
        ),
    )

    class Meta:
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="one_partnership_per_group"
            )
        ]
        verbose_name = _("partnership invitation")
        verbose_name_plural = _("partnership invitations")

    def __str__(self) -> str:
        return f"{self.organization} · {self.campaign}"

    def save(self, *args, **kwargs) -> None:
        if not self.source_code and self.organization_id:
            self.source_code = ("partner-" + self.organization.slug.lower())[:64]
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "source_code"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        campaign = getattr(self, "campaign", None)  # unsaved in the admin's add form
        if campaign is not None and self.organization_id == campaign.organization_id:
            raise ValidationError({"organization": _("This group already runs this campaign.")})

    def share_url(self) -> str:
        """The campaign's link as the partner shares it: its code says who brought whom."""
        return (
            settings.TOCSIN_BASE_URL
            + self.campaign.get_absolute_url()
            + "?"
            + urlencode({"source": self.source_code})
        )

    def answer(self, *, accept: bool, by) -> None:
        self.status = self.Status.ACCEPTED if accept else self.Status.DECLINED
        self.answered_by = by
        self.answered_at = timezone.now()
        self.save(update_fields=["status", "answered_by", "answered_at"])


class Demand(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("demand"), max_length=500)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.text


class Source(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="campaign_targets"
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="campaign_links")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="unique_campaign_target")
        ]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")

    def __str__(self) -> str:
        return str(self.target)


class Stance(models.TextChoices):
    """Where a target stands on a campaign's ask, from best to worst, then unknown."""

    SUPPORTS = "supports", _("Supports")
    LEANS_YES = "leans_yes", _("Leaning yes")
    UNDECIDED = "undecided", _("Undecided")
    LEANS_NO = "leans_no", _("Leaning no")
    OPPOSES = "opposes", _("Opposes")
    UNKNOWN = "unknown", _("Unknown")


class StanceEvidenceQuerySet(models.QuerySet):
    def newest_first(self) -> "StanceEvidenceQuerySet":
        """The order that decides the current stance: the latest stated date wins, then the
        latest recorded."""
        return self.order_by(models.F("stated_on").desc(nulls_last=True), "-recorded_at", "-pk")

    def for_organizer(self, user) -> "StanceEvidenceQuerySet":
        return self.filter(campaign__in=Campaign.objects.for_organizer(user))


class StanceEvidence(models.Model):
    """One dated piece of evidence of where a target stands. Rows are history: a new stance is
    a new row, and the latest one is the current stance (copied to TargetStance)."""

    class Origin(models.TextChoices):
        ORGANIZER = "organizer", _("Recorded by an organizer")
        IMPORT = "import", _("Imported from a spreadsheet")
        CALLERS = "callers", _("Confirmed from callers' reports")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="stance_evidence",
        verbose_name=_("campaign"),
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="stance_evidence", verbose_name=_("target")
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    # Empty when the source gives no date: shown as "date not known", never as the day it
    # was recorded, and ranked below every dated piece of evidence.
    stated_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        default=timezone.localdate,
        help_text=_(
            "When the target said or did this (the latest date is the current stance). "
            "Leave it empty when the source gives no date."
        ),
    )
    summary = models.TextField(
        _("quote or summary"),
        max_length=1000,
        blank=True,
        help_text=_("What they said, quoted, or what they did, in a sentence or two."),
    )
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    source_publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.ORGANIZER
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = StanceEvidenceQuerySet.as_manager()

    class Meta:
        ordering = [models.F("stated_on").desc(nulls_last=True), "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "target", "stated_on"])]
        verbose_name = _("stance evidence")
        verbose_name_plural = _("stance evidence (whip count)")

    def __str__(self) -> str:
        when = f"{self.stated_on:%Y-%m-%d}" if self.stated_on else "undated"
        return f"{self.target}: {self.get_stance_display()} ({when})"


class TargetStance(models.Model):
    """The current stance of a target on a campaign's ask: a copy of the latest evidence, kept
    by campaigns.stances.record_stance so the call flow reads one row. No row means unknown."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stances")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="stances")
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.ForeignKey(
        StanceEvidence,
        verbose_name=_("latest evidence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="one_stance_per_target")
        ]
        verbose_name = _("stance")
        verbose_name_plural = _("stances")

    def __str__(self) -> str:
        return f"{self.target}: {self.get_stance_display()}"
