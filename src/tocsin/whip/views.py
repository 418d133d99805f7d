from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tocsin.campaigns.models import Campaign, Stance, StanceEvidence
from tocsin.campaigns.views import campaign_for

from . import services
from .forms import ScoreboardFilterForm


def whip_context(campaign: Campaign, query=None) -> dict | None:
    """The scoreboard: targets grouped by stance, filtered by the GET form when one is given."""
    rows = services.scoreboard_rows(campaign)
    if not rows:
        return None
    form = ScoreboardFilterForm(
        query or None,
        states={r.state for r in rows if r.state},
        parties={r.party for r in rows if r.party},
        uk=services.is_uk_scoreboard(campaign, rows),
    )
    shown = rows
    # An empty filter, or a state in a UK whip count's address, filters nothing.
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        shown = services.filter_rows(rows, **form.cleaned_data)
    return {
        "form": form,
        "by_state": "state" in form.fields,
        "filtered": shown is not rows,
        "groups": services.group_by_stance(shown),
        "totals": [t for t in services.stance_totals(shown) if t[2]],
        "shown": len(shown),
        "total": len(rows),
    }


@require_http_methods(["GET"])
def scoreboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The whip count on its own page, with the state (US only) and party filters applied."""
    campaign = campaign_for(request, slug)
    context = whip_context(campaign, request.GET)
    if context is None:
        raise Http404
    status = 400 if context["form"].is_bound and not context["form"].is_valid() else 200
    return render(
        request, "whip/scoreboard.html", {"campaign": campaign, "whip": context}, status=status
    )


@require_http_methods(["GET"])
def target_stance(request: HttpRequest, slug: str, target_id: int) -> HttpResponse:
    """One target's stance with its dated history of evidence."""
    campaign = campaign_for(request, slug)
    row = next((r for r in services.scoreboard_rows(campaign) if r.target_id == target_id), None)
    if row is None:
        raise Http404
    evidence = StanceEvidence.objects.filter(campaign=campaign, target_id=target_id).newest_first()
    context = {
        "campaign": campaign,
        "row": row,
        "stance_label": Stance(row.stance).label,
        "evidence": evidence,
    }
    return render(request, "whip/target_stance.html", context)
