"""Fundraisers and the gifts made to them. Amounts are whole minor units of one currency."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.core.markdown import render_markdown
from tocsin.core.translated import render_each_language
from tocsin.organizations.models import Organization
from tocsin.supporters.models import Supporter

from .money import CURRENCY_CHOICES, MAX_MINOR, currency, parse_amount


class FundraiserQuerySet(models.QuerySet):
    def open(self) -> "FundraiserQuerySet":
        """Taking gifts now: switched on and the deadline not yet passed."""
        return self.filter(is_accepting=True, deadline__gte=timezone.localdate())

    def public(self) -> "FundraiserQuerySet":
        """Pages anyone may open: those of live or closed campaigns, or of no campaign."""
        return self.filter(
            models.Q(campaign__isnull=True)
            | models.Q(campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED])
        )

    def for_organizer(self, user) -> "FundraiserQuerySet":
        return self.filter(organization__in=Organization.objects.for_user(user))


class Fundraiser(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="fundraisers",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fundraisers",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        default="GBP",
        help_text=_("Cannot be changed once gifts have been recorded."),
    )
    goal = models.PositiveBigIntegerField(_("goal (minor units)"))
    deadline = models.DateField(_("deadline"))
    suggested_amounts = models.CharField(
        _("suggested amounts"),
        max_length=200,
        blank=True,
        help_text=_("Whole amounts people can pick with one tap, separated by commas: 10, 25, 50"),
    )
    min_amount = models.PositiveBigIntegerField(_("smallest gift (minor units)"), default=100)
    max_amount = models.PositiveBigIntegerField(
        _("largest online gift (minor units)"), default=1_000_000
    )
    allow_monthly = models.BooleanField(_("offer monthly gifts"), default=False)
    story = models.TextField(
        _("story"), blank=True, help_text=_("Markdown. Scripts and unsafe HTML are removed.")
    )
    story_html = models.TextField(editable=False, blank=True)
    offline_instructions = models.TextField(
        _("how to give offline"),
        blank=True,
        help_text=_("Bank details, where to send a cheque: shown to everyone."),
    )
    is_accepting = models.BooleanField(
        _("taking gifts"), default=True, help_text=_("Switch off to stop online gifts at once.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundraiserQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fundraiser")
        verbose_name_plural = _("fundraisers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__gt=0)
                & models.Q(max_amount__gte=models.F("min_amount")),
                name="fundraiser_bounds_in_order",
            ),
            models.CheckConstraint(condition=models.Q(goal__gt=0), name="fundraiser_goal_above_0"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = render_each_language(
            self, "story", "story_html", render_markdown, kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("fundraising:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        try:
            self.suggested()
        except (ValueError, TypeError, KeyError):
            errors["suggested_amounts"] = _(
                "Write amounts separated by commas, each between the smallest and largest gift."
            )
        bounds = (self.min_amount, self.max_amount)
        if all(isinstance(bound, int) for bound in bounds):
            if self.min_amount > self.max_amount:
                errors["max_amount"] = _("The largest gift must not be smaller than the smallest.")
            elif self.max_amount > MAX_MINOR:
                errors["max_amount"] = _("That is more than a card payment can take.")
        if (
            self.campaign_id
            and self.organization_id
            and self.campaign.organization_id != self.organization_id
        ):
            errors["campaign"] = _("Pick a campaign of the same organization.")
        if errors:
            raise ValidationError(errors)

    def suggested(self) -> list[int]:
        """The suggested amounts in minor units, smallest first; ValueError if one is invalid."""
        amounts = set()
        for part in self.suggested_amounts.split(","):
            if not part.strip():
                continue
            amount = parse_amount(part.strip(), self.currency)
            if not self.min_amount <= amount <= self.max_amount:
                raise ValueError(part)
            amounts.add(amount)
        return sorted(amounts)

    def days_left(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return max((self.deadline - today).days, 0)

    @property
    def is_open(self) -> bool:
        if not self.is_accepting or self.deadline < timezone.localdate():
            return False
        return self.campaign is None or self.campaign.status == Campaign.Status.LIVE

    @property
    def currency_info(self):
        return currency(self.currency)


class GiftQuerySet(models.QuerySet):
    def totals_by_currency(self) -> dict[str, dict[str, int]]:
        """Net raised and gifts per currency: amounts in different currencies never mix."""
        rows = (
            self.values("currency")
            .annotate(
                raised=models.Sum(models.F("amount") - models.F("refunded_amount")),
                gifts=models.Count("pk"),
            )
            .order_by("currency")
        )
        return {row["currency"]: {"raised": row["raised"], "gifts": row["gifts"]} for row in rows}

    def for_organizer(self, user) -> "GiftQuerySet":
        return self.filter(fundraiser__organization__in=Organization.objects.for_user(user))


class Gift(models.Model):
    """One gift: an online payment recorded from Stripe's webhook, or an offline gift an
    organizer entered. Refunds reduce `refunded_amount`; the row stays."""

    class Source(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")

    OFFLINE_SOURCES = (Source.CASH, Source.CHEQUE, Source.BANK_TRANSFER)

    fundraiser = models.ForeignKey(
        Fundraiser, verbose_name=_("fundraiser"), on_delete=models.PROTECT, related_name="gifts"
    )
    source = models.CharField(_("how it was given"), max_length=20, choices=Source.choices)
    amount = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    refunded_amount = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    monthly = models.BooleanField(_("monthly"), default=False)
    renewal = models.BooleanField(_("later month of a monthly gift"), default=False, editable=False)
    donor_name = models.CharField(_("donor's name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor's email"), max_length=254, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Cheque number, bank reference…")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    stripe_payment_id = models.CharField(max_length=255, null=True, blank=True, editable=False)
    stripe_invoice_id = models.CharField(max_length=255, null=True, blank=True, editable=False)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The fundraiser's organization's person with the donor's address, when one was given.
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="gifts",
        verbose_name=_("person"),
    )
    # The `?source=` code the donor came with (`source` above says how the money came).
    source_code = models.CharField(_("source"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    erased_at = models.DateTimeField(_("donor erased"), null=True, blank=True, editable=False)

    objects = GiftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        constraints = [
            models.UniqueConstraint(fields=["stripe_payment_id"], name="one_gift_per_payment"),
            models.UniqueConstraint(fields=["stripe_invoice_id"], name="one_gift_per_invoice"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="gift_above_0"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("amount")),
                name="gift_refund_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["fundraiser", "currency"], name="gifts_by_currency")]

    def __str__(self) -> str:
        from .money import format_money

        return f"{format_money(self.amount, self.currency)} ({self.get_source_display()})"

    @property
    def net(self) -> int:
        return self.amount - self.refunded_amount


class GiftIntent(models.Model):
    """What the gift form said before the donor went to Stripe Checkout: the consent boxes
    ticked, with their wording, and where they came from. Its id travels in the checkout's
    metadata, so nothing about the donor is in a URL or at Stripe; the webhook that records
    the gift reads it back. It holds nothing personal: the address comes with the payment."""

    fundraiser = models.ForeignKey(Fundraiser, on_delete=models.CASCADE, related_name="+")
    # [{"organization": id, "wording": "..."}] as shown on the form.
    consents = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=10, blank=True)
    page = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.fundraiser_id}: {self.created_at:%Y-%m-%d %H:%M}"


class WebhookEvent(models.Model):
    """Every provider event handled, once: a replay finds its id here and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
