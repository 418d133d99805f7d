import uuid

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
# Checked on every report: TextChoices.values builds a new list each time it is read.
OUTCOME_VALUES = frozenset(Outcome.values)


class CallerAnswer(models.TextChoices):
    """What the office told the caller when asked whether the target will support the ask."""

    YES = "yes", _("Yes, they will support it")
    UNDECIDED = "undecided", _("Undecided, or they would not say")
    NO = "no", _("No, they will not")


CALLER_ANSWER_VALUES = frozenset(CallerAnswer.values)


class CallReport(models.Model):
    """One outcome a supporter reported. Inserted once per idempotency key, never updated
    except to mark it folded into the tallies."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="reports")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="call_reports")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="call_reports")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    demands_raised = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated ids of the demands raised."
    )
    place = models.CharField(
        max_length=8, blank=True, help_text="The supporter's district (WI-2) or state, if known."
    )
    answer = models.CharField(max_length=10, blank=True, choices=CallerAnswer.choices, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    folded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(folded=False), name="call_reports_to_fold"
            )
        ]
        verbose_name = _("call report")
        verbose_name_plural = _("call reports")

    def __str__(self) -> str:
        return f"{self.target} · {self.get_outcome_display()}"


class CallTally(models.Model):
    """Reports folded into counts per target, office, outcome, day and place."""

    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="tallies")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="call_tallies")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    day = models.DateField()
    place = models.CharField(max_length=8, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target", "office", "outcome", "day", "place"],
                name="one_tally_per_key",
            )
        ]
        verbose_name = _("call tally")
        verbose_name_plural = _("call tallies")

    def __str__(self) -> str:
        return f"{self.day} {self.target_id}/{self.office_id} {self.outcome}: {self.count}"


class AnswerTally(models.Model):
    """Callers' answers to "will they support it?", folded per target like the call tallies."""

    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="answer_tallies")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=CallerAnswer.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target", "answer"], name="one_answer_tally_per_target"
            )
        ]
        verbose_name = _("callers' answer count")
        verbose_name_plural = _("callers' answer counts")

    def __str__(self) -> str:
        return f"{self.target_id} {self.answer}: {self.count}"


class DemandTally(models.Model):
    action = models.ForeignKey(CallAction, on_delete=models.CASCADE, related_name="+")
    demand = models.ForeignKey("campaigns.Demand", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "demand", "day"], name="one_demand_tally_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} demand {self.demand_id}: {self.count}"


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

    The phone number is kept only while the call needs it; the keyed hash stays for the limits.
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
    place = models.CharField(max_length=8, blank=True)
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
