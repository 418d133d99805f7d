"""What the organizers' dashboard shows, read from the rollups only (a few thousand rows)."""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from tocsin.calls.models import DEAD_LINE_OUTCOMES, Outcome
from tocsin.campaigns.models import Campaign
from tocsin.districts.states import STATES
from tocsin.petitions.services import is_constituency, mps_by_constituency, place_name
from tocsin.targets.models import Office, Target

from .models import (
    ACTION_KINDS,
    CallTargetRollup,
    HourlyRollup,
    Kind,
    LetterTargetRollup,
    PlaceRollup,
)

RECENT_HOURS = 7 * 24
TOP_TARGETS = 20  # on the page; the CSV has them all


def zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TOCSIN_DASHBOARD_TIME_ZONE)


@dataclass
class Series:
    """Counts per kind over consecutive buckets (hours or days)."""

    labels: list  # datetimes (local) or dates
    counts: dict[str, list[int]]

    def rows(self):
        for index, label in enumerate(self.labels):
            yield label, [self.counts[kind][index] for kind in ACTION_KINDS]


@dataclass
class OfficeLine:
    target: Target
    office: Office
    outcomes: dict[str, int]

    @property
    def attempts(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome != Outcome.SKIPPED)

    @property
    def dead(self) -> int:
        return sum(self.outcomes.get(outcome, 0) for outcome in DEAD_LINE_OUTCOMES)

    @property
    def dead_percent(self) -> int | None:
        return round(100 * self.dead / self.attempts) if self.attempts else None


@dataclass
class TargetLine:
    target: Target
    offices: list[OfficeLine] = field(default_factory=list)

    @property
    def outcomes(self) -> dict[str, int]:
        total: dict[str, int] = defaultdict(int)
        for line in self.offices:
            for outcome, n in line.outcomes.items():
                total[outcome] += n
        return dict(total)

    @property
    def attempts(self) -> int:
        return sum(line.attempts for line in self.offices)

    @property
    def dead_percent(self) -> int | None:
        attempts = self.attempts
        dead = sum(line.dead for line in self.offices)
        return round(100 * dead / attempts) if attempts else None


@dataclass(frozen=True)
class LetterLine:
    target: Target
    letters: int


@dataclass
class Dashboard:
    campaign: Campaign
    zone: zoneinfo.ZoneInfo
    totals: dict[str, int]
    people_coming: int
    raised: dict[str, int]  # currency -> net minor units
    views: int
    views_since: datetime.datetime | None
    actions_since_views: int
    hourly: Series
    daily: Series
    targets: list[TargetLine]
    outcome_totals: dict[str, int]
    letter_targets: list[LetterLine] = field(default_factory=list)

    @property
    def top_targets(self) -> list[TargetLine]:
        return self.targets[:TOP_TARGETS]

    @property
    def more_targets(self) -> int:
        return max(0, len(self.targets) - TOP_TARGETS)

    @property
    def top_letter_targets(self) -> list[LetterLine]:
        return self.letter_targets[:TOP_TARGETS]

    @property
    def more_letter_targets(self) -> int:
        return max(0, len(self.letter_targets) - TOP_TARGETS)

    @property
    def raised_text(self) -> list[str]:
        from tocsin.fundraising.money import format_money

        return [format_money(amount, currency) for currency, amount in self.raised.items()]

    @property
    def actions(self) -> int:
        return sum(self.totals.values())

    @property
    def conversion_percent(self) -> float | None:
        """Actions per counted view, as a percent; None when it would say nothing true.

        Views are a sample (cached pages, mail links and shares reach the forms without a
        counted view), so actions can outnumber them: a rate over 100% is not a rate. The
        page then shows both numbers instead (`actions_outnumber_views`)."""
        if not self.views or self.actions_outnumber_views:
            return None
        return round(100 * self.actions_since_views / self.views, 1)

    @property
    def actions_outnumber_views(self) -> bool:
        return bool(self.views) and self.actions_since_views > self.views

    @property
    def dead_percent(self) -> int | None:
        attempts = sum(n for o, n in self.outcome_totals.items() if o != Outcome.SKIPPED)
        dead = sum(self.outcome_totals.get(o, 0) for o in DEAD_LINE_OUTCOMES)
        return round(100 * dead / attempts) if attempts else None

    @property
    def outcome_rows(self):
        return [(label, self.outcome_totals.get(value, 0)) for value, label in Outcome.choices]


def _series(points: dict, labels: list, kinds=ACTION_KINDS) -> Series:
    index = {label: i for i, label in enumerate(labels)}
    counts = {kind: [0] * len(labels) for kind in kinds}
    for (kind, label), n in points.items():
        if kind in counts and label in index:
            counts[kind][index[label]] += n
    return Series(labels, counts)


def dashboard(campaign: Campaign, now: datetime.datetime | None = None) -> Dashboard:
    tz = zone()
    now = (now or timezone.now()).astimezone(tz)
    rows = HourlyRollup.objects.for_campaign(campaign).values_list(
        "kind", "hour", "currency", "count", "amount"
    )
    totals = dict.fromkeys(ACTION_KINDS, 0)
    raised: dict[str, int] = defaultdict(int)
    people = views = 0
    views_since = None
    per_hour: dict = defaultdict(int)
    per_day: dict = defaultdict(int)
    first_day = last_day = None
    kept = []
    locals_: dict = {}
    for kind, hour, currency, count, amount in rows:
        local = locals_.get(hour)
        if local is None:
            local = locals_[hour] = hour.astimezone(tz)
        if kind == Kind.VIEW:
            views += count
            views_since = min(views_since or local, local)
            continue
        kept.append((kind, local, count))
        totals[kind] += count
        if kind == Kind.GIFT:
            raised[currency] += amount
        elif kind == Kind.RSVP:
            people += amount
        per_hour[(kind, local)] += count
        per_day[(kind, local.date())] += count
        if count:
            first_day = min(first_day or local.date(), local.date())
            last_day = max(last_day or local.date(), local.date())
    actions_since_views = (
        sum(count for _kind, local, count in kept if local >= views_since) if views_since else 0
    )

    this_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = [this_hour - datetime.timedelta(hours=h) for h in range(RECENT_HOURS - 1, -1, -1)]
    # Keyed by the local wall time of each UTC hour: identical for whole-hour zones.
    hours = [h.astimezone(datetime.UTC).astimezone(tz) for h in hours]
    today = now.date()
    start = min(first_day or today, today)
    days = [start + datetime.timedelta(days=d) for d in range((today - start).days + 1)]
    return Dashboard(
        campaign=campaign,
        zone=tz,
        totals=totals,
        people_coming=people,
        raised=dict(sorted(raised.items())),
        views=views,
        views_since=views_since,
        actions_since_views=actions_since_views,
        hourly=_series(per_hour, hours),
        daily=_series(per_day, days),
        **_targets(campaign),
        letter_targets=letter_targets(campaign),
    )


def _targets(campaign: Campaign) -> dict:
    rows = list(
        CallTargetRollup.objects.for_campaign(campaign).values_list(
            "target_id", "office_id", "outcome", "count"
        )
    )
    targets = Target.objects.in_bulk({row[0] for row in rows})
    offices = Office.objects.in_bulk({row[1] for row in rows})
    lines: dict[int, TargetLine] = {}
    office_lines: dict[int, OfficeLine] = {}
    outcome_totals: dict[str, int] = defaultdict(int)
    for target_id, office_id, outcome, count in rows:
        target_line = lines.setdefault(target_id, TargetLine(targets[target_id]))
        if office_id not in office_lines:
            office_lines[office_id] = OfficeLine(targets[target_id], offices[office_id], {})
            target_line.offices.append(office_lines[office_id])
        office_lines[office_id].outcomes[outcome] = count
        outcome_totals[outcome] += count
    ordered = sorted(lines.values(), key=lambda line: (-line.attempts, line.target.name))
    for line in ordered:
        line.offices.sort(key=lambda o: (-o.attempts, o.office.pk))
    return {"targets": ordered, "outcome_totals": dict(outcome_totals)}


def letter_targets(campaign: Campaign) -> list[LetterLine]:
    """Letters per target, the most written to first."""
    rows = list(
        LetterTargetRollup.objects.for_campaign(campaign)
        .filter(count__gt=0)
        .values_list("target_id", "count")
    )
    targets = Target.objects.in_bulk({target_id for target_id, _count in rows})
    lines = [LetterLine(targets[target_id], count) for target_id, count in rows]
    return sorted(lines, key=lambda line: (-line.letters, line.target.name, line.target.pk))


# ---------------------------------------------------------------------------- places


@dataclass(frozen=True)
class PlaceRow:
    place: str
    name: str
    calls: int
    signatures: int
    mp: str = ""  # a constituency's sitting MP, by name
    letters: int = 0

    @property
    def actions(self) -> int:
        return self.calls + self.signatures + self.letters


def _place_counts(campaign: Campaign) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unknown: dict[str, int] = defaultdict(int)
    for kind, place, count in PlaceRollup.objects.for_campaign(campaign).values_list(
        "kind", "place", "count"
    ):
        if place:
            counts[place][kind] += count
        else:
            unknown[kind] += count
    return counts, unknown


def places(campaign: Campaign) -> tuple[list[PlaceRow], list[PlaceRow], dict[str, int]]:
    """US places by district and by state (state-only places count in their state), and the
    totals whose place is unknown. UK constituencies are apart: constituencies()."""
    counts, unknown = _place_counts(campaign)
    by_state: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    districts = []
    for place, kinds in counts.items():
        if is_constituency(place):
            continue
        state = place.split("-", 1)[0]
        for kind, n in kinds.items():
            by_state[state][kind] += n
        no_senators = state in STATES and not STATES[state].has_senators
        if "-" in place or no_senators or _at_large(place):
            districts.append(place)

    def row(place: str, source) -> PlaceRow:
        return PlaceRow(
            place,
            place_name(place),
            source[Kind.CALL],
            source[Kind.SIGNATURE],
            letters=source[Kind.LETTER],
        )

    district_rows = sorted((row(p, counts[p]) for p in districts), key=_place_order)
    state_rows = sorted((row(s, by_state[s]) for s in by_state), key=_place_order)
    return district_rows, state_rows, dict(unknown)


def constituencies(campaign: Campaign) -> list[PlaceRow]:
    """UK constituencies by name, each with its MP (as the UK Parliament's petitions site
    lists them)."""
    counts, _unknown = _place_counts(campaign)
    codes = [place for place in counts if is_constituency(place)]
    mps = mps_by_constituency(codes)
    rows = [
        PlaceRow(
            code,
            place_name(code),
            counts[code][Kind.CALL],
            counts[code][Kind.SIGNATURE],
            mps[code].name if code in mps else "",
            letters=counts[code][Kind.LETTER],
        )
        for code in codes
    ]
    return sorted(rows, key=lambda row: (row.name, row.place))


def _place_order(row: PlaceRow):
    state, _sep, number = row.place.partition("-")
    return (state, int(number) if number.isdigit() else 0)


_AT_LARGE = {"AK", "DE", "ND", "SD", "VT", "WY"}


def _at_large(state: str) -> bool:
    """Whether a bare state label is also its only House district."""
    return state in _AT_LARGE
