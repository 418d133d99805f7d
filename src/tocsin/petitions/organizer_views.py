"""What organizers hand to the targets: the signatures of each target's own constituents."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from tocsin.campaigns.models import Campaign
from tocsin.core.spreadsheets import csv_lines
from tocsin.organizations.scoping import may

from . import services
from .models import PetitionAction


def _petition_and_target(request, petition_id: int, target_id: int):
    campaigns = Campaign.objects.for_organizer(request.user)
    petition = get_object_or_404(
        PetitionAction.objects.select_related("campaign__organization"),
        pk=petition_id,
        campaign__in=campaigns,
    )
    # The permission is the union of the user's roles: their role in this organization too.
    if not may(request.user, petition.campaign.organization, "see_people"):
        raise PermissionDenied
    target = get_object_or_404(petition.campaign.targets, pk=target_id)
    return petition, target


@staff_member_required
@permission_required("petitions.view_signature", raise_exception=True)
def delivery_csv(request, petition_id: int, target_id: int) -> StreamingHttpResponse:
    petition, target = _petition_and_target(request, petition_id, target_id)
    signatures = services.constituents(petition, target)
    names = {total.place: total.name for total in services.totals_by_place(signatures)}
    rows = (
        (
            s.name,
            s.postcode,
            s.country,
            s.district,
            names.get(s.district, "") if s.district else "",
            s.comment,
            s.confirmed_at.date().isoformat(),
        )
        for s in signatures.iterator()
    )
    header = ["name", "postcode", "country", "district", "place", "comment", "confirmed"]
    response = StreamingHttpResponse(
        csv_lines(header, rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="petition-{petition.pk}-{target.pk}.csv"'
    )
    return response


@staff_member_required
@permission_required("petitions.view_signature", raise_exception=True)
def delivery_page(request, petition_id: int, target_id: int) -> HttpResponse:
    petition, target = _petition_and_target(request, petition_id, target_id)
    signatures = services.constituents(petition, target)
    totals = services.totals_by_place(signatures)
    names = {total.place: total.name for total in totals if total.place}
    context = {
        "petition": petition,
        "target": target,
        # Each signature with its place by name ("Manchester Central", "Wisconsin 2").
        "signatures": ((s, names.get(s.district, "")) for s in signatures.iterator()),
        "total": signatures.count(),
        "totals": totals,
        "any_constituency": any(total.is_constituency for total in totals),
    }
    return render(request, "petitions/delivery.html", context)
