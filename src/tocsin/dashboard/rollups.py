"""Filling the dashboard's rollups (see models.py), never on a supporter's request path.

- Calls: `calls_folded` receives each batch `calls.services.fold_reports` folds, inside that
  fold's locked transaction, so every report is added exactly once.
- Signatures, RSVPs and gifts: `fold()` (the `tocsin fold-dashboard` command, from cron every
  minute) recounts the recent hours from the raw rows and applies the difference to what the
  rollups hold; `fold(since=None)` (nightly, `--all-hours`) recounts everything, which also
  catches later changes to old rows (an invalidated signature, a cancelled RSVP, a refund).
  Runs are serialised by a PostgreSQL advisory lock; two at once give the same result as one.
- Page views: pageviews.py buffers them in each process and flushes through `apply`.
"""

import datetime
from collections import Counter, defaultdict

from django.db import models, transaction
from django.db.models.functions import TruncHour
from django.utils import timezone

from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.calls.services import FOLD_LOCK_ID
from tocsin.core.tallies import add_counts, advisory_lock
from tocsin.events.models import Rsvp
from tocsin.fundraising.models import Gift
from tocsin.petitions.models import Signature

from .models import (
    MAPPED_KINDS,
    ActionRollup,
    CallTargetRollup,
    HourlyRollup,
    Kind,
    PlaceRollup,
)

DASHBOARD_LOCK_ID = 7_301_300
RECENT_HOURS = 3
FOLDED_KINDS = (Kind.SIGNATURE, Kind.RSVP, Kind.GIFT)

# (campaign_id, kind, hour, place, currency) -> [count, amount]
Deltas = dict[tuple[int, str, datetime.datetime, str, str], list[int]]


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


# ---------------------------------------------------------------------------- calls


def _campaigns_of_actions(action_ids) -> dict[int, int]:
    return dict(CallAction.objects.filter(pk__in=set(action_ids)).values_list("pk", "campaign_id"))


def calls_folded(sender, rows, **kwargs) -> None:
    """Receiver of calls.services.reports_folded: already inside the fold's transaction."""
    campaigns = _campaigns_of_actions(row[1] for row in rows)
    deltas: Deltas = defaultdict(lambda: [0, 0])
    targets: Counter = Counter()
    for row in rows:
        # The fold may select more columns after these; only the first seven are needed here.
        _id, action_id, target_id, office_id, outcome, created, place = row[:7]
        campaign_id = campaigns[action_id]
        targets[(campaign_id, target_id, office_id, outcome)] += 1
        if outcome != Outcome.SKIPPED:
            deltas[(campaign_id, Kind.CALL.value, floor_hour(created), place, "")][0] += 1
    apply(deltas)
    add_counts(
        CallTargetRollup,
        ["campaign_id", "target_id", "office_id", "outcome"],
        [(*key, count) for key, count in sorted(targets.items())],
    )


def rebuild_calls() -> int:
    """Recount every folded report (for a site that had calls before the dashboard, or to
    check). Holds the calls fold's lock, so no report is folded meanwhile."""
    with transaction.atomic():
        advisory_lock(FOLD_LOCK_ID)
        advisory_lock(DASHBOARD_LOCK_ID)
        for model in (ActionRollup, HourlyRollup, PlaceRollup):
            model.objects.filter(kind=Kind.CALL).delete()
        CallTargetRollup.objects.all().delete()
        folded = CallReport.objects.filter(folded=True)
        per_hour = (
            folded.exclude(outcome=Outcome.SKIPPED)
            .annotate(h=TruncHour("created_at", tzinfo=datetime.UTC))
            .values_list("action__campaign_id", "h", "place")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        apply({(c, Kind.CALL.value, _utc(h), place, ""): [n, 0] for c, h, place, n in per_hour})
        per_target = (
            folded.values_list("action__campaign_id", "target_id", "office_id", "outcome")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        rows = list(per_target)
        add_counts(CallTargetRollup, ["campaign_id", "target_id", "office_id", "outcome"], rows)
        return sum(row[-1] for row in rows)


# ---------------------------------------------------------------------------- the rest


def _counted(kind: str, since, campaign_id: int | None) -> Deltas:
    """What the raw rows say now, per (campaign, kind, hour, place, currency)."""
    if kind == Kind.SIGNATURE:
        rows = Signature.objects.counted()
        moment, campaign = "confirmed_at", "petition__campaign_id"
    elif kind == Kind.RSVP:
        rows = Rsvp.objects.exclude(status=Rsvp.Status.CANCELLED)
        moment, campaign = "created_at", "session__event__campaign_id"
    else:
        rows = Gift.objects.all()
        moment, campaign = "created_at", "fundraiser__campaign_id"
    rows = rows.filter(**{f"{campaign}__isnull": False})
    if since is not None:
        rows = rows.filter(**{f"{moment}__gte": since})
    if campaign_id is not None:
        rows = rows.filter(**{campaign: campaign_id})
    rows = rows.annotate(h=TruncHour(moment, tzinfo=datetime.UTC)).order_by()
    if kind == Kind.SIGNATURE:
        grouped = rows.values_list(campaign, "h", "district").annotate(n=models.Count("pk"))
        return {(c, kind, _utc(h), place, ""): [n, 0] for c, h, place, n in grouped}
    if kind == Kind.RSVP:
        grouped = rows.values_list(campaign, "h").annotate(
            n=models.Count("pk"), a=models.Sum(models.F("guests") + 1)
        )
        return {(c, kind, _utc(h), "", ""): [n, a] for c, h, n, a in grouped}
    grouped = rows.values_list(campaign, "h", "currency").annotate(
        n=models.Count("pk"), a=models.Sum(models.F("amount") - models.F("refunded_amount"))
    )
    return {(c, kind, _utc(h), "", cur): [n, a] for c, h, cur, n, a in grouped}


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


def _refold(kind: str, since, campaign_id: int | None) -> int:
    with transaction.atomic():
        advisory_lock(DASHBOARD_LOCK_ID)
        now, held = _counted(kind, since, campaign_id), _held(kind, since, campaign_id)
        deltas = {}
        for key in now.keys() | held.keys():
            new, old = now.get(key, [0, 0]), held.get(key, [0, 0])
            deltas[key] = [new[0] - old[0], new[1] - old[1]]
        apply(deltas)
        return sum(1 for d in deltas.values() if d[0] or d[1])


def fold(since: datetime.datetime | None = ..., kinds=FOLDED_KINDS) -> int:
    """Bring the rollups of signatures, RSVPs and gifts in line with the raw rows, for the
    hours from `since` (default: the last few) or, with since=None, for all of time, one
    campaign at a time. Returns how many fine rollup rows changed."""
    if since is ...:
        since = floor_hour(timezone.now()) - datetime.timedelta(hours=RECENT_HOURS)
    elif since is not None:
        since = floor_hour(since)
    changed = 0
    for kind in kinds:
        if since is not None:
            changed += _refold(kind, since, None)
            continue
        from tocsin.campaigns.models import Campaign

        for campaign_id in Campaign.objects.values_list("pk", flat=True).order_by("pk"):
            changed += _refold(kind, None, campaign_id)
    return changed
