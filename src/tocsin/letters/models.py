"""Letters supporters write to a campaign's targets.

A `WriteAction` is the organizer's letter with its placeholders and whom it goes to (chosen
as a call action's targets are); a `Letter` is one supporter's letter to one target, inserted
once per action, target and normalised address. Nothing reaches a target before the
supporter confirms their address with a button (a POST): see services.py.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.targets.models import Target

PLACEHOLDERS_HELP = _(
    "Placeholders: {title} and {name} (the person written to), {supporter_name} and {town} "
    "(the supporter's)."
)


class WriteAction(models.Model):
    """ "Write to these people": a campaign may have several (to your MP, to the ministers)."""

    class TargetMode(models.TextChoices):
        FIXED = "fixed", _("A fixed list (the campaign's targets)")
        LOOKUP = "lookup", _("The supporter's own representatives, by postcode, ZIP or location")
        BOTH = "both", _("Both: the campaign's targets and the supporter's representatives")

    class Chambers(models.TextChoices):
        HOUSE = "house", _("Their representative (or MP)")
        SENATE = "senate", _("Their senators")
        BOTH = "both", _("Their representative and senators (or MP)")

    class CustomPlacement(models.TextChoices):
        FIRST = "first", _("First")
        LAST = "last", _("Last")
        FALLBACK = "fallback", _("Only when the lookup finds nobody")

    class Delivery(models.TextChoices):
        SEND = "send", _("Send by email from Tocsin, once the supporter confirms")
        MAIL_APP = "mail_app", _("From the supporter's own mail app")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="write_actions", verbose_name=_("campaign")
    )
    slug = models.SlugField(
        _("slug"), max_length=60, help_text=_("The last part of the page's address.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_open = models.BooleanField(_("taking letters"), default=True)
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Write to your MP"))
    intro = models.TextField(_("introduction"), blank=True)
    subject = models.CharField(_("subject"), max_length=200, help_text=PLACEHOLDERS_HELP)
    letter = models.TextField(
        _("letter"),
        help_text=_(
            "Plain text. Supporters may edit all of it. Placeholders: {title} and {name} (the "
            "person written to), {supporter_name} and {town} (the supporter's)."
        ),
    )
    own_sentence_prompt = models.CharField(
        _("prompt for the supporter's own words"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Add a sentence on why this matters to you: offices read those first."),
    )
    target_mode = models.CharField(
        _("whom to write to"), max_length=10, choices=TargetMode.choices, default=TargetMode.FIXED
    )
    chambers = models.CharField(
        _("which representatives"),
        max_length=10,
        choices=Chambers.choices,
        default=Chambers.BOTH,
        help_text=_("In the United Kingdom the lookup finds the supporter's MP."),
    )
    custom_placement = models.CharField(
        _("campaign targets go"),
        max_length=10,
        choices=CustomPlacement.choices,
        default=CustomPlacement.FIRST,
    )
    delivery = models.CharField(
        _("delivery"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.SEND,
        help_text=_(
            "Targets with no public address get a web form (when they have one) or the "
            "printable delivery bundle instead."
        ),
    )
    daily_cap_per_target = models.PositiveIntegerField(
        _("letters per target a day"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Above this, the day's further letters go to each office as one digest."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name="one_write_action_per_slug")
        ]
        verbose_name = _("write action")
        verbose_name_plural = _("write actions")

    def __str__(self) -> str:
        return self.title

    @property
    def uses_lookup(self) -> bool:
        return self.target_mode != self.TargetMode.FIXED


class LetterVariant(models.Model):
    """A different letter for one target, e.g. thanking a minister who already agreed."""

    action = models.ForeignKey(WriteAction, on_delete=models.CASCADE, related_name="variants")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, verbose_name=_("target"))
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("Blank: the action's subject.")
    )
    letter = models.TextField(_("letter"), help_text=PLACEHOLDERS_HELP)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "target"], name="one_letter_per_target")
        ]
        verbose_name = _("letter for one target")
        verbose_name_plural = _("letters for particular targets")

    def __str__(self) -> str:
        return str(self.target)


class LetterQuerySet(models.QuerySet):
    def delivered(self) -> "LetterQuerySet":
        """Letters that reached the target or the supporter's hands: what counts as written."""
        return self.filter(state__in=COUNTED_STATES)


class Letter(models.Model):
    """One supporter's letter to one target: inserted once per action, target and address."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting the supporter's confirmation")
        QUEUED = "queued", _("Queued to send")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held for review")
        IN_DIGEST = "in_digest", _("Waiting for the daily digest")
        HANDED_OVER = "handed_over", _("Handed to the supporter (mail app or web form)")
        BUNDLED = "bundled", _("In the delivery bundle")
        REFUSED = "refused", _("Refused by an organizer")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    class Method(models.TextChoices):
        EMAIL = "email", _("Email from Tocsin")
        MAIL_APP = "mail_app", _("Supporter's mail app")
        WEB_FORM = "web_form", _("Target's web form")
        BUNDLE = "bundle", _("Delivery bundle")

    # No index of its own: one_letter_per_address's index starts with it.
    action = models.ForeignKey(
        WriteAction, on_delete=models.CASCADE, related_name="letters", db_index=False
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="letters")
    # The campaign's organization's person with this address, found or created at writing.
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("person"),
    )
    # The letters of one submission share it: one confirmation mail, one button, for all.
    submission = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email (normalised)"), max_length=254)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postcode = models.CharField(_("ZIP or postcode"), max_length=12, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    place = models.CharField(
        _("district or constituency"),
        max_length=12,
        blank=True,
        help_text=_("WI-02 or a constituency code such as E14001172, when known."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter"))
    language = models.CharField(max_length=10, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    method = models.CharField(_("delivery"), max_length=10, choices=Method.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.AWAITING
    )
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    # The Message-ID of the mail that carried it (its own, or the digest's): how a bounce
    # finds the letter and the target's address.
    message_id = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the confirmation mail was last asked for: a second submit within minutes sends none.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target", "email"], name="one_letter_per_address"
            )
        ]
        indexes = [
            # The daily cap counts a target's letters sent today; the digest finds its own.
            models.Index(fields=["target", "state", "sent_at"], name="letters_by_target_state"),
            # The dashboard's refresh of the recent hours.
            models.Index(fields=["confirmed_at"], name="letters_by_confirmation"),
        ]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.name} → {self.target}"


# A letter "written" for counts: it went, is going, or is in the supporter's hands.
COUNTED_STATES = (
    Letter.State.QUEUED,
    Letter.State.SENT,
    Letter.State.IN_DIGEST,
    Letter.State.HANDED_OVER,
    Letter.State.BUNDLED,
)


class BadAddress(models.Model):
    """A target's public address that bounced: no letter is sent to it until an organizer
    deletes this row (after correcting the address)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="bad_addresses")
    address = models.EmailField(_("address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    letter = models.ForeignKey(
        Letter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("letter that bounced"),
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "address"], name="one_bad_address")
        ]
        verbose_name = _("bad target address")
        verbose_name_plural = _("bad target addresses")

    def __str__(self) -> str:
        return f"{self.target}: {self.address}"
