"""The call-in flow: whom to call, in which order, what to say, and counting what happened.

A report is one INSERT (nothing when its idempotency key was seen before). Counts are
aggregates over the reports, read through a short cache: nothing on a supporter's request
updates a shared counter, and reading a count writes nothing.
"""

import datetime
import math
import uuid
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Stance, TargetStance
from tocsin.core.emails import normalize_email
from tocsin.core.signals import happened
from tocsin.districts import services as districts
from tocsin.districts.states import STATES
from tocsin.districts.uk import ConstituencyRef
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Consent, Supporter
from tocsin.targets.delegations import delegation_for
from tocsin.targets.models import Chamber, Office, Target
from tocsin.targets.services import offices_for

from .models import (
    COUNTED_OUTCOMES,
    DEAD_LINE_OUTCOMES,
    CallAction,
    CallerAnswer,
    CallReport,
    Outcome,
    ScriptVariant,
)

COUNT_CACHE_SECONDS = 5
LINE_HEALTH_CACHE_SECONDS = 60
LINE_HEALTH_DAYS = 7
DEAD_LINE_MIN_ATTEMPTS = 5
DEAD_LINE_SHARE = 0.5
REPORT_FACTS_CACHE_SECONDS = 30
ACTION_CACHE_SECONDS = 10
OFFICE_HOURS = (9, 17)  # a congressional office is likely answered 9:00–17:00 on weekdays
WASHINGTON_TIMEZONE = "America/New_York"


class ReportRefused(ValueError):
    """The report does not match this campaign's targets and offices."""


# ---------------------------------------------------------------------------- whom to call


def representatives_for(
    action: CallAction, place: districts.DistrictRef | ConstituencyRef | None
) -> list[Target]:
    """Whom the lookup finds for `place`: a US district's member and senators, as the action's
    chambers say, or a UK constituency's MP (`districts.uk.ConstituencyRef`; the MP is the
    supporter's representative, so an action asking for senators only finds nobody there)."""
    if place is None or not action.uses_lookup:
        return []
    wants_house = action.chambers in (CallAction.Chambers.HOUSE, CallAction.Chambers.BOTH)
    if isinstance(place, ConstituencyRef):
        member = Target.objects.mp_for(place.code) if wants_house else None
        return [member] if member else []
    delegation = delegation_for(place)
    looked_up: list[Target] = []
    if wants_house:
        looked_up += delegation.house_members
    if action.chambers in (CallAction.Chambers.SENATE, CallAction.Chambers.BOTH):
        looked_up += delegation.senators
    return looked_up


def targets_for(
    action: CallAction,
    place: districts.DistrictRef | ConstituencyRef | None,
    *,
    leave_out_supporters: bool | None = None,
) -> list[Target]:
    """The people a supporter in `place` (a US district or a UK constituency) calls, in order,
    each once: the representatives looked up there and the campaign's own targets (custom
    targets, UK ministers) as the organizer placed them. Those already supporting are left
    out as the organizer chose, unless `leave_out_supporters` says."""
    custom = [
        link.target
        for link in action.campaign.campaign_targets.select_related("target")
        if link.target.is_active
    ]
    looked_up = representatives_for(action, place)

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

    if leave_out_supporters is None:
        leave_out_supporters = action.only_unsupportive
    if leave_out_supporters:
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
    if office.region != "US":
        return ZoneInfo(office.time_zone)
    if office.kind == Office.Kind.WASHINGTON:
        return ZoneInfo(WASHINGTON_TIMEZONE)
    state = STATES.get(office.state) or STATES.get(office.target.state)
    return ZoneInfo(state.timezone if state else WASHINGTON_TIMEZONE)


def office_clock(office: Office, now: datetime.datetime | None = None) -> OfficeClock:
    local = (now or timezone.now()).astimezone(office_timezone(office))
    opens, closes = OFFICE_HOURS
    return OfficeClock(local, local.weekday() < 5 and opens <= local.hour < closes)


def dead_lines(office_ids) -> set[int]:
    """Offices whose lines were mostly busy or full lately (counted from the reports, cached
    briefly)."""
    office_ids = sorted(set(office_ids))
    if not office_ids:
        return set()

    def compute() -> set[int]:
        since = timezone.now() - datetime.timedelta(days=LINE_HEALTH_DAYS)
        rows = (
            CallReport.objects.filter(office_id__in=office_ids, created_at__gte=since)
            .exclude(outcome=Outcome.SKIPPED)
            .values("office_id")
            .annotate(
                attempts=models.Count("pk"),
                dead=models.Count("pk", filter=models.Q(outcome__in=DEAD_LINE_OUTCOMES)),
            )
            .order_by()
        )
        return {
            row["office_id"]
            for row in rows
            if row["attempts"] >= DEAD_LINE_MIN_ATTEMPTS
            and row["dead"] >= DEAD_LINE_SHARE * row["attempts"]
        }

    key = "calls:dead-lines:" + ",".join(map(str, office_ids))
    return cache.get_or_set(key, compute, LINE_HEALTH_CACHE_SECONDS)


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
    offices = offices_for(target, action.campaign.organization_id)
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


@dataclass(frozen=True)
class Line:
    """One number to ring for a person: an office, with any other offices of theirs listed
    under the same number (a shared line is offered once, named after all of them)."""

    offices: tuple[Office, ...]

    @property
    def office(self) -> Office:
        """The office a report of this line names."""
        return self.offices[0]

    @property
    def label(self) -> str:
        return str(get_text_list([office.label for office in self.offices], _("and")))

    @property
    def effective_phone(self) -> str:
        return self.office.effective_phone

    @property
    def tel_uri(self) -> str:
        return self.office.tel_uri


def lines_for(
    action: CallAction, target: Target, district: districts.DistrictRef | None
) -> list[Line]:
    """The numbers to ring for `target`, in office order, each number once."""
    grouped: dict[str, list[Office]] = {}
    for office in ordered_offices(action, target, district):
        # Offices without a number stay apart: there is nothing to share.
        key = office.tel_uri or f"office:{office.pk}"
        grouped.setdefault(key, []).append(office)
    return [Line(tuple(offices)) for offices in grouped.values()]


# ---------------------------------------------------------------------------- script


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def script_source(action: CallAction, target: Target) -> tuple[CallAction | ScriptVariant, str]:
    """Which script the caller reads to `target`, as a row and its field: pages read it in
    the caller's language (and, for a script said in another, in that one too)."""
    variant = ScriptVariant.objects.filter(action=action, target=target).first()
    if variant is not None:
        return variant, "script"
    if action.script_for_supporters:
        supports = TargetStance.objects.filter(
            campaign=action.campaign_id, target=target, stance=Stance.SUPPORTS
        ).exists()
        if supports:
            return action, "script_for_supporters"
    return action, "script"


def script_for(action: CallAction, target: Target, *, zip_code: str = "", town: str = "") -> str:
    source, field = script_source(action, target)
    return fill_script(getattr(source, field), target, zip_code=zip_code, town=town)


def fill_script(text: str, target: Target, *, zip_code: str = "", town: str = "") -> str:
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
    constituency: str = ""


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
            constituency=target.constituency,
        )

    # False stands for "no such office": the cache cannot hold None.
    return (
        cache.get_or_set(office_cache_key(office_id), compute, REPORT_FACTS_CACHE_SECONDS) or None
    )


def office_cache_key(office_id: int) -> str:
    return f"calls:office:{office_id}"


def _fixed_target_ids(action: CallAction) -> frozenset[int]:
    return cache.get_or_set(
        fixed_targets_cache_key(action.pk),
        lambda: frozenset(action.campaign.campaign_targets.values_list("target_id", flat=True)),
        REPORT_FACTS_CACHE_SECONDS,
    )


def fixed_targets_cache_key(action_id: int) -> str:
    return f"calls:fixed-targets:{action_id}"


def _may_be_called(action: CallAction, office: ReportableOffice, district) -> bool:
    if not office.callable:
        return False
    if action.target_mode != CallAction.TargetMode.LOOKUP and office.target_id in (
        _fixed_target_ids(action)
    ):
        return True
    if not action.uses_lookup or office.kind != Target.Kind.LEGISLATOR or district is None:
        return False
    if isinstance(district, ConstituencyRef):  # a UK seat: its MP
        return (
            office.chamber == Chamber.COMMONS
            and action.chambers != CallAction.Chambers.SENATE
            and office.constituency == district.code
        )
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
    source: str = "",
) -> bool:
    """Record one outcome, anonymous, with the `?source=` code the caller came by; the same
    key again (a double tap, a retry) records nothing.

    Returns whether this call recorded it.
    """
    if outcome not in Outcome.values:
        raise ReportRefused("unknown outcome")
    if answer and answer not in CallerAnswer.values:
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
    report = CallReport(
        key=key,
        action=action,
        target_id=target_id,
        office_id=office_id,
        outcome=outcome,
        demands_raised=",".join(str(d) for d in sorted(set(demand_ids))),
        place=stored_place(district),
        answer=answer,
        source=people.clean_source(source),
    )
    # create() in its own atomic block rather than bulk_create(ignore_conflicts=True): the
    # unique key still settles a race between two taps, and create() tells us whether this
    # call wrote the row, which bulk_create cannot.
    try:
        with transaction.atomic():
            report.save(force_insert=True)
    except IntegrityError as error:
        if CallReport.objects.filter(key=key).exists():
            return False  # a repeat of a report already stored
        # The office or target was deleted between the check and the insert.
        raise ReportRefused("that office is not one this campaign calls") from error
    happened.send(
        None, organization=action.campaign.organization_id, event="call.reported", instance=report
    )
    return True


# ---------------------------------------------------------------------------- the caller's address

# How long after calling the caller may still put their calls on their record from the
# thank-you page: the browser keeps the reports' keys no longer (views.REPORTS_COOKIE).
CLAIM_HOURS = 6
# At most this many reports of one browser's round are kept and linked.
CLAIM_MOST_REPORTS = 40


class NothingToClaim(ValueError):
    """No call of this browser's round is left to put on a record, and no consent was given."""


@dataclass(frozen=True)
class ClaimResult:
    person: Supporter
    calls: int  # this round's calls now on the person's record
    mailed: bool  # a consent waits for the button in the mail sent (now or minutes ago)
    subscribed_already: bool  # every group ticked had a current consent: no mail


def claim_reports(
    action: CallAction,
    *,
    email: str,
    keys: list[uuid.UUID],
    consents: list[people.ConsentChoice],
    language: str,
    source: str = "",
    page: str = "",
) -> ClaimResult:
    """The caller left an address on the thank-you page. In one transaction: their person in
    the campaign's organization, this browser's recent reports (`keys`) not yet on anyone's
    record linked to it, a "called" action for each, and, for each group ticked, a pending
    consent and one mail with a confirm button (become_supporter). No consent ticked records
    the calls and nothing more. Sending it twice links and records nothing more. Raises
    NothingToClaim, storing nothing, when there are no calls to link and no consent."""
    campaign = action.campaign
    source = people.clean_source(source)
    address = normalize_email(email)
    recent = CallReport.objects.filter(
        action=action,
        key__in=keys[:CLAIM_MOST_REPORTS],
        created_at__gte=timezone.now() - datetime.timedelta(hours=CLAIM_HOURS),
    ).exclude(outcome=Outcome.SKIPPED)  # a skip is no call
    with transaction.atomic():
        theirs = recent.filter(
            models.Q(supporter__isnull=True)
            | models.Q(supporter__organization=campaign.organization, supporter__email=address)
        )
        if not consents and not theirs.exists():
            raise NothingToClaim
        person = people.find_or_create_person(
            campaign.organization, address, language=language, source=source, page=page
        )
        # Conditional: of two submissions at once, each report goes to the first.
        recent.filter(supporter__isnull=True).update(supporter=person)
        reports = list(recent.filter(supporter=person).select_related("target"))
        for report in reports:
            people.record_activity(
                person,
                Activity.Kind.CALLED,
                campaign=campaign,
                source=report.source or source,
                summary=gettext("Called %(target)s — %(outcome)s")
                % {"target": report.target, "outcome": report.get_outcome_display()},
                ref=("calls.callreport", report.pk),
                when=report.created_at,
            )
        if consents:
            people.become_supporter(
                campaign=campaign,
                name="",
                email=address,
                postcode="",
                consents=consents,
                language=language,
                source=source,
                page=page,
            )
        ticked = Consent.objects.open().filter(
            supporter__email=address,
            organization__in=[choice.organization for choice in consents],
        )
        mailed = ticked.filter(confirmed_at__isnull=True).exists()
        subscribed_already = bool(consents) and not mailed
    return ClaimResult(person, len(reports), mailed, subscribed_already)


@dataclass(frozen=True)
class PublicAction:
    action: CallAction
    demands: tuple


def public_action(slug: str) -> PublicAction | None:
    """A live or closed campaign's active call action and its demands, cached briefly: every
    step and report of the flow needs them."""

    def compute():
        action = (
            CallAction.objects.select_related("campaign", "campaign__organization")
            .filter(campaign__slug=slug, is_active=True)
            .exclude(campaign__status="draft")
            .first()
        )
        return PublicAction(action, tuple(action.campaign.demands.all())) if action else False

    return cache.get_or_set(_public_action_key(slug), compute, ACTION_CACHE_SECONDS) or None


def _public_action_key(slug: str) -> str:
    return f"calls:action:{slug}"


def forget_public_action(slug: str) -> None:
    cache.delete(_public_action_key(slug))


# ---------------------------------------------------------------------------- counts


def call_count(action: CallAction) -> int:
    """Calls made for this action: the supporter talked to someone or left a message. Busy
    lines, no answer and full voicemail are attempts (attempt_count), not calls. At most a few
    seconds stale."""
    return cache.get_or_set(
        f"calls:count:{action.pk}",
        lambda: CallReport.objects.filter(action=action, outcome__in=COUNTED_OUTCOMES).count(),
        COUNT_CACHE_SECONDS,
    )


def attempt_count(action: CallAction) -> int:
    """For organizers: lines dialled that did not get through (busy, no answer, voicemail
    full), which call_count leaves out."""
    return CallReport.objects.filter(action=action, outcome__in=DEAD_LINE_OUTCOMES).count()


def call_counts_by_target(action: CallAction) -> dict[int, int]:
    """Calls made per target for this action (as call_count counts them), cached briefly."""

    def compute() -> dict[int, int]:
        return dict(
            CallReport.objects.filter(action=action, outcome__in=COUNTED_OUTCOMES)
            .values("target_id")
            .annotate(total=models.Count("pk"))
            .values_list("target_id", "total")
            .order_by()
        )

    return cache.get_or_set(f"calls:count-by-target:{action.pk}", compute, COUNT_CACHE_SECONDS)


def answer_counts(action: CallAction) -> dict[int, Counter]:
    """Callers' answers per target ({target_id: Counter({"yes": 3, …})}), cached briefly."""

    def compute() -> dict[int, Counter]:
        counts: dict[int, Counter] = {}
        rows = (
            CallReport.objects.filter(action=action)
            .exclude(answer="")
            .values_list("target_id", "answer")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        for target_id, answer, n in rows:
            counts.setdefault(target_id, Counter())[answer] += n
        return counts

    return cache.get_or_set(f"calls:answers:{action.pk}", compute, COUNT_CACHE_SECONDS)


def stored_place(place) -> str:
    """How a report keeps its place: a House district's label ("WI-2"), a UK constituency's
    code ("E14001172", as people's records keep it), or ""."""
    if place is None:
        return ""
    return getattr(place, "code", None) or place.label
