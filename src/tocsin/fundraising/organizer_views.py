"""What organizers take away: the gifts of their own organizations' fundraisers, as CSV."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404

from tocsin.core.spreadsheets import csv_lines
from tocsin.organizations.scoping import may

from .models import Fundraiser
from .money import major_text

HEADER = [
    "received_on",
    "recorded_at",
    "source",
    "currency",
    "amount",
    "refunded",
    "net",
    "monthly",
    "donor_name",
    "donor_email",
    "reference",
    "note",
]


def gift_rows(fundraiser: Fundraiser):
    for gift in fundraiser.gifts.order_by("received_on", "pk").iterator():
        yield (
            gift.received_on.isoformat(),
            gift.created_at.isoformat(timespec="seconds"),
            gift.source,
            gift.currency,
            major_text(gift.amount, gift.currency),
            major_text(gift.refunded_amount, gift.currency),
            major_text(gift.net, gift.currency),
            "yes" if gift.monthly else "no",
            gift.donor_name,
            gift.donor_email,
            gift.reference,
            gift.note,
        )


@staff_member_required
@permission_required("fundraising.view_gift", raise_exception=True)
def gifts_csv(request, fundraiser_id: int) -> StreamingHttpResponse:
    fundraiser = get_object_or_404(
        Fundraiser.objects.for_organizer(request.user).select_related("organization"),
        pk=fundraiser_id,
    )
    # The permission is the union of the user's roles: their role in this organization too.
    if not may(request.user, fundraiser.organization, "export"):
        raise PermissionDenied
    response = StreamingHttpResponse(
        csv_lines(HEADER, gift_rows(fundraiser)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="gifts-{fundraiser.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
