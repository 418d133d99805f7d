"""The organizers' dashboard: figures, charts, the map and the exports of one campaign.

Each page needs a back-office login, the permission to view campaigns and membership of the
campaign's organization; anyone else's campaign is a 404 on every URL, as if it did not exist.
An export of people's rows (signatures, RSVPs, gifts, calls) also needs the permission to view
those rows (exports.PERMISSIONS), as in the back office.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tocsin.campaigns.models import Campaign
from tocsin.core.audit import record
from tocsin.core.spreadsheets import csv_lines
from tocsin.districts.states import STATES
from tocsin.organizations.scoping import may
from tocsin.supporters.models import Activity

from . import charts, exports, mapping, services, sources
from .models import Kind


def _campaign(request, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.for_organizer(request.user).select_related("organization"),
        pk=campaign_id,
    )


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


NOUNS = {
    Kind.CALL: lambda n: ngettext("%(n)s call", "%(n)s calls", n) % {"n": _number(n)},
    Kind.SIGNATURE: lambda n: (
        ngettext("%(n)s signature", "%(n)s signatures", n) % {"n": _number(n)}
    ),
    Kind.RSVP: lambda n: ngettext("%(n)s RSVP", "%(n)s RSVPs", n) % {"n": _number(n)},
    Kind.GIFT: lambda n: ngettext("%(n)s gift", "%(n)s gifts", n) % {"n": _number(n)},
    Kind.LETTER: lambda n: ngettext("%(n)s letter", "%(n)s letters", n) % {"n": _number(n)},
}

# What the map can shade, and the PlaceRow field holding each.
MAP_FIELDS = {Kind.SIGNATURE: "signatures", Kind.CALL: "calls", Kind.LETTER: "letters"}


def _charts(board: services.Dashboard) -> list[dict]:
    """For each kind with anything to show: its daily and hourly chart and a summary."""
    made = []
    day_labels = [date_format(d, "M j") for d in board.daily.labels]
    hour_labels = [date_format(h, "D H:i") for h in board.hourly.labels]
    hour_ticks = [label.split(" ")[0] for label in hour_labels]
    for kind in NOUNS:
        daily, hourly = board.daily.counts[kind], board.hourly.counts[kind]
        if not board.totals[kind]:
            continue
        name = str(Kind(kind).label)
        noun = NOUNS[kind]
        peak = max(range(len(daily)), key=daily.__getitem__)
        day_summary = _(
            "%(total)s in all over %(days)s days; the busiest day was %(day)s with %(peak)s."
        ) % {
            "total": noun(board.totals[kind]),
            "days": len(daily),
            "day": date_format(board.daily.labels[peak], "DATE_FORMAT"),
            "peak": _number(daily[peak]),
        }
        hour_summary = _("%(total)s in the last seven days; the busiest hour had %(peak)s.") % {
            "total": noun(sum(hourly)),
            "peak": _number(max(hourly) if hourly else 0),
        }
        made.append(
            {
                "kind": kind,
                "name": name,
                "total": board.totals[kind],
                "day_summary": day_summary,
                "hour_summary": hour_summary,
                "daily": charts.bar_chart(
                    f"{kind}-days",
                    _("%(name)s by day") % {"name": name},
                    day_summary,
                    daily,
                    day_labels,
                    max(1, len(daily) // 6),
                    [f"{label}: {noun(n)}" for label, n in zip(day_labels, daily, strict=True)],
                ),
                "hourly": charts.bar_chart(
                    f"{kind}-hours",
                    _("%(name)s by hour, last seven days") % {"name": name},
                    hour_summary,
                    hourly,
                    hour_ticks,
                    24,
                    [f"{label}: {noun(n)}" for label, n in zip(hour_labels, hourly, strict=True)],
                ),
            }
        )
    return made


@staff_member_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def index(request) -> HttpResponse:
    campaigns = Campaign.objects.for_organizer(request.user).select_related("organization")
    return render(request, "dashboard/index.html", {"campaigns": campaigns})


@staff_member_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def dashboard(request, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    board = services.dashboard(campaign)
    districts, _states, unknown = services.places(campaign)
    constituencies = services.constituencies(campaign)
    context = {
        "campaign": campaign,
        "board": board,
        "charts": _charts(board),
        "top_districts": sorted(districts, key=lambda r: -r.actions)[:10],
        "top_constituencies": sorted(constituencies, key=lambda r: -r.actions)[:10],
        "unknown_places": unknown,
        "sources": sources.by_source(campaign),
        "source_kinds": [Activity.Kind(kind).label for kind in sources.ACTIVITY_KINDS],
        "exports": exports.EXPORTS,
    }
    return render(request, "dashboard/dashboard.html", context)


@staff_member_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def place_map(request, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    kind = request.GET.get("kind", Kind.SIGNATURE)
    if kind not in MAP_FIELDS:
        kind = Kind.SIGNATURE
    districts, states, unknown = services.places(campaign)
    constituencies = services.constituencies(campaign)
    # A campaign heard only from the UK opens on its map; US places otherwise.
    by = request.GET.get("by")
    if by not in ("district", "state", "constituency"):
        by = "constituency" if constituencies and not (districts or states) else "district"
    rows = {"state": states, "district": districts, "constituency": constituencies}[by]
    field = MAP_FIELDS[kind]
    counts = {row.place: getattr(row, field) for row in rows}
    names = {row.place: row.name for row in rows}
    noun = NOUNS[kind]
    total = sum(counts.values())
    level = {
        "state": _("state"),
        "district": _("congressional district"),
        "constituency": _("constituency"),
    }[by]
    description = _(
        "%(total)s with a known place, shaded by %(level)s: darker means more. "
        "The table below lists every figure."
    ) % {"total": noun(total), "level": level}
    title = _("%(name)s by %(level)s") % {"name": Kind(kind).label, "level": level}
    if by == "constituency":
        names.update(
            (code, services.place_name(code))
            for code in mapping.uk_shapes().constituencies
            if code not in names
        )
        svg, legend = charts.uk_choropleth(
            "map", title, description, counts, names, noun, _("London")
        )
    else:
        names.update({s: state.name for s, state in STATES.items() if s not in names})
        svg, legend = charts.choropleth(
            "map", title, description, counts, names, by == "state", noun
        )
    context = {
        "campaign": campaign,
        "kind": kind,
        "kind_name": Kind(kind).label,
        "by": by,
        "by_state": by == "state",
        "has_constituencies": bool(constituencies),
        "svg": svg,
        "legend": [(charts.swatch(colour), low, high) for colour, low, high in legend],
        "description": description,
        "rows": [
            (row, getattr(row, field))
            for row in sorted(rows, key=lambda r: -getattr(r, field))
            if getattr(row, field)
        ],
        "field": field,
        "unknown": unknown.get(kind, 0),
        "total": total,
    }
    return render(request, "dashboard/map.html", context)


@staff_member_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def export(request, campaign_id: int, what: str) -> StreamingHttpResponse:
    campaign = _campaign(request, campaign_id)
    maker = exports.EXPORTS.get(what)
    if maker is None:
        raise Http404
    if not request.user.has_perms(exports.PERMISSIONS.get(what, ())):
        raise PermissionDenied
    # Permissions are one set per user; a volunteer here may be a campaigner elsewhere.
    if not may(request.user, campaign.organization, "export"):
        raise PermissionDenied
    header, rows = maker(campaign)
    record(request, "export", campaign, campaign.organization_id, {"export": what})
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{what}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
