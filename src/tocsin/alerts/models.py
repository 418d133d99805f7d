from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization
from tocsin.supporters.models import Supporter


class Alert(models.Model):
    """A mail to an organization's supporters that asks for one action, written once per
    language (subject_en, subject_es…: translation.py), sent to the people its audience
    filters pick, and measured by the actions that come back with its source code."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        CANCELLED = "cancelled", _("cancelled")
        SENT = "sent", _("sent")

    class ActionKind(models.TextChoices):
        CALL = "call", _("call")
        SIGN = "sign", _("sign a petition")
        RSVP = "rsvp", _("come to an event")
        GIVE = "give", _("give")
        WRITE = "write", _("write")
        JOIN = "join", _("join")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("organization"),
    )
    # The campaign of the action the button opens (a join button may name none).
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("campaign"),
    )
    # The action the button opens: its kind and its row's id (a CallAction, a Petition, an
    # Event, a Fundraiser; for "join", the campaign's id). alerts/actions.py resolves it.
    action_kind = models.CharField(_("action"), max_length=8, choices=ActionKind.choices)
    action_id = models.PositiveBigIntegerField(null=True, blank=True)

    # Translated (translation.py): one version per language.
    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(
        _("preheader"),
        max_length=150,
        blank=True,
        help_text=_("The line mail apps show after the subject in the inbox."),
    )
    body = models.TextField(
        _("message"),
        help_text=_(
            "Markdown. {first_name} is the recipient's first name; {your_targets} is a line "
            "naming their own targets for the action and where they stand."
        ),
    )
    button_label = models.CharField(_("button"), max_length=60)
    targets_fallback = models.CharField(
        _("line when their targets are not known"),
        max_length=300,
        blank=True,
        help_text=_("Shown in place of {your_targets} when we do not know where someone lives."),
    )

    from_name = models.CharField(_("from (name)"), max_length=100, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)

    # The audience filters (alerts/audience.py): only people with a current consent to the
    # organization, narrowed by these.
    audience = models.JSONField(_("audience"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Why sending stopped by itself (the mail server failed), in words for the organizer.
    stop_reason = models.CharField(_("why it stopped"), max_length=500, blank=True)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set once, when the recipients are materialised: the audience at send time.
    audience_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)
    # When a worker last sent a batch: tells a live alert from one whose senders all died.
    last_progress_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_alert", _("Can send action alerts"))]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="alert_due")]
        verbose_name = _("action alert")
        verbose_name_plural = _("action alerts")

    def __str__(self) -> str:
        return self.subject

    @property
    def source_code(self) -> str:
        """Put on every link of the alert, so the actions it brought in carry it."""
        return f"alert-{self.pk}"


class RecipientQuerySet(models.QuerySet):
    def counts(self) -> dict[str, int]:
        """How many recipients are in each state and had each delivery event: the one way
        the alert's results are counted."""
        by_state = dict(self.values_list("state").annotate(n=models.Count("id")).order_by())
        by_event = dict(
            self.exclude(event="").values_list("event").annotate(n=models.Count("id")).order_by()
        )
        counts = {state: by_state.get(state, 0) for state in AlertRecipient.State.values}
        counts.update({event: by_event.get(event, 0) for event in AlertRecipient.Event.values})
        counts["total"] = sum(by_state.values())
        return counts


class AlertRecipient(models.Model):
    """One person an alert goes to, materialised when it starts. Workers claim queued rows in
    batches (a claim token written with a conditional update), send, and mark each one; a row
    still claimed when its worker died is marked unknown, never sent again."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        CLAIMED = "claimed", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("unknown (a worker stopped while sending)")
        SKIPPED = "skipped", _("not sent (unsubscribed or undeliverable by then)")
        CANCELLED = "cancelled", _("not sent (alert cancelled)")

    class Event(models.TextChoices):
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    # Kept (as null) when the person is erased, so the alert's counts still add up.
    supporter = models.ForeignKey(
        Supporter, on_delete=models.SET_NULL, null=True, related_name="alert_receipts"
    )
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID header we set (and the provider's id when it has its own), which
    # tracking webhooks name.
    message_id = models.CharField(max_length=255, blank=True)
    event = models.CharField(max_length=12, choices=Event.choices, blank=True)
    # What the mail server said, for the organizer; never the address.
    error = models.CharField(max_length=300, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "supporter"],
                condition=models.Q(supporter__isnull=False),
                name="one_mail_per_person_per_alert",
            )
        ]
        indexes = [
            models.Index(fields=["alert", "state", "id"], name="recipient_queue"),
            models.Index(fields=["claim"], name="recipient_claim"),
            models.Index(fields=["message_id"], name="recipient_message"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → #{self.supporter_id}"
