"""Pre-aggregated counts the organizers' dashboard reads; it never counts raw rows.

`ActionRollup` is the fine grain every refresh writes: one row per campaign, kind, UTC hour,
place (a district like WI-2, a state, a UK constituency's code, or blank) and currency (gifts
only). Every change to it is applied, as a difference, to two coarse tables in the same
transaction, so a dashboard reads only those: `HourlyRollup` (no place: about 24 rows a day
per kind) and `PlaceRollup` (no time: one row per district, state or constituency). Calls per
target, office and outcome go to `CallTargetRollup`, letters per target to `LetterTargetRollup`.
See rollups.py for how each is refreshed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.targets.models import Office, Target


class Kind(models.TextChoices):
    CALL = "call", _("Calls")
    SIGNATURE = "signature", _("Signatures")
    RSVP = "rsvp", _("RSVPs")
    GIFT = "gift", _("Gifts")
    LETTER = "letter", _("Letters")
    VIEW = "view", _("Page views")


# Letters come last so that the columns of existing exports keep their places.
ACTION_KINDS = (Kind.CALL, Kind.SIGNATURE, Kind.RSVP, Kind.GIFT, Kind.LETTER)
MAPPED_KINDS = (Kind.CALL, Kind.SIGNATURE, Kind.LETTER)


class RollupQuerySet(models.QuerySet):
    def for_campaign(self, campaign) -> "RollupQuerySet":
        return self.filter(campaign=campaign)


class ActionRollup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    hour = models.DateTimeField(help_text="Start of the hour, UTC.")
    place = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    count = models.BigIntegerField(default=0)
    # Gifts: net amount in minor units. RSVPs: people (the answer and its guests).
    amount = models.BigIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "hour", "place", "currency"], name="one_action_rollup"
            )
        ]
        indexes = [models.Index(fields=["kind", "hour"], name="action_rollups_by_hour")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.hour:%Y-%m-%d %H}h {self.place}: {self.count}"


class HourlyRollup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    hour = models.DateTimeField()
    currency = models.CharField(max_length=3, blank=True)
    count = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "hour", "currency"], name="one_hourly_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.hour:%Y-%m-%d %H}h: {self.count}"


class PlaceRollup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    place = models.CharField(max_length=40, blank=True)
    count = models.BigIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "place"], name="one_place_rollup")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.place or '—'}: {self.count}"


class CallTargetRollup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=20)
    count = models.BigIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target", "office", "outcome"], name="one_call_target_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.target_id}/{self.office_id} {self.outcome}: {self.count}"


class LetterTargetRollup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    count = models.BigIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="one_letter_target_rollup")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.target_id}: {self.count}"
