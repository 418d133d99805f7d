import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.targets.models import Office, Target


class CallAction(models.Model):
    """ "Call these people with this script": one per campaign."""

    class TargetMode(models.TextChoices):
        FIXED = "fixed", _("A fixed list (the campaign's targets)")
        LOOKUP = "lookup", _("The supporter's own legislators, by ZIP or location")
        BOTH = "both", _("Both: the campaign's targets and the supporter's legislators")

    class Chambers(models.TextChoices):
        HOUSE = "house", _("Their representative")
        SENATE = "senate", _("Their senators")
        BOTH = "both", _("Their representative and senators")

    class CustomPlacement(models.TextChoices):
        FIRST = "first", _("First")
        LAST = "last", _("Last")
        FALLBACK = "fallback", _("Only when the lookup finds nobody")

    class OfficeOrder(models.TextChoices):
        WASHINGTON_FIRST = "washington_first", _("Washington office first")
        NEAREST_FIRST = "nearest_first", _("Nearest district office first")

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="call_action", verbose_name=_("campaign")
    )
    is_active = models.BooleanField(_("taking calls"), default=True)
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Call Senator Baldwin"))
    intro = models.TextField(_("introduction"), blank=True)
    script = models.TextField(
        _("script"),
        help_text=_(
            "What supporters say. Placeholders: {title}, {name} (the person called), "
            "{zip} and {town} (the supporter's, when given)."
        ),
    )
    script_for_supporters = models.TextField(
        _("script for targets who support"),
        blank=True,
        help_text=_(
            "Used instead of the script for targets whose current stance is “supports”, e.g. "
            "a thank-you. Same placeholders. A script for one particular target still wins."
        ),
    )
    script_said_in = models.CharField(
        _("script is said in"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "For offices that speak one language: callers reading the page in another see the "
            "words to say in this language, with a translation in their own beside them. "
            "Empty: each caller says the script in their own language."
        ),
    )
    target_mode = models.CharField(
        _("whom to call"), max_length=10, choices=TargetMode.choices, default=TargetMode.FIXED
    )
    chambers = models.CharField(
        _("which legislators"), max_length=10, choices=Chambers.choices, default=Chambers.BOTH
    )
    custom_placement = models.CharField(
        _("campaign targets go"),
        max_length=10,
        choices=CustomPlacement.choices,
        default=CustomPlacement.FIRST,
    )
    only_unsupportive = models.BooleanField(
        _("skip supporters"),
        default=False,
        help_text=_("Leave out targets recorded as already supporting (unknown counts as not)."),
    )
    office_order = models.CharField(
        _("office order"),
        max_length=20,
        choices=OfficeOrder.choices,
        default=OfficeOrder.WASHINGTON_FIRST,
    )
    share_text = models.TextField(
        _("post to share"),
        blank=True,
        help_text=_("The targets' handles and the hashtags are added for each network."),
    )
    hashtags = models.CharField(_("hashtags"), max_length=200, blank=True)
    click_to_call = models.BooleanField(
        _("offer click-to-call"),
        default=False,
        help_text=_(
            "We phone the supporter and connect them to each office in turn (needs Twilio)."
        ),
    )
    calls_per_phone_per_hour = models.PositiveSmallIntegerField(
        _("calls per phone number per hour"), default=2
    )
    ask_for_challenge = models.BooleanField(
        _("ask browsers to prove they are not a bot"),
        default=False,
        help_text=_(
            "Switch on under attack: each browser solves a small puzzle (ALTCHA, served from "
            "this site) before a call report is counted. Reports without it, e.g. from "
            "browsers without JavaScript, are not counted, and the supporter is told so."
        ),
    )
    mention_fallback = models.CharField(
        _("when a target has no account"),
        max_length=100,
        default="{name}",
        help_text=_("What to write instead of a handle. {name} and {title} are filled in."),
    )

    class Meta:
        verbose_name = _("call action")
        verbose_name_plural = _("call actions")

    def __str__(self) -> str:
        return self.title

    @property
    def uses_lookup(self) -> bool:
        return self.target_mode != self.TargetMode.FIXED


class ScriptVariant(models.Model):
    """A different script for one target, e.g. thanking a co-sponsor instead of asking."""

    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="variants")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, verbose_name=_("target"))
    script = models.TextField(_("script"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "target"], name="one_variant_per_target")
        ]
        verbose_name = _("script for one target")
        verbose_name_plural = _("scripts for particular targets")

    def __str__(self) -> str:
        return str(self.target)


class Outcome(models.TextChoices):
    TALKED = "talked", _("Talked to staff")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    BUSY = "busy", _("Busy or no answer")
    VOICEMAIL_FULL = "voicemail_full", _("Voicemail full")
    SKIPPED = "skipped", _("Skipped")


DEAD_LINE_OUTCOMES = (Outcome.BUSY, Outcome.VOICEMAIL_FULL)
# What the public count calls "calls made": the supporter reached a person or a mailbox. The
# dead lines are attempts, shown to organizers only; a skip is neither.
COUNTED_OUTCOMES = (Outcome.TALKED, Outcome.VOICEMAIL)


class CallerAnswer(models.TextChoices):
    """What the office told the caller when asked whether the target will support the ask."""

    YES = "yes", _("Yes, they will support it")
    UNDECIDED = "undecided", _("Undecided, or they would not say")
    NO = "no", _("No, they will not")


class CallReport(models.Model):
    """One outcome a supporter reported: inserted once per idempotency key, never updated.
    Every count of calls is an aggregate over these rows."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # No index of its own: calls_by_action_target starts with it.
    action = models.ForeignKey(
        CallAction, on_delete=models.CASCADE, related_name="reports", db_index=False
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="call_reports")
    # No index of its own: calls_by_office starts with it.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="call_reports", db_index=False
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    demands_raised = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated ids of the demands raised."
    )
    place = models.CharField(
        max_length=40,
        blank=True,
        help_text="The supporter's district (WI-2), state or UK constituency code, if known.",
    )
    answer = models.CharField(max_length=10, blank=True, choices=CallerAnswer.choices, default="")
    # The `?source=` code of the link the caller came by (supporters.services.clean_source).
    source = models.CharField(_("source"), max_length=64, blank=True)
    # Set only when the caller leaves an address on the thank-you page (calls.services.
    # claim_reports); a report stays anonymous otherwise.
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_reports",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The public counts (per action, per target, callers' answers) and the dashboard's
            # per-campaign recount. The included columns let PostgreSQL answer them from the
            # index alone; other databases ignore `include`.
            models.Index(
                fields=["action", "target"],
                include=["office", "outcome", "answer"],
                name="calls_by_action_target",
            ),
            # Which lines were dead lately (dead_lines).
            models.Index(
                fields=["office", "created_at"], include=["outcome"], name="calls_by_office"
            ),
            # The dashboard's refresh of the recent hours.
            models.Index(fields=["created_at"], name="calls_by_time"),
        ]
        verbose_name = _("call report")
        verbose_name_plural = _("call reports")

    def __str__(self) -> str:
        return f"{self.target} · {self.get_outcome_display()}"


class BlockedNumber(models.Model):
    """A phone number an organizer refused for click-to-call. Only its keyed hash is kept."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="blocked_numbers"
    )
    number_hash = models.CharField(max_length=64, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "number_hash"], name="one_block")
        ]
        verbose_name = _("blocked phone number")
        verbose_name_plural = _("blocked phone numbers")

    def __str__(self) -> str:
        return self.note or str(_("blocked number"))


class ConnectSession(models.Model):
    """One click-to-call: we ring the supporter, then put them through to each office in turn.

    The phone number is kept only while the call needs it; the keyed hashes of the number and
    of the supporter's address stay for the limits, for 30 days (telephony.HASH_DAYS).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Calling you")
        IN_PROGRESS = "in_progress", _("Connected")
        COMPLETED = "completed", _("Finished")
        FAILED = "failed", _("Could not reach you")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="sessions")
    phone_number = models.CharField(max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    place = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=10, default="en")
    offices = models.JSONField(default=list, help_text="[[target_id, office_id], …] in order")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    provider_call_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("click-to-call session")
        verbose_name_plural = _("click-to-call sessions")

    def __str__(self) -> str:
        return f"{self.action} · {self.get_status_display()}"


class CallLeg(models.Model):
    """One office dialled within a click-to-call session, with what Twilio reported."""

    session = models.ForeignKey(ConnectSession, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveSmallIntegerField()
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_leg_per_position")
        ]
        verbose_name = _("dialled office")
        verbose_name_plural = _("dialled offices")

    def __str__(self) -> str:
        return f"{self.office}: {self.status or '…'}"
