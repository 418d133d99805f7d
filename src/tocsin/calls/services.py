"""The call-in flow: whom to call, in which order, what to say, and counting what happened.

A report is one INSERT (ignored when its idempotency key was seen before). Nothing on the
request path updates a shared counter: tallies are folded in from unfolded reports at most
every few seconds, under a lock, and the public count is read from the tallies.
"""

import datetime
import logging
import math
import uuid
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from tocsin.campaigns.models import Stance, TargetStance
from tocsin.core.memo import forget, remembered
from tocsin.core.tallies import add_counts, advisory_lock
from tocsin.districts import services as districts
from tocsin.districts.states import STATES
from tocsin.targets.delegations import delegation_for
from tocsin.targets.models import Chamber, Office, Target

from . import buffer, journal
from .models import (
    CALLER_ANSWER_VALUES,
    DEAD_LINE_OUTCOMES,
    OUTCOME_VALUES,
    AnswerTally,
    CallAction,
    CallReport,
    CallTally,
    DemandTally,
    Outcome,
    ScriptVariant,
)

logger = logging.getLogger(__name__)
COUNT_CACHE_SECONDS = 5
LINE_HEALTH_CACHE_SECONDS = 60
LINE_HEALTH_DAYS = 7
DEAD_LINE_MIN_ATTEMPTS = 5
DEAD_LINE_SHARE = 0.5
FOLD_BATCH = 5000
REPORT_FACTS_CACHE_SECONDS = 30
ACTION_CACHE_SECONDS = 10
FOLD_LOCK_ID = 7_301_299  # any constant: serialises folds on PostgreSQL
OFFICE_HOURS = (9, 17)  # a congressional office is likely answered 9:00–17:00 on weekdays
WASHINGTON_TIMEZONE = "America/New_York"


class ReportRefused(ValueError):
    """The report does not match this campaign's targets and offices."""


# ---------------------------------------------------------------------------- whom to call


def targets_for(action: CallAction, district: districts.DistrictRef | None) -> list[Target]:
    """The people a supporter in `district` calls, in order, each once."""
    custom = [
        link.target
        for link in action.campaign.campaign_targets.select_related("target")
        if link.target.is_active
    ]
    looked_up: list[Target] = []
    if action.uses_lookup and district is not None:
        delegation = delegation_for(district)
        if action.chambers in (CallAction.Chambers.HOUSE, CallAction.Chambers.BOTH):
            looked_up += delegation.house_members
        if action.chambers in (CallAction.Chambers.SENATE, CallAction.Chambers.BOTH):
            looked_up += delegation.senators

    mode, placement = action.target_mode, action.custom_placement
    if mode == CallAction.TargetMode.FIXED:
        chosen = custom
    elif mode == CallAction.TargetMode.LOOKUP:
        chosen = looked_up
    elif placement == CallAction.CustomPlacement.FIRST:
        chosen = custom + looked_up
    elif placement == CallAction.CustomPlacement.LAST:
        chosen = looked_up + custom
    else:
        chosen = looked_up or custom

    if action.only_unsupportive:
        supporting = set(
            TargetStance.objects.filter(
                campaign=action.campaign_id, stance=Stance.SUPPORTS
            ).values_list("target_id", flat=True)
        )
        chosen = [t for t in chosen if t.pk not in supporting]
    seen: set[int] = set()
    return [t for t in chosen if not (t.pk in seen or seen.add(t.pk))]


# ---------------------------------------------------------------------------- offices


@dataclass(frozen=True)
class OfficeClock:
    local_time: datetime.datetime
    likely_open: bool


def office_timezone(office: Office) -> ZoneInfo:
    if office.kind == Office.Kind.WASHINGTON:
        return ZoneInfo(WASHINGTON_TIMEZONE)
    state = STATES.get(office.state) or STATES.get(office.target.state)
    return ZoneInfo(state.timezone if state else WASHINGTON_TIMEZONE)


def office_clock(office: Office, now: datetime.datetime | None = None) -> OfficeClock:
    local = (now or timezone.now()).astimezone(office_timezone(office))
    opens, closes = OFFICE_HOURS
    return OfficeClock(local, local.weekday() < 5 and opens <= local.hour < closes)


def dead_lines(office_ids) -> set[int]:
    """Offices whose lines were mostly busy or full lately (from the tallies, cached)."""
    office_ids = sorted(set(office_ids))
    if not office_ids:
        return set()
    key = "calls:dead-lines:" + ",".join(map(str, office_ids))
    cached = cache.get(key)
    if cached is not None:
        return cached
    since = timezone.now().date() - datetime.timedelta(days=LINE_HEALTH_DAYS)
    rows = (
        CallTally.objects.filter(office_id__in=office_ids, day__gte=since)
        .exclude(outcome=Outcome.SKIPPED)
        .values("office_id")
        .annotate(
            attempts=models.Sum("count"),
            dead=models.Sum("count", filter=models.Q(outcome__in=DEAD_LINE_OUTCOMES)),
        )
    )
    dead = {
        row["office_id"]
        for row in rows
        if row["attempts"] >= DEAD_LINE_MIN_ATTEMPTS
        and (row["dead"] or 0) >= DEAD_LINE_SHARE * row["attempts"]
    }
    cache.set(key, dead, LINE_HEALTH_CACHE_SECONDS)
    return dead


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    latitude = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(latitude)
    dy = math.radians(b[0] - a[0])
    return 6371 * math.hypot(dx, dy)


def ordered_offices(
    action: CallAction, target: Target, district: districts.DistrictRef | None
) -> list[Office]:
    """Washington first or nearest first, as the organizer chose; lines that have mostly
    been dead lately go to the end."""
    offices = [o for o in target.offices.all() if o.is_active and not o.hidden]
    nearest_first = action.office_order == CallAction.OfficeOrder.NEAREST_FIRST
    centre = districts.district_centroid(district) if nearest_first and district else None

    def base_key(office: Office):
        is_washington = office.kind == Office.Kind.WASHINGTON
        if centre:
            if office.latitude is not None and office.longitude is not None:
                return (0, _distance_km(centre, (office.latitude, office.longitude)))
            return (1 if not is_washington else 2, office.position)
        return (0 if is_washington else 1, office.position)

    offices.sort(key=base_key)
    dead = dead_lines(o.pk for o in offices)
    return sorted(offices, key=lambda o: o.pk in dead)  # stable: keeps the order above


# ---------------------------------------------------------------------------- script


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def script_for(action: CallAction, target: Target, *, zip_code: str = "", town: str = "") -> str:
    variant = ScriptVariant.objects.filter(action=action, target=target).first()
    text = variant.script if variant else action.script
    if variant is None and action.script_for_supporters:
        supports = TargetStance.objects.filter(
            campaign=action.campaign_id, target=target, stance=Stance.SUPPORTS
        ).exists()
        if supports:
            text = action.script_for_supporters
    values = _Placeholders(
        title=target.title, name=target.name, zip=zip_code or "______", town=town or "______"
    )
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return text  # an organizer's stray brace shows as written rather than breaking


# ---------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportableOffice:
    """What checking a report needs to know about an office and its person (cached briefly)."""

    office_id: int
    target_id: int
    callable: bool
    kind: str
    chamber: str
    state: str
    district: int


def _reportable_office(office_id: int) -> ReportableOffice | None:
    def compute():
        office = Office.objects.select_related("target").filter(pk=office_id).first()
        if office is None:
            return False
        target = office.target
        return ReportableOffice(
            office_id=office.pk,
            target_id=target.pk,
            callable=office.is_active and not office.hidden and target.is_active,
            kind=target.kind,
            chamber=target.chamber,
            state=target.state,
            district=target.district or 0,
        )

    return remembered(f"calls:office:{office_id}", compute, REPORT_FACTS_CACHE_SECONDS) or None


def _fixed_target_ids(action: CallAction) -> frozenset[int]:
    return remembered(
        f"calls:fixed-targets:{action.pk}",
        lambda: frozenset(action.campaign.campaign_targets.values_list("target_id", flat=True)),
        REPORT_FACTS_CACHE_SECONDS,
    )


def _may_be_called(action: CallAction, office: ReportableOffice, district) -> bool:
    if not office.callable:
        return False
    if action.target_mode != CallAction.TargetMode.LOOKUP and office.target_id in (
        _fixed_target_ids(action)
    ):
        return True
    if not action.uses_lookup or office.kind != Target.Kind.LEGISLATOR or district is None:
        return False
    chambers = {
        CallAction.Chambers.HOUSE: {Chamber.HOUSE},
        CallAction.Chambers.SENATE: {Chamber.SENATE},
        CallAction.Chambers.BOTH: {Chamber.HOUSE, Chamber.SENATE},
    }[action.chambers]
    if office.chamber not in chambers:
        return False
    if office.chamber == Chamber.SENATE:
        return office.state == district.state
    return (office.state, office.district) == (district.state, district.district)


def report_call(
    action: CallAction,
    *,
    key: uuid.UUID,
    target_id: int,
    office_id: int,
    outcome: str,
    demand_ids: list[int],
    district: districts.DistrictRef | None,
    valid_demand_ids: set[int] | None = None,
    answer: str = "",
) -> bool:
    """Record one outcome; the same key again (a double tap, a retry) records nothing.

    Returns whether this call recorded it. The checks read briefly cached facts, so a report
    costs one INSERT.
    """
    if outcome not in OUTCOME_VALUES:
        raise ReportRefused("unknown outcome")
    if answer and answer not in CALLER_ANSWER_VALUES:
        raise ReportRefused("unknown answer")
    office = _reportable_office(office_id)
    if (
        office is None
        or office.target_id != target_id
        or not _may_be_called(action, office, district)
    ):
        raise ReportRefused("that office is not one this campaign calls")
    if demand_ids:
        if valid_demand_ids is None:
            valid_demand_ids = set(action.campaign.demands.values_list("pk", flat=True))
        if not set(demand_ids) <= valid_demand_ids:
            raise ReportRefused("unknown demand")
    values = {
        "key": str(key),
        "action_id": action.pk,
        "target_id": target_id,
        "office_id": office_id,
        "outcome": outcome,
        "demands_raised": ",".join(str(d) for d in sorted(set(demand_ids))),
        "place": district.label if district else "",
        "answer": answer,
    }
    if journal.enabled():
        try:
            return journal.record(values | {"created_at": timezone.now().isoformat()})
        except OSError as error:  # a full disk, a directory it may not write to
            logger.error("could not journal a call report (%s); stored it directly", error)
    if buffer.enabled():
        return buffer.record(values | {"created_at": timezone.now().isoformat()})
    return _insert_report(**values, created_at=timezone.now(), folded=False)


def _insert_report(**values) -> bool:
    """One INSERT … ON CONFLICT (key) DO NOTHING, in autocommit: a single round trip and no ORM
    machinery on the hottest write of a campaign. True when the row is new."""
    meta = CallReport._meta
    columns = [meta.get_field(name) for name in values]
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(columns, values.values(), strict=True)
    ]
    quote = connection.ops.quote_name
    # Identifiers come from the model, values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
        quote(meta.get_field("key").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@dataclass(frozen=True)
class PublicAction:
    action: CallAction
    demands: tuple


def public_action(slug: str) -> PublicAction | None:
    """A live or closed campaign's active call action and its demands, remembered briefly:
    every step and report of the flow needs them."""

    def compute():
        action = (
            CallAction.objects.select_related("campaign", "campaign__organization")
            .filter(campaign__slug=slug, is_active=True)
            .exclude(campaign__status="draft")
            .first()
        )
        return PublicAction(action, tuple(action.campaign.demands.all())) if action else False

    return remembered(f"calls:action:{slug}", compute, ACTION_CACHE_SECONDS) or None


def forget_public_action(slug: str) -> None:
    forget(f"calls:action:{slug}")


# ---------------------------------------------------------------------------- counts


def drain_buffer(batch: int = FOLD_BATCH) -> int:
    """Move journaled and buffered reports into the database (see journal.py, buffer.py).
    The journal is drained whatever the setting, so nothing is left behind after a switch."""
    moved = drain_journal()
    if not buffer.enabled():
        return moved
    with buffer.client().lock(f"{settings.TOCSIN_REDIS_PREFIX}:calls:drain", timeout=120):
        while items := buffer.peek(batch):
            with transaction.atomic():
                insert_buffered(
                    item | {"created_at": datetime.datetime.fromisoformat(item["created_at"])}
                    for item in items
                )
            buffer.trim(len(items))
            moved += len(items)
    return moved


def drain_journal() -> int:
    return journal.JOURNAL.drain()


def _known(reports: list[dict]) -> list[dict]:
    """Without the reports whose action, target or office was deleted meanwhile: inserting
    one would fail its whole batch."""
    known = {
        name: set(
            model.objects.filter(pk__in={r[name] for r in reports}).values_list("pk", flat=True)
        )
        for name, model in (("action_id", CallAction), ("target_id", Target), ("office_id", Office))
    }
    return [r for r in reports if all(r[name] in ids for name, ids in known.items())]


def insert_buffered(reports) -> None:
    """Insert reports that waited in Redis (folded later); a repeated key is skipped."""
    CallReport.objects.bulk_create(
        [CallReport(**report) for report in _known(list(reports))],
        ignore_conflicts=True,
        batch_size=1000,
    )


def store_journaled(reports: list[dict]) -> None:
    """Insert journaled reports already folded, and add the new ones to the tallies at once,
    in the drain's transaction: one write per report instead of an insert, a read and an
    update. A repeated key is skipped (and not counted)."""
    # A key twice in the batch (a double tap): the first one only.
    reports = list({r["key"]: r for r in reversed(_known(reports))}.values())[::-1]
    if not reports:
        return
    new_ids = {}
    for start in range(0, len(reports), 1000):  # SQLite takes at most 32,766 parameters
        new_ids |= _insert_returning_new(reports[start : start + 1000])
    rows = [
        (new_ids[report["key"]], *(report[name] for name in FOLDED_COLUMNS[1:]))
        for report in reports
        if report["key"] in new_ids
    ]
    if rows:
        with transaction.atomic():
            advisory_lock(FOLD_LOCK_ID)
            _add_to_tallies(rows)


def _insert_returning_new(reports: list[dict]) -> dict[str, int]:
    """{key: id} of the reports (each key once) this INSERT … ON CONFLICT (key) DO NOTHING
    wrote."""
    meta = CallReport._meta
    fields = [meta.get_field(name) for name in JOURNALED_COLUMNS]
    quote = connection.ops.quote_name
    key, pk = quote(meta.get_field("key").column), quote(meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        # One array per column: a statement of fixed size, parsed once. The journal's values
        # (numbers, text, an aware datetime) need no preparing; the casts type them.
        source = "SELECT * FROM unnest({})".format(  # noqa: S608 (column types, not input)
            ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        )
        params = [[report.get(f.attname, True) for report in reports] for f in fields]
    else:
        rows = [
            [f.get_db_prep_save(report.get(f.attname, True), connection) for f in fields]
            for report in reports
        ]
        row = "({})".format(", ".join(["%s"] * len(fields)))
        source = "VALUES " + ", ".join([row] * len(rows))
        params = [value for row_values in rows for value in row_values]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) {source} "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}, {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(uuid.UUID(str(written))): id_ for written, id_ in cursor.fetchall()}


# Sent inside the fold's locked transaction with the rows just folded, each beginning
# (id, action_id, target_id, office_id, outcome, created_at, place, …): receivers
# (the dashboard's rollups) add them to their own counts exactly once, or not at all.
reports_folded = Signal()


def fold_reports(batch: int = FOLD_BATCH) -> int:
    """Add unfolded reports to the tallies; returns how many were folded."""
    drain_buffer(batch)
    folded = 0
    while True:
        with transaction.atomic():
            advisory_lock(FOLD_LOCK_ID)
            rows = list(
                CallReport.objects.filter(folded=False)
                .order_by("id")
                .values_list(*FOLDED_COLUMNS)[:batch]
            )
            if not rows:
                return folded
            _add_to_tallies(rows)
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), 500):
                CallReport.objects.filter(id__in=ids[start : start + 500]).update(folded=True)
            folded += len(rows)
        if len(rows) < batch:
            return folded


# Written from the journal, `folded` last (always true: they are counted as they go in).
JOURNALED_COLUMNS = (
    "key", "action_id", "target_id", "office_id", "outcome", "demands_raised", "place",
    "answer", "created_at", "folded",
)  # fmt: skip
FOLDED_COLUMNS = (
    "id", "action_id", "target_id", "office_id", "outcome", "created_at", "place",
    "demands_raised", "answer",
)  # fmt: skip


def _add_to_tallies(rows) -> None:
    """Count reports (tuples of FOLDED_COLUMNS) into the tallies, and tell the receivers of
    reports_folded; inside the caller's transaction, once per report."""
    tallies: Counter = Counter()
    demand_tallies: Counter = Counter()
    answer_tallies: Counter = Counter()
    for row in rows:
        _id, action_id, target_id, office_id, outcome, created, place, demands, answer = row
        day = created.astimezone(datetime.UTC).date()
        tallies[(action_id, target_id, office_id, outcome, day, place)] += 1
        if answer:
            answer_tallies[(action_id, target_id, answer)] += 1
        for demand_id in filter(None, demands.split(",")):
            demand_tallies[(action_id, int(demand_id), day)] += 1
    add_counts(
        CallTally,
        ["action_id", "target_id", "office_id", "outcome", "day", "place"],
        [(*key, count) for key, count in tallies.items()],
    )
    add_counts(
        DemandTally,
        ["action_id", "demand_id", "day"],
        [(*key, count) for key, count in demand_tallies.items()],
    )
    add_counts(
        AnswerTally,
        ["action_id", "target_id", "answer"],
        [(*key, count) for key, count in answer_tallies.items()],
    )
    reports_folded.send(sender=CallReport, rows=rows)


def call_count(action: CallAction) -> int:
    """Calls reported for this action (skips not counted), at most a few seconds stale."""
    key = f"calls:count:{action.pk}"
    count = cache.get(key)
    if count is None:
        fold_reports()
        count = (
            CallTally.objects.filter(action=action)
            .exclude(outcome=Outcome.SKIPPED)
            .aggregate(total=models.Sum("count"))["total"]
            or 0
        )
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def call_counts_by_target(action: CallAction) -> dict[int, int]:
    """Calls reported per target for this action (skips not counted), from the tallies."""
    key = f"calls:count-by-target:{action.pk}"
    counts = cache.get(key)
    if counts is None:
        fold_reports()
        counts = dict(
            CallTally.objects.filter(action=action)
            .exclude(outcome=Outcome.SKIPPED)
            .values("target_id")
            .annotate(total=models.Sum("count"))
            .values_list("target_id", "total")
        )
        cache.set(key, counts, COUNT_CACHE_SECONDS)
    return counts


def answer_counts(action: CallAction) -> dict[int, Counter]:
    """Callers' answers per target ({target_id: Counter({"yes": 3, …})}), from the tallies."""
    fold_reports()
    counts: dict[int, Counter] = {}
    for target_id, answer, count in AnswerTally.objects.filter(action=action).values_list(
        "target_id", "answer", "count"
    ):
        counts.setdefault(target_id, Counter())[answer] += count
    return counts
