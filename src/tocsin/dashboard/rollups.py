"""Refreshing the dashboard's rollups (see models.py), never on a request.

`refresh()` runs in the task worker every minute (and as `tocsin refresh-rollups`). For calls,
signatures, RSVPs, gifts and letters it recounts the last few hours from the raw rows and
applies the difference to what the rollups hold; the calls per target, office and outcome,
and the letters per target, are recounted for every campaign called or written for in those
hours. Old rows of the other kinds can still change (an invalidated or released signature, a
cancelled RSVP, a refund, a held letter released or a letter that bounced): a campaign whose
earlier totals no longer match its rows is recounted in full. Call reports never change once
stored.

A letter counts as written as the letters app counts it (`Letter.objects.delivered()`: it
went, is going, or is in the supporter's hands; never one awaiting its writer's confirmation),
dated when its writer confirmed it, or, for one handed to their mail app or the target's web
form (nothing to confirm), when it was written. Its place is the district or constituency the
letter stores.

`refresh(since=None)` runs nightly (`--all-hours`) and recounts everything, one campaign at a
time, which also corrects a change that left a campaign's totals as they were.

Runs are serialised by an advisory lock; two at once give the same result as one. Page views
have no raw rows: pageviews.py adds them through `apply`.
"""

import datetime
from collections import Counter, defaultdict

from django.db import models, transaction
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone

from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.models import Campaign
from tocsin.core.tallies import add_counts, advisory_lock
from tocsin.events.models import Rsvp
from tocsin.fundraising.models import Gift
from tocsin.letters.models import Letter
from tocsin.petitions.models import Signature

from .models import (
    ACTION_KINDS,
    MAPPED_KINDS,
    ActionRollup,
    CallTargetRollup,
    HourlyRollup,
    Kind,
    LetterTargetRollup,
    PlaceRollup,
)

DASHBOARD_LOCK_ID = 7_301_300  # any constant: serialises refreshes on PostgreSQL
RECENT_HOURS = 3

# (campaign_id, kind, hour, place, currency) -> [count, amount]
Deltas = dict[tuple[int, str, datetime.datetime, str, str], list[int]]
TARGET_FIELDS = ["campaign_id", "target_id", "office_id", "outcome"]


def floor_hour(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def apply(deltas: Deltas) -> None:
    """Add differences to the fine rollup and to the two coarse ones. Call inside a
    transaction (the coarse tables must move together with the fine one)."""
    deltas = {key: value for key, value in deltas.items() if value[0] or value[1]}
    if not deltas:
        return
    hourly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    places: Counter = Counter()
    for (campaign_id, kind, hour, place, currency), (count, amount) in deltas.items():
        cell = hourly[(campaign_id, kind, hour, currency)]
        cell[0] += count
        cell[1] += amount
        if kind in MAPPED_KINDS:
            places[(campaign_id, kind, place)] += count
    add_counts(
        ActionRollup,
        ["campaign_id", "kind", "hour", "place", "currency"],
        [(*key, count, amount) for key, (count, amount) in sorted(deltas.items())],
    )
    add_counts(
        HourlyRollup,
        ["campaign_id", "kind", "hour", "currency"],
        [(*key, count, amount) for key, (count, amount) in sorted(hourly.items())],
    )
    add_counts(
        PlaceRollup,
        ["campaign_id", "kind", "place"],
        [(*key, count) for key, count in sorted(places.items()) if count],
    )


# ---------------------------------------------------------------------------- what the rows say


def _rows(kind: str):
    """The raw rows that count for `kind`, the field dating each and the path to its campaign."""
    if kind == Kind.CALL:
        rows = CallReport.objects.exclude(outcome=Outcome.SKIPPED)
        moment, campaign = "created_at", "action__campaign_id"
    elif kind == Kind.SIGNATURE:
        rows = Signature.objects.counted()
        moment, campaign = "confirmed_at", "petition__campaign_id"
    elif kind == Kind.LETTER:
        rows = Letter.objects.delivered().annotate(
            counted_at=Coalesce("confirmed_at", "created_at")
        )
        moment, campaign = "counted_at", "action__campaign_id"
    elif kind == Kind.RSVP:
        rows = Rsvp.objects.exclude(status__in=[Rsvp.Status.CANCELLED, Rsvp.Status.PENDING])
        moment, campaign = "created_at", "session__event__campaign_id"
    else:
        rows = Gift.objects.all()
        moment, campaign = "created_at", "fundraiser__campaign_id"
    return rows.filter(**{f"{campaign}__isnull": False}).order_by(), moment, campaign


def _place(kind: str):
    field = {Kind.CALL: "place", Kind.SIGNATURE: "district", Kind.LETTER: "place"}.get(kind)
    return models.F(field) if field else models.Value("")


def _currency(kind: str):
    return models.F("currency") if kind == Kind.GIFT else models.Value("")


def _amount(kind: str):
    """What `amount` holds: people for RSVPs (the answer and its guests), net minor units for
    gifts, nothing for the others."""
    if kind == Kind.RSVP:
        return models.Sum(models.F("guests") + 1)
    if kind == Kind.GIFT:
        return models.Sum(models.F("amount") - models.F("refunded_amount"))
    return models.Value(0)


def _counted(kind: str, since, campaign_id: int | None) -> Deltas:
    """What the raw rows say now, per (campaign, kind, hour, place, currency)."""
    rows, moment, campaign = _rows(kind)
    if since is not None:
        rows = rows.filter(**{f"{moment}__gte": since})
    if campaign_id is not None:
        rows = rows.filter(**{campaign: campaign_id})
    grouped = (
        rows.annotate(h=TruncHour(moment, tzinfo=datetime.UTC), p=_place(kind), cur=_currency(kind))
        .values_list(campaign, "h", "p", "cur")
        .annotate(n=models.Count("pk"), a=_amount(kind))
    )
    return {(c, kind, _utc(h), p, cur): [n, a or 0] for c, h, p, cur, n, a in grouped}


def _held(kind: str, since, campaign_id: int | None) -> Deltas:
    rows = ActionRollup.objects.filter(kind=kind)
    if since is not None:
        rows = rows.filter(hour__gte=since)
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    return {
        (c, kind, _utc(h), place, cur): [n, a]
        for c, h, place, cur, n, a in rows.values_list(
            "campaign_id", "hour", "place", "currency", "count", "amount"
        )
    }


def _drifted(kind: str, before: datetime.datetime) -> list[int]:
    """Campaigns whose rows dated before `before` no longer add up to what their rollups hold
    for those hours. Newer hours are left out: they are recounted anyway, and rows arriving
    meanwhile would look like drift."""
    rows, moment, campaign = _rows(kind)
    counted = {
        (c, cur): (n, a or 0)
        for c, cur, n, a in rows.filter(**{f"{moment}__lt": before})
        .annotate(cur=_currency(kind))
        .values_list(campaign, "cur")
        .annotate(n=models.Count("pk"), a=_amount(kind))
    }
    held = {
        (c, cur): (n, a)
        for c, cur, n, a in HourlyRollup.objects.filter(kind=kind, hour__lt=before)
        .values_list("campaign_id", "currency")
        .annotate(n=models.Sum("count"), a=models.Sum("amount"))
        .order_by()
    }
    return sorted(
        {
            c
            for c, cur in counted.keys() | held.keys()
            if counted.get((c, cur), (0, 0)) != held.get((c, cur), (0, 0))
        }
    )


# ---------------------------------------------------------------------------- recounting


def _recount(kind: str, since, campaign_id: int | None) -> int:
    """Bring one kind's rollups in line with the rows, for the hours from `since` (all of
    them with None) of one campaign or all. Returns how many rollup rows changed."""
    with transaction.atomic():
        advisory_lock(DASHBOARD_LOCK_ID)
        now, held = _counted(kind, since, campaign_id), _held(kind, since, campaign_id)
        deltas = {}
        for key in now.keys() | held.keys():
            new, old = now.get(key, [0, 0]), held.get(key, [0, 0])
            deltas[key] = [new[0] - old[0], new[1] - old[1]]
        apply(deltas)
        changed = sum(1 for d in deltas.values() if d[0] or d[1])
        if kind == Kind.CALL:
            changed += _recount_targets(since, campaign_id)
        elif kind == Kind.LETTER:
            changed += _recount_letter_targets(since, campaign_id)
        return changed


def _recount_targets(since, campaign_id: int | None) -> int:
    """Recount the calls per target, office and outcome (skips included)."""
    return _recount_per_target(
        CallReport.objects.all(),
        "created_at",
        "action__campaign_id",
        CallTargetRollup,
        TARGET_FIELDS,
        since,
        campaign_id,
    )


def _recount_letter_targets(since, campaign_id: int | None) -> int:
    """Recount the letters per target."""
    rows, moment, campaign = _rows(Kind.LETTER)
    return _recount_per_target(
        rows,
        moment,
        campaign,
        LetterTargetRollup,
        ["campaign_id", "target_id"],
        since,
        campaign_id,
    )


def _recount_per_target(rows, moment, campaign, rollup, fields, since, campaign_id) -> int:
    """Recount `rollup` (a row per value of `fields`, the campaign's id first, with its count)
    from `rows` for one campaign, or for every campaign with a row at `moment` since `since`;
    inside _recount's transaction."""
    if campaign_id is not None:
        campaigns = {campaign_id}
    else:
        campaigns = set(
            rows.filter(**{f"{moment}__gte": since})
            .values_list(campaign, flat=True)
            .distinct()
            .order_by()
        )
    if not campaigns:
        return 0
    now = {
        tuple(key): n
        for *key, n in rows.filter(**{f"{campaign}__in": campaigns})
        .values_list(campaign, *fields[1:])
        .annotate(n=models.Count("pk"))
        .order_by()
    }
    held = {
        tuple(key): n
        for *key, n in rollup.objects.filter(campaign_id__in=campaigns).values_list(
            *fields, "count"
        )
    }
    deltas = [
        (*key, now.get(key, 0) - held.get(key, 0))
        for key in sorted(now.keys() | held.keys())
        if now.get(key, 0) != held.get(key, 0)
    ]
    add_counts(rollup, fields, deltas)
    # A line the dashboard would show with nothing on it.
    rollup.objects.filter(campaign_id__in=campaigns, count=0).delete()
    return len(deltas)


def refresh(since: datetime.datetime | None = ...) -> int:
    """Bring the rollups of calls, signatures, RSVPs, gifts and letters in line with the raw
    rows: the hours from `since` (default: the last few) and any campaign whose older rows
    changed, or, with since=None, all of time, one campaign at a time. Returns how many rollup
    rows changed."""
    if since is None:
        changed = 0
        for campaign_id in Campaign.objects.values_list("pk", flat=True).order_by("pk"):
            for kind in ACTION_KINDS:
                changed += _recount(kind, None, campaign_id)
        return changed
    if since is ...:
        since = floor_hour(timezone.now()) - datetime.timedelta(hours=RECENT_HOURS)
    else:
        since = floor_hour(since)
    changed = 0
    for kind in ACTION_KINDS:
        changed += _recount(kind, since, None)
        if kind != Kind.CALL:  # a call report never changes once stored
            for campaign_id in _drifted(kind, since):
                changed += _recount(kind, None, campaign_id)
    return changed
