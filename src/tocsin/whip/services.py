"""The whip count: recording where targets stand, importing stances, the public scoreboard
(with the calls and letters each target has had) and the stances callers' answers suggest.

Every stance is a dated StanceEvidence row; TargetStance holds a copy of the latest one for the
call flow, and is only ever written here, in the same transaction as the evidence.
"""

import csv
import datetime
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tocsin.calls.models import CallAction, CallerAnswer
from tocsin.calls.services import answer_counts, call_counts_by_target
from tocsin.campaigns.models import Campaign, Stance, StanceEvidence, TargetStance
from tocsin.campaigns.signals import forget_pages
from tocsin.letters.services import letter_counts_by_target
from tocsin.targets.models import PARTY_NAMES, Chamber, Target

# Stances clear the scoreboard as soon as they are committed; call and letter counts may lag
# this long.
SCOREBOARD_CACHE_SECONDS = 30
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 5000

# Spreadsheet words for each stance, besides the codes and the English labels.
STANCE_WORDS = {
    "support": Stance.SUPPORTS,
    "yes": Stance.SUPPORTS,
    "cosponsor": Stance.SUPPORTS,
    "co-sponsor": Stance.SUPPORTS,
    "lean yes": Stance.LEANS_YES,
    "leans yes": Stance.LEANS_YES,
    "lean no": Stance.LEANS_NO,
    "leans no": Stance.LEANS_NO,
    "oppose": Stance.OPPOSES,
    "no": Stance.OPPOSES,
    "": None,
}

# A suggested stance from what most callers heard.
ANSWER_STANCES = {
    CallerAnswer.YES: Stance.SUPPORTS,
    CallerAnswer.UNDECIDED: Stance.UNDECIDED,
    CallerAnswer.NO: Stance.OPPOSES,
}


# ---------------------------------------------------------------------------- recording


def scoreboard_cache_key(slug: str) -> str:
    return f"whip:scoreboard:{slug}"


def forget_scoreboards(slugs) -> None:
    """The cached scoreboard rows, then the cached campaign pages that show them (in that order,
    so a page rendered in between cannot keep the old rows)."""
    slugs = list(slugs)
    if slugs:
        cache.delete_many([scoreboard_cache_key(slug) for slug in slugs])
        forget_pages(slugs)


def forget_after_commit(campaign: Campaign) -> None:
    """Clear what shows this campaign's stances once the change is committed: cleared any
    earlier, a request could cache the old stances again before the commit."""
    slug = campaign.slug
    transaction.on_commit(lambda: forget_scoreboards([slug]))


def _copy_latest(campaign: Campaign, target: Target) -> TargetStance | None:
    latest = StanceEvidence.objects.filter(campaign=campaign, target=target).newest_first().first()
    if latest is None:
        TargetStance.objects.filter(campaign=campaign, target=target).delete()
        return None
    current, _created = TargetStance.objects.update_or_create(
        campaign=campaign,
        target=target,
        defaults={"stance": latest.stance, "evidence": latest, "note": latest.summary[:300]},
    )
    return current


def refresh_current(campaign: Campaign, target: Target) -> TargetStance | None:
    """Copy the latest evidence to the current-stance row (or remove it when none is left)."""
    current = _copy_latest(campaign, target)
    forget_after_commit(campaign)
    return current


def _add_evidence(campaign: Campaign, target: Target, stance: str, **fields) -> StanceEvidence:
    evidence = StanceEvidence.objects.create(
        campaign=campaign, target=target, stance=stance, **fields
    )
    _copy_latest(campaign, target)
    return evidence


def record_stance(
    campaign: Campaign,
    target: Target,
    stance: str,
    *,
    stated_on: datetime.date | None = None,
    summary: str = "",
    source_title: str = "",
    source_publisher: str = "",
    source_date: datetime.date | None = None,
    source_url: str = "",
    recorded_by=None,
    origin: str = StanceEvidence.Origin.ORGANIZER,
) -> StanceEvidence:
    """Add one piece of evidence and bring the current stance up to date."""
    if stance not in Stance.values:
        raise ValueError(f"unknown stance {stance!r}")
    with transaction.atomic():
        evidence = _add_evidence(
            campaign,
            target,
            stance,
            stated_on=stated_on or source_date,
            summary=summary,
            source_title=source_title,
            source_publisher=source_publisher,
            source_date=source_date,
            source_url=source_url,
            recorded_by=recorded_by,
            origin=origin,
        )
        forget_after_commit(campaign)
    return evidence


def history(campaign: Campaign, target: Target):
    return StanceEvidence.objects.filter(campaign=campaign, target=target).newest_first()


# ---------------------------------------------------------------------------- CSV import


@dataclass(frozen=True)
class StanceRow:
    line: int
    target: Target
    stance: str
    stated_on: datetime.date | None
    source_url: str
    source_title: str
    source_publisher: str
    summary: str


@dataclass
class ImportResult:
    recorded: int = 0
    unchanged: int = 0


class StanceImportError(ValueError):
    """The file was refused; `problems` are (line number, message) pairs for the organizer."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems))
        self.problems = problems


def targets_for_campaign(campaign: Campaign):
    """Whom an import may name: members of Congress, MPs and ministers (the shared targets),
    and the custom targets of the campaign's own organizations."""
    organizations = [
        campaign.organization_id,
        *campaign.accepted_partners().values_list("pk", flat=True),
    ]
    return Target.objects.filter(
        Q(kind__in=Target.SHARED_KINDS) | Q(organization_id__in=organizations)
    )


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def parse_stance(text: str) -> str | None:
    word = _normalise(text)
    for value, label in Stance.choices:
        if word in (_normalise(value), _normalise(str(label))):
            return value
    return STANCE_WORDS.get(word)


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


HEADER_ALIASES = {
    "target": "target_id",
    "target id": "target_id",
    "id": "target_id",
    "bioguide": "target_id",
    "bioguide id": "target_id",
    "name": "name",
    "state": "state",
    "stance": "stance",
    "date": "date",
    "source url": "source_url",
    "url": "source_url",
    "source": "source_url",
    "source title": "source_title",
    "title": "source_title",
    "publisher": "publisher",
    "summary": "summary",
    "quote": "summary",
    "note": "summary",
}


@dataclass
class _Lookup:
    campaign: Campaign
    by_id: dict = field(default_factory=dict)
    by_name: dict = field(default_factory=dict)

    def __post_init__(self):
        for target in targets_for_campaign(self.campaign).only(
            "pk", "bioguide_id", "name", "state", "is_active", "kind", "organization_id"
        ):
            self.by_id[str(target.pk)] = target
            if target.bioguide_id:
                self.by_id[target.bioguide_id.upper()] = target
            self.by_name.setdefault((_normalise(target.name), target.state.upper()), []).append(
                target
            )

    def find(self, target_id: str, name: str, state: str) -> tuple[Target | None, str]:
        if target_id:
            target = self.by_id.get(target_id.strip().upper())
            if target is None:
                return None, _("no target has the id “%(id)s”.") % {"id": target_id[:40]}
            return target, ""
        if not name:
            return None, _("give a target id, or a name and a state.")
        matches = self.by_name.get((_normalise(name), state.strip().upper()), [])
        active = [t for t in matches if t.is_active] or matches
        if len(active) > 1:
            return None, _(
                "more than one target is called “%(name)s” in %(state)s; use its id."
            ) % {
                "name": name[:80],
                "state": state[:2],
            }
        if not active:
            return None, _("no target called “%(name)s” in “%(state)s”.") % {
                "name": name[:80],
                "state": state[:10],
            }
        return active[0], ""


def read_stance_csv(campaign: Campaign, data: bytes) -> list[StanceRow]:
    """Every row of the file, checked; any problem refuses the whole file."""
    if len(data) > MAX_IMPORT_BYTES:
        raise StanceImportError([(0, _("the file is larger than 1 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StanceImportError(
            [(0, _("the file is not UTF-8 text (save it as CSV UTF-8)."))]
        ) from error
    if "\x00" in text:
        raise StanceImportError([(0, _("the file is not a CSV spreadsheet."))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise StanceImportError([(1, _("the file is empty."))]) from None
    columns = [HEADER_ALIASES.get(_normalise(name)) for name in header]
    if "stance" not in columns or not ("target_id" in columns or {"name", "state"} <= set(columns)):
        raise StanceImportError(
            [
                (
                    1,
                    _(
                        "the first line must name the columns: target id (or name and state), "
                        "stance, date, source URL."
                    ),
                )
            ]
        )
    lookup = _Lookup(campaign)
    problems: list[tuple[int, str]] = []
    rows: list[StanceRow] = []
    first_line_of: dict[int, int] = {}
    check_url = URLValidator(schemes=["http", "https"])
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(problems) >= MAX_IMPORT_ROWS:
                problems.append((line, _("too many rows; split the file.")))
                break
            values = {
                column: cells[i].strip() if i < len(cells) else ""
                for i, column in enumerate(columns)
                if column
            }
            target, problem = lookup.find(
                values.get("target_id", ""), values.get("name", ""), values.get("state", "")
            )
            if problem:
                problems.append((line, problem))
                continue
            stance = parse_stance(values.get("stance", ""))
            if stance is None:
                problems.append(
                    (
                        line,
                        _("“%(stance)s” is not a stance we know.")
                        % {"stance": values.get("stance", "")[:40]},
                    )
                )
                continue
            raw_date = values.get("date", "")
            # No date in the file: the evidence is undated, not dated today.
            stated_on = parse_date(raw_date) if raw_date else None
            if raw_date and stated_on is None:
                problems.append(
                    (
                        line,
                        _("“%(date)s” is not a date (write 2018-06-28).") % {"date": raw_date[:20]},
                    )
                )
                continue
            if stated_on and stated_on > datetime.date.today() + datetime.timedelta(days=1):
                problems.append((line, _("the date is in the future.")))
                continue
            url = values.get("source_url", "")
            if url:
                try:
                    check_url(url)
                except ValidationError:
                    problems.append((line, _("the source URL is not a web address.")))
                    continue
                if len(url) > 500:
                    problems.append((line, _("the source URL is longer than 500 characters.")))
                    continue
            if target.pk in first_line_of:
                problems.append(
                    (
                        line,
                        _("this target is already on line %(line)s.")
                        % {"line": first_line_of[target.pk]},
                    )
                )
                continue
            first_line_of[target.pk] = line
            rows.append(
                StanceRow(
                    line=line,
                    target=target,
                    stance=stance,
                    stated_on=stated_on,
                    source_url=url,
                    source_title=values.get("source_title", "")[:300],
                    source_publisher=values.get("publisher", "")[:200],
                    summary=values.get("summary", "")[:1000],
                )
            )
    except csv.Error as error:
        problems.append(
            (reader.line_num, _("the line cannot be read as CSV (%(error)s).") % {"error": error})
        )
    if problems:
        raise StanceImportError(problems)
    if not rows:
        raise StanceImportError([(1, _("the file has no rows after the first line."))])
    return rows


def import_stances(campaign: Campaign, data: bytes, *, recorded_by=None) -> ImportResult:
    """Record a stance for every row, all or nothing. A row that repeats evidence already
    recorded (same target, stance, date and source) is left alone, so importing the same
    file twice records it once."""
    rows = read_stance_csv(campaign, data)
    result = ImportResult()
    with transaction.atomic():
        # Two uploads of the same file at once would otherwise both find its rows new.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        known = set(
            StanceEvidence.objects.filter(
                campaign=campaign, target__in=[row.target for row in rows]
            ).values_list("target_id", "stance", "stated_on", "source_url")
        )
        for row in rows:
            if (row.target.pk, row.stance, row.stated_on, row.source_url) in known:
                result.unchanged += 1
                continue
            _add_evidence(
                campaign,
                row.target,
                row.stance,
                stated_on=row.stated_on,
                summary=row.summary,
                source_title=row.source_title,
                source_publisher=row.source_publisher,
                source_url=row.source_url,
                recorded_by=recorded_by,
                origin=StanceEvidence.Origin.IMPORT,
            )
            result.recorded += 1
        if result.recorded:
            forget_after_commit(campaign)
    return result


# ---------------------------------------------------------------------------- scoreboard


@dataclass(frozen=True)
class ScoreRow:
    target_id: int
    name: str
    title: str
    state: str
    seat_label: str
    party: str
    party_initial: str
    role: str
    initials: str
    portrait_url: str
    stance: str
    stated_on: datetime.date | None
    summary: str
    source_title: str
    source_publisher: str
    source_url: str
    calls: int
    # Letters written to them on any of the campaign's write actions (sent or handed over).
    letters: int = 0
    # An MP or a minister: their place is a constituency or a department, never a US state.
    in_uk_parliament: bool = False


@dataclass(frozen=True)
class StanceGroup:
    stance: str
    label: str
    rows: tuple[ScoreRow, ...]


def _in_uk_parliament(target: Target) -> bool:
    return target.kind == Target.Kind.MINISTER or target.chamber == Chamber.COMMONS


def _role(target: Target) -> str:
    """Party and seat for a member of Congress (WI-2 says Representative); the title, such as
    a ministry, for a custom target."""
    if target.kind == Target.Kind.LEGISLATOR:
        # Lazy: the rows are cached for every language, the party named in the reader's.
        parts = [p for p in (PARTY_NAMES.get(target.party, target.party), target.seat_label) if p]
        return format_lazy(" · ".join(["{}"] * len(parts)), *parts)
    return " · ".join(part for part in (target.title, target.state) if part)


def _scoreboard_rows(campaign: Campaign) -> tuple[ScoreRow, ...]:
    stances = {
        s.target_id: s
        for s in TargetStance.objects.filter(campaign=campaign).select_related("evidence")
    }
    target_ids = set(stances) | set(campaign.campaign_targets.values_list("target_id", flat=True))
    action = CallAction.objects.filter(campaign=campaign).first()
    calls = call_counts_by_target(action) if action else {}
    letters = _letter_counts(campaign)
    rows = []
    for target in Target.objects.filter(pk__in=target_ids).order_by("state", "name"):
        current = stances.get(target.pk)
        evidence = current.evidence if current else None
        in_uk_parliament = _in_uk_parliament(target)
        rows.append(
            ScoreRow(
                target_id=target.pk,
                name=target.name,
                title=target.title,
                state=target.state,
                seat_label=target.seat_label,
                party=target.party,
                # The initials' colours are the US parties' (D, R): a Democratic Unionist is no
                # Democrat, nor Reform UK Republican.
                party_initial="" if in_uk_parliament else target.party_initial,
                role=_role(target),
                initials=target.initials,
                portrait_url=target.portrait_url,
                stance=current.stance if current else Stance.UNKNOWN,
                stated_on=evidence.stated_on if evidence else None,
                summary=evidence.summary if evidence else (current.note if current else ""),
                source_title=evidence.source_title if evidence else "",
                source_publisher=evidence.source_publisher if evidence else "",
                source_url=evidence.source_url if evidence else "",
                calls=calls.get(target.pk, 0),
                letters=letters.get(target.pk, 0),
                in_uk_parliament=in_uk_parliament,
            )
        )
    return tuple(rows)


def _letter_counts(campaign: Campaign) -> Counter:
    """Letters per target over all the campaign's write actions (to your MP, to the
    ministers): a target written to on two of them counts both."""
    counts: Counter = Counter()
    for action in campaign.write_actions.all():
        counts.update(letter_counts_by_target(action))
    return counts


def scoreboard_rows(campaign: Campaign) -> tuple[ScoreRow, ...]:
    return cache.get_or_set(
        scoreboard_cache_key(campaign.slug),
        lambda: _scoreboard_rows(campaign),
        SCOREBOARD_CACHE_SECONDS,
    )


def group_by_stance(rows) -> list[StanceGroup]:
    groups = []
    for value, label in Stance.choices:
        members = tuple(r for r in rows if r.stance == value)
        if members:
            groups.append(StanceGroup(value, str(label), members))
    return groups


def is_uk_scoreboard(campaign: Campaign, rows) -> bool:
    """A UK campaign's whip count (MPs, ministers): it has no US states to filter by."""
    has_us_places = any(r.state and not r.in_uk_parliament for r in rows)
    uk = campaign.country == Campaign.Country.GB or any(r.in_uk_parliament for r in rows)
    return uk and not has_us_places


def filter_rows(rows, *, state: str = "", party: str = "") -> list[ScoreRow]:
    return [r for r in rows if (not state or r.state == state) and (not party or r.party == party)]


def stance_totals(rows) -> list[tuple[str, str, int]]:
    counts = Counter(r.stance for r in rows)
    return [(value, str(label), counts[value]) for value, label in Stance.choices]


# ---------------------------------------------------------------------------- callers' answers


@dataclass(frozen=True)
class Suggestion:
    target: Target
    answers: dict
    total: int
    suggested: str
    supporting_callers: int
    current: str

    @property
    def suggested_label(self) -> str:
        return str(Stance(self.suggested).label)

    @property
    def current_label(self) -> str:
        return str(Stance(self.current).label)


def suggestions(campaign: Campaign) -> list[Suggestion]:
    """Per target, what callers heard and the stance most of them point to."""
    action = CallAction.objects.filter(campaign=campaign).first()
    if action is None:
        return []
    counts = answer_counts(action)
    current = dict(
        TargetStance.objects.filter(campaign=campaign).values_list("target_id", "stance")
    )
    result = []
    for target in Target.objects.filter(pk__in=counts).order_by("state", "name"):
        answers = counts[target.pk]
        ranked = answers.most_common()
        top_answer, top_count = ranked[0]
        tie = len(ranked) > 1 and ranked[1][1] == top_count
        suggested = Stance.UNDECIDED if tie else ANSWER_STANCES[top_answer]
        result.append(
            Suggestion(
                target=target,
                answers={a: answers.get(a, 0) for a in CallerAnswer.values},
                total=sum(answers.values()),
                suggested=suggested,
                supporting_callers=sum(answers.values()) if tie else top_count,
                current=current.get(target.pk, Stance.UNKNOWN),
            )
        )
    return result


def confirm_suggestion(campaign: Campaign, target_id: int, *, recorded_by) -> StanceEvidence:
    """Record the callers' suggested stance for one target as evidence."""
    for suggestion in suggestions(campaign):
        if suggestion.target.pk == target_id:
            summary = ngettext(
                "Reported by %(count)d caller.",
                "Reported by %(count)d callers.",
                suggestion.supporting_callers,
            ) % {"count": suggestion.supporting_callers}
            return record_stance(
                campaign,
                suggestion.target,
                suggestion.suggested,
                summary=summary,
                source_title=_("Callers' reports"),
                recorded_by=recorded_by,
                origin=StanceEvidence.Origin.CALLERS,
            )
    raise LookupError("no callers' answers for that target")
