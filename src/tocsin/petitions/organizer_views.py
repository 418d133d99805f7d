"""What organizers hand to the targets: the signatures of each target's own constituents."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from tocsin.campaigns.models import Campaign
from tocsin.core.spreadsheets import csv_lines

from . import services
from .models import PetitionAction


def _petition_and_target(request, petition_id: int, target_id: int):
    campaigns = Campaign.objects.for_organizer(request.user)
    petition = get_object_or_404(PetitionAction, pk=petition_id, campaign__in=campaigns)
    target = get_object_or_404(petition.campaign.targets, pk=target_id)
    return petition, target


@staff_member_required
@permission_required("petitions.view_signature", raise_exception=True)
def delivery_csv(request, petition_id: int, target_id: int) -> StreamingHttpResponse:
    petition, target = _petition_and_target(request, petition_id, target_id)
    rows = (
        (s.name, s.postcode, s.country, s.district, s.comment, s.confirmed_at.date().isoformat())
        for s in services.constituents(petition, target).iterator()
    )
    response = StreamingHttpResponse(
        csv_lines(["name", "postcode", "country", "district", "comment", "confirmed"], rows),
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
    context = {
        "petition": petition,
        "target": target,
        "signatures": signatures,
        "total": signatures.count(),
        "totals": services.totals_by_district(signatures),
    }
    return render(request, "petitions/delivery.html", context)
