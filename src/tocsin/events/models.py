import zoneinfo
from urllib.parse import quote_plus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.organizations.models import Organization
from tocsin.supporters.models import Supporter

MAX_GUESTS_LIMIT = 20


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("Use a time zone name such as Europe/London or America/Chicago."), code="invalid"
        )


class EventQuerySet(models.QuerySet):
    def public(self) -> "EventQuerySet":
        """Published events, and not those of campaigns still in draft."""
        return self.filter(is_published=True).exclude(campaign__status=Campaign.Status.DRAFT)

    def upcoming(self, now=None) -> "EventQuerySet":
        """Events with at least one session not over yet, soonest first."""
        now = now or timezone.now()
        return (
            self.filter(sessions__ends_at__gt=now)
            .annotate(next_start=models.Min("sessions__starts_at"))
            .order_by("next_start", "pk")
            .distinct()
        )

    def for_organizer(self, user) -> "EventQuerySet":
        return self.filter(organization__in=Organization.objects.for_user(user))

    def viewable_by(self, user) -> "EventQuerySet":
        """Public events, plus every event of the user's own organizations (a preview)."""
        return (self.public() | self.for_organizer(user)).distinct()


class Event(models.Model):
    """Something people come to: one or more sessions, each with its own place and seats."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizing group"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text=_("Where the event happens, e.g. Europe/London. Times are shown in it."),
    )
    organizer_name = models.CharField(_("organizer contact name"), max_length=200)
    organizer_email = models.EmailField(_("organizer contact email"), max_length=254)
    max_guests = models.PositiveSmallIntegerField(
        _("guests per RSVP"),
        default=2,
        validators=[MaxValueValidator(MAX_GUESTS_LIMIT)],
        help_text=_("How many people one person may bring along (0 for none)."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    confirm_every_rsvp = models.BooleanField(
        _("confirm every answer by email"),
        default=False,
        help_text=_(
            "A seat is taken only once the person presses the button in the email we send "
            "them, so throwaway answers cannot fill a session. This is always so once a "
            "session is nearly full (under 5 seats or a fifth of them left); tick to ask it "
            "of every answer."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self) -> None:
        if self.campaign_id and self.organization_id:
            campaign = self.campaign
            if campaign.organization_id != self.organization_id:
                raise ValidationError(
                    {"campaign": _("Choose a campaign of the event's own organizing group.")}
                )


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None) -> "SessionQuerySet":
        return self.filter(ends_at__gt=now or timezone.now())


class Session(models.Model):
    """One part of an event: a time, a place (or a link) and a number of seats."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("For a session held online, or streamed.")
    )
    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1)], help_text=_("Guests count as seats too.")
    )
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    has_waitlist = models.BooleanField(
        _("waitlist when full"),
        default=True,
        help_text=_("People who come when it is full wait in line for a seat to free up."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="no_overbooking",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at, self.event.zone)
        return f"{self.title} ({local:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        # Seats move only through conditional UPDATEs (services); saving an edited session must
        # never write back a count read a moment ago.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "seats_taken"
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = _(
                "%(taken)d seats are already taken: the session cannot have fewer."
            ) % {"taken": self.seats_taken}
        if not (self.venue_name or self.venue_address or self.online_url):
            errors["venue_name"] = _("Give a venue and its address, or an online link.")
        if errors:
            raise ValidationError(errors)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.capacity

    def is_past(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.event.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.event.zone)

    @property
    def map_url(self) -> str:
        where = ", ".join(part for part in (self.venue_name, self.venue_address) if part)
        if not where:
            return ""
        return f"https://www.openstreetmap.org/search?query={quote_plus(where)}"


class RsvpQuerySet(models.QuerySet):
    def confirmed(self) -> "RsvpQuerySet":
        return self.filter(status=Rsvp.Status.CONFIRMED)

    def pending(self) -> "RsvpQuerySet":
        return self.filter(status=Rsvp.Status.PENDING)

    def waitlisted(self) -> "RsvpQuerySet":
        return self.filter(status=Rsvp.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def for_organizer(self, user) -> "RsvpQuerySet":
        return self.filter(session__event__organization__in=Organization.objects.for_user(user))


class Rsvp(models.Model):
    """One person's answer for one session, unique per session and email."""

    class Status(models.TextChoices):
        # Answered, waiting for the person to press the button in our mail; holds no seat.
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Coming")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("session")
    )
    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=200)
    postcode = models.CharField(_("ZIP or postcode"), max_length=12, blank=True)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    language = models.CharField(max_length=10, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, editable=False)
    consents = models.JSONField(
        default=list, blank=True, help_text="[{organization, wording, given}] as shown."
    )
    # The event's organization's person with this address, found or created when answering.
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rsvps",
        verbose_name=_("person"),
    )
    source = models.CharField(_("source"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("seat since"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)

    objects = RsvpQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="one_rsvp_per_email")
        ]
        indexes = [models.Index(fields=["session", "status", "waitlisted_at"], name="rsvp_queue")]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")

    def __str__(self) -> str:
        return self.name

    @property
    def party_size(self) -> int:
        return 1 + self.guests

    @property
    def local_zone(self) -> zoneinfo.ZoneInfo | None:
        """The supporter's own zone, when we know it and it differs from the event's."""
        if not self.time_zone or self.time_zone == self.session.event.time_zone:
            return None
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None


class SessionMessage(models.Model):
    """A message an organizer sent to everyone coming to a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")

    def __str__(self) -> str:
        return self.subject
