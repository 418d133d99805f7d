import datetime

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tocsin.core.spreadsheets import csv_lines
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import may

from .forms import LogFilterForm, describe
from .models import Entry

PER_PAGE = 50


def visible_entries(user):
    """The entries `user` may read: those of the organizations they own (every entry for a
    superuser, including the installation's own, which belong to no organization). The
    permission is one per user; the role is per organization."""
    entries = Entry.objects.select_related("actor", "content_type", "organization")
    if user.is_superuser:
        return entries
    owned = [
        organization
        for organization in Organization.objects.for_user(user)
        if may(user, organization, "read_audit_log")
    ]
    return entries.filter(organization__in=owned)


def changes_of(entry, *, full: bool = False) -> list[tuple[str, str, str]]:
    """(field, before, after) for an edit; (detail, "", value) for any other event. The page
    shows field names in words and long texts cut short; `full` gives the stored values whole
    (the CSV), so no before or after of a text is ever lost."""
    if entry.event:
        return [(key, "", str(value)) for key, value in (entry.additional_data or {}).items()]
    shown = entry.changes_dict
    if not full and entry.content_type.model_class() is not None:
        shown = entry.changes_display_dict
    created = entry.action == Entry.Action.CREATE
    return [
        (field, "" if created else str(values[0]), str(values[1]))
        for field, values in shown.items()
    ]


def _filtered(request):
    entries = visible_entries(request.user)
    form = LogFilterForm(request.GET or None, entries=entries)
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        # A filter that does not make sense shows nothing rather than everything.
        entries = entries.none()
    return form, entries.order_by("-timestamp", "-pk")


def _who(entry) -> str:
    if entry.actor is not None:
        return entry.actor.get_username()
    return entry.actor_email or _("Tocsin itself")


@require_safe
@staff_member_required
@permission_required("audit.view_log", raise_exception=True)
def log(request: HttpRequest) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": _("Record of changes"),
        "form": form,
        "page": page,
        "rows": [
            {
                "entry": entry,
                "who": _who(entry),
                "what": describe(entry),
                "kind": entry.content_type.name,
                "changes": changes_of(entry),
                "created": entry.action == Entry.Action.CREATE,
            }
            for entry in page
        ],
        "query": query.urlencode(),
    }
    return render(request, "audit/log.html", context)


@require_safe
@staff_member_required
@permission_required("audit.view_log", raise_exception=True)
def log_csv(request: HttpRequest) -> HttpResponse:
    _form, entries = _filtered(request)
    header = [
        _("When (UTC)"),
        _("Who"),
        _("From address"),
        _("Organization"),
        _("What happened"),
        _("Kind of thing"),
        _("Thing"),
        _("Changes"),
    ]

    def rows():
        for entry in entries.iterator(chunk_size=500):
            yield [
                entry.timestamp.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                _who(entry),
                entry.remote_addr or "",
                entry.organization.name if entry.organization else "",
                describe(entry),
                entry.content_type.name,
                entry.object_repr,
                "; ".join(
                    f"{field}: {before} → {after}" if before else f"{field}: {after}"
                    for field, before, after in changes_of(entry, full=True)
                ),
            ]

    response = StreamingHttpResponse(csv_lines(header, rows()), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="record-of-changes-{stamp}.csv"'
    return response
