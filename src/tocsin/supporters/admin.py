import json

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tocsin.core.audit import record
from tocsin.core.emails import normalize_email
from tocsin.core.forms import StorableEmailField
from tocsin.core.personal_data import erase_person, export_person
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import OrganizationScopedAdmin, may, organizations_where

from .filters import (
    ActionFilter,
    ConsentStateFilter,
    CountryFilter,
    DistrictFilter,
    JoinedFilter,
    OrganizationFilter,
    SourceFilter,
    StateFilter,
    TagFilter,
)
from .imports import INLINE_BYTES, run_import, store_upload
from .models import Consent, PeopleImport, Supporter, Tag, Tagging
from .services import add_tag, erase_supporter, export_one


def scope_of(user) -> frozenset[int] | None:
    """What a back-office user may export or erase about a person: everything for the
    installation's administrator, only what their own organizations hold for anyone else."""
    if user.is_superuser:
        return None
    return frozenset(
        organizations_where(user, "supporters.view_supporter").values_list("pk", flat=True)
    )


def json_download(payload, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = [
        "organization",
        "campaign",
        "wording",
        "language",
        "given_at",
        "confirmed_at",
        "withdrawn_at",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        # An organizer sees only the consents given to their own groups, not who else a
        # supporter follows.
        queryset = super().get_queryset(request).select_related("organization", "campaign")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            organization__in=organizations_where(request.user, "supporters.view_consent")
        )

    def has_add_permission(self, request, obj=None):
        return False


class PersonForm(forms.Form):
    email = StorableEmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter the person's email address."),
            "invalid": _("That does not look like an email address, e.g. name@example.org."),
        },
    )


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, strip=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=Tag.Kind.choices, initial=Tag.Kind.TAG)


class BulkTagForm(TagForm):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects)
    query = forms.CharField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Import into"), queryset=Organization.objects, empty_label=None
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a first line naming the columns: email (required), name, postcode, "
            "country, language, tags (separated by semicolons), consent_date, "
            "consent_wording, list."
        ),
    )
    list_name = forms.CharField(
        label=_("Also add everyone to the list"), max_length=100, required=False
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not (uploaded.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a .csv file."))
        return uploaded


@admin.register(Supporter)
class SupporterAdmin(OrganizationScopedAdmin):
    list_display = ["__str__", "email", "state", "district", "last_action_at"]
    list_select_related = False
    search_fields = ["name", "email"]
    search_help_text = _("A name, or a whole email address however it is spelt.")
    list_filter = [
        OrganizationFilter,
        CountryFilter,
        StateFilter,
        DistrictFilter,
        ConsentStateFilter,
        TagFilter,
        SourceFilter,
        ActionFilter,
        JoinedFilter,
    ]
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    list_per_page = 50
    # Newest first by the key: an index walk (person_list) that stops at the page's end.
    ordering = ["-pk"]
    fields = ["name", "email", "postcode", "language", "created_at", "erased_at"]
    readonly_fields = fields
    inlines = [ConsentInline]
    actions = ["export_data", "erase"]
    change_form_template = "admin/supporters/supporter/person_page.html"

    def get_queryset(self, request):
        queryset = super(OrganizationScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Their own organizations' people, and of those only the ones known for sure: an
        # address typed into a join form is nobody's supporter until its owner confirms it.
        return queryset.of_organizations(self.organization_ids(request))

    def organization_ids(self, request) -> tuple[int, ...]:
        """The user's organizations whose people their role there lets them see, looked up
        once per request (the list, its count and each filter's choices all need them)."""
        if not hasattr(request, "_people_organization_ids"):
            request._people_organization_ids = tuple(
                self.user_organizations(request).values_list("pk", flat=True)
            )
        return request._people_organization_ids

    def get_list_filter(self, request):
        return self.list_filter

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email=normalize_email(term)), False
        return queryset.filter(name__icontains=term), False

    def has_add_permission(self, request):
        return False  # people come with their actions, or by import

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erase instead: the record of consent stays, the person's details go

    def has_erase_permission(self, request):
        return request.user.has_perm("supporters.erase_supporter")

    def has_tag_permission(self, request):
        return request.user.has_perm("supporters.tag_supporter")

    def has_import_permission(self, request):
        return request.user.has_perm("supporters.import_supporter")

    # Both actions reach every app that registered in tocsin.core.personal_data (the person's
    # signatures, event answers and gifts as well as their supporter record), within what the
    # user's organizations hold unless the user is the installation's administrator.
    @admin.action(description=_("Export their data (JSON)"), permissions=["view"])
    def export_data(self, request, queryset):
        scope = scope_of(request.user)
        payload = []
        for supporter in queryset:
            if supporter.email:
                payload.append(export_person(supporter.email, organizations=scope))
                record(request, "person_export", supporter, supporter.organization_id, {})
        return json_download(payload, "supporters.json")

    @admin.action(description=_("Erase their personal data"), permissions=["erase"])
    def erase(self, request, queryset):
        scope = scope_of(request.user)
        erased = 0
        for supporter in queryset.filter(erased_at__isnull=True):
            if supporter.email:
                erase_person(supporter.email, organizations=scope)
            else:
                erase_supporter(supporter)
            record(request, "person_erase", supporter, supporter.organization_id, {})
            erased += 1
        self.message_user(
            request,
            ngettext("Erased %(count)d supporter.", "Erased %(count)d supporters.", erased)
            % {"count": erased},
            messages.SUCCESS,
        )

    # ------------------------------------------------------------------ the list

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        organizations = organizations_where(request.user, "supporters.tag_supporter")
        if self.has_tag_permission(request):
            extra_context["bulk_tag_form"] = BulkTagForm(
                initial={
                    "query": request.GET.urlencode(),
                    # Tags belong to one organization: the one the list is filtered by.
                    "organization": organizations.filter(
                        pk=request.GET.get("organization", "")
                        if request.GET.get("organization", "").isdigit()
                        else None
                    ).first()
                    or organizations.first(),
                }
            )
            extra_context["bulk_tag_form"].fields["organization"].queryset = organizations
            extra_context["one_organization"] = organizations.count() == 1
        extra_context["can_import"] = self.has_import_permission(request)
        return super().changelist_view(request, extra_context)

    def filtered_people(self, request, query: str):
        """The people the list shows for this query string, on every page."""
        listing = request.__class__(request.environ)
        listing.user = request.user
        listing.GET = QueryDict(query)
        listing.COOKIES = request.COOKIES
        listing.session = getattr(request, "session", None)
        changelist = self.get_changelist_instance(listing)
        return changelist.get_queryset(listing)

    def bulk_tag_view(self, request):
        if request.method != "POST" or not self.has_tag_permission(request):
            raise PermissionDenied
        form = BulkTagForm(request.POST)
        form.fields["organization"].queryset = organizations_where(
            request.user, "supporters.tag_supporter"
        )
        changelist_url = reverse("admin:supporters_supporter_changelist")
        if not form.is_valid():
            self.message_user(
                request, gettext("Name the tag or list to add, then press Add."), messages.ERROR
            )
            return HttpResponseRedirect(f"{changelist_url}?{request.POST.get('query', '')}")
        query = form.cleaned_data["query"]
        people = self.filtered_people(request, query)
        with transaction.atomic():
            tag, _created = Tag.objects.get_or_create(
                organization=form.cleaned_data["organization"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
            )
            added = add_tag(people, tag, how=Tagging.How.BULK, user=request.user)
        self.message_user(
            request,
            ngettext(
                "Added %(count)d person to %(name)s.",
                "Added %(count)d people to %(name)s.",
                added,
            )
            % {"count": added, "name": tag.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(f"{changelist_url}?{query}")

    # ------------------------------------------------------------------ one person

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, object_id)
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # A person's page and its export are personal data: a volunteer's role sees none
        # (permissions are one set per user, so the role in this organization is asked too).
        if not self.has_view_permission(request, person) or not may(
            request.user, person.organization, "see_people"
        ):
            raise PermissionDenied
        if request.method == "POST":
            return self._person_post(request, person)
        export = request.GET.get("export")
        if export in ("json", "page"):
            record(request, "person_export", person, person.organization_id, {"format": export})
        if export == "json":
            return json_download(self._export(person), f"person-{person.pk}.json")
        context = {
            **self.admin_site.each_context(request),
            "title": str(person),
            "opts": self.model._meta,
            "person": person,
            "original": person,
            "consents": person.consents.select_related("campaign").order_by("given_at"),
            "taggings": person.taggings.select_related("tag").order_by("tag__kind", "tag__name"),
            "actions_total": person.activities.count(),
            "alerts_received": _alerts_received(person),
            "activities": person.activities.order_by("-occurred_at", "-pk")[:200],
            "tag_form": TagForm(),
            "can_tag": self.has_tag_permission(request) and not person.erased_at,
            "can_erase": self.has_erase_permission(request) and not person.erased_at,
        }
        if export == "page":
            context["exported"] = self._export(person)
            context["title"] = gettext("Everything held about %(person)s") % {"person": person}
            return TemplateResponse(request, "admin/supporters/supporter/export.html", context)
        return TemplateResponse(request, self.change_form_template, context)

    def _export(self, person):
        """What the person's organization holds about them, in every app."""
        if not person.email:
            return {"supporters": [export_one(person)]}
        return export_person(person.email, organizations=[person.organization_id])

    def _person_post(self, request, person):
        here = reverse("admin:supporters_supporter_change", args=[person.pk])
        if "erase" in request.POST:
            if not self.has_erase_permission(request):
                raise PermissionDenied
            if person.email:
                erase_person(person.email, organizations=[person.organization_id])
            else:
                erase_supporter(person)
            record(request, "person_erase", person, person.organization_id, {})
            self.message_user(request, gettext("Their personal data is erased."), messages.SUCCESS)
            return HttpResponseRedirect(here)
        if not self.has_tag_permission(request) or person.erased_at:
            raise PermissionDenied
        if "remove_tag" in request.POST:
            tagging_id = request.POST["remove_tag"].strip()
            if tagging_id.isdigit():
                Tagging.objects.filter(supporter=person, pk=int(tagging_id)).delete()
            return HttpResponseRedirect(here)
        form = TagForm(request.POST)
        if form.is_valid():
            tag, _created = Tag.objects.get_or_create(
                organization_id=person.organization_id,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
            )
            add_tag([person], tag, how=Tagging.How.HAND, user=request.user)
        else:
            self.message_user(request, gettext("Name the tag or list to add."), messages.ERROR)
        return HttpResponseRedirect(here)

    # ------------------------------------------------------------------ importing

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        organizations = organizations_where(request.user, "supporters.import_supporter")
        form = ImportForm(request.POST or None, request.FILES or None)
        form.fields["organization"].queryset = organizations
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            with transaction.atomic():
                people_import = store_upload(
                    uploaded,
                    form.cleaned_data["organization"],
                    request.user,
                    form.cleaned_data["list_name"],
                )
                if uploaded.size > INLINE_BYTES:
                    from .tasks import run_people_import

                    run_people_import.enqueue(people_import.pk)
            if uploaded.size <= INLINE_BYTES:
                run_import(people_import)
            return HttpResponseRedirect(
                reverse("admin:supporters_import_status", args=[people_import.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import people"),
            "opts": self.model._meta,
            "form": form,
            "recent": PeopleImport.objects.filter(organization__in=organizations)[:10],
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/supporters/supporter/import.html", context, status=status
        )

    def import_status_view(self, request, import_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        people_import = PeopleImport.objects.filter(
            pk=import_id,
            organization__in=organizations_where(request.user, "supporters.import_supporter"),
        ).first()
        if people_import is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import of %(file)s") % {"file": people_import.filename},
            "opts": self.model._meta,
            "people_import": people_import,
            "waiting": people_import.status == PeopleImport.Status.WAITING,
        }
        return TemplateResponse(request, "admin/supporters/supporter/import_status.html", context)

    # ------------------------------------------------------------------ anyone, by address

    def get_urls(self):
        return [
            path(
                "person/",
                self.admin_site.admin_view(self.person_view),
                name="supporters_person",
            ),
            path(
                "bulk-tag/",
                self.admin_site.admin_view(self.bulk_tag_view),
                name="supporters_bulk_tag",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="supporters_import",
            ),
            path(
                "import/<int:import_id>/",
                self.admin_site.admin_view(self.import_status_view),
                name="supporters_import_status",
            ),
            *super().get_urls(),
        ]

    def person_view(self, request):
        """Find a person by email address, supporter or not (someone who only signed or
        answered for an event too), and export or erase what is held about them: everything
        for the installation's administrator, their own groups' records for an organizer."""
        if not self.has_erase_permission(request):
            raise PermissionDenied
        scope = scope_of(request.user)
        form = PersonForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Find a person by email"),
            "opts": self.model._meta,
            "form": form,
            "everywhere": scope is None,
        }
        if request.method != "POST":
            return TemplateResponse(request, "admin/supporters/person.html", context)
        if not form.is_valid():
            return TemplateResponse(request, "admin/supporters/person.html", context, status=400)
        email = form.cleaned_data["email"]
        if "export" in request.POST:
            return json_download(export_person(email, organizations=scope), "person.json")
        if "erase" in request.POST:
            erased = erase_person(email, organizations=scope)
            self.message_user(
                request,
                ngettext(
                    "Erased %(count)d record.", "Erased %(count)d records.", sum(erased.values())
                )
                % {"count": sum(erased.values())},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:supporters_person"))
        found = export_person(email, organizations=scope)
        context["found"] = [(label, _app_name(label), len(rows)) for label, rows in found.items()]
        context["anything"] = any(found.values())
        return TemplateResponse(request, "admin/supporters/person.html", context)


def _alerts_received(person) -> int | None:
    """How many action alerts were sent to the person. The alerts app (a higher layer) links
    its receipts to people; its reverse relation is read without importing it."""
    receipts = getattr(person, "alert_receipts", None)
    return None if receipts is None else receipts.filter(state="sent").count()


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label
