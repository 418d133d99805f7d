"""The owners' page for API keys, /organize/api-keys/: make one (shown once), see when each
was last used, revoke one (POST). Each action is in the audit log."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tocsin.core import audit
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import may

from .models import ApiKey


def owned(user) -> list[Organization]:
    return [o for o in Organization.objects.for_user(user) if may(user, o, "manage_keys")]


class KeyForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Organization")
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use it, e.g. “CRM sync”."),
    )
    can_write = forms.BooleanField(
        label=gettext_lazy("May also add people, tags and actions (read-write)"),
        required=False,
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organizations]
        )
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]
            self.fields["organization"].widget = forms.HiddenInput()


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    organizations = owned(request.user)
    if not organizations:
        raise PermissionDenied
    form = KeyForm(request.POST or None, organizations=organizations)
    shown = None
    if request.method == "POST" and form.is_valid():
        row, shown = ApiKey.make(
            organization=form.cleaned_data["organization"],
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            created_by=request.user,
        )
        audit.record(
            request,
            "api_key_created",
            row,
            row.organization,
            {"name": row.name, "prefix": row.prefix, "can_write": row.can_write},
        )
        form = KeyForm(organizations=organizations)
    rows = ApiKey.objects.filter(organization__in=organizations).select_related(
        "organization", "created_by"
    )
    context = {
        **admin.site.each_context(request),
        "title": _("API keys"),
        "form": form,
        "shown": shown,
        "rows": rows,
        "several": len(organizations) > 1,
    }
    return render(request, "api/keys.html", context)


@staff_member_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row = ApiKey.objects.filter(pk=pk, organization__in=owned(request.user)).first()
    if row is None:
        raise Http404
    if ApiKey.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit.record(
            request,
            "api_key_revoked",
            row,
            row.organization,
            {"name": row.name, "prefix": row.prefix},
        )
    return redirect("api-keys:list")
