from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign, StanceEvidence
from tocsin.organizations.scoping import OrganizationScopedAdmin, role_allows
from tocsin.targets.models import Target

from . import services
from .forms import StanceImportForm


def organizer_campaigns(user):
    return Campaign.objects.all() if user.is_superuser else Campaign.objects.for_organizer(user)


class OrganizerCampaignFilter(admin.SimpleListFilter):
    """Only the organizer's own campaigns are offered (a plain filter would list everyone's)."""

    title = _("campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        campaigns = organizer_campaigns(request.user).filter(
            # Where their role lets them read the evidence, not where they only volunteer.
            organization__in=model_admin.user_organizations(request)
        )
        return [(str(c.pk), c.title) for c in campaigns.order_by("title")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit():
            return queryset.filter(campaign_id=int(value))
        return queryset


class StanceEvidenceForm(forms.ModelForm):
    class Meta:
        model = StanceEvidence
        fields = [
            "campaign",
            "target",
            "stance",
            "stated_on",
            "summary",
            "source_title",
            "source_publisher",
            "source_date",
            "source_url",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "cols": 70})}


@admin.register(StanceEvidence)
class StanceEvidenceAdmin(OrganizationScopedAdmin):
    """Record stances and read their history, import them from a spreadsheet, and confirm what
    callers heard. Saving or deleting evidence updates the current stance that the call flow
    and the scoreboard read."""

    organization_path = "campaign__organization"
    form = StanceEvidenceForm
    list_display = ["target", "stance", "stated_on", "source", "campaign", "origin", "recorded_by"]
    list_filter = [OrganizerCampaignFilter, "stance", "origin"]
    list_select_related = ["target", "campaign", "recorded_by"]
    search_fields = ["target__name", "summary", "source_title"]
    autocomplete_fields = ["target"]
    date_hierarchy = "stated_on"
    readonly_fields = ["origin", "recorded_by", "recorded_at"]
    fieldsets = [
        (None, {"fields": ["campaign", "target", "stance", "stated_on", "summary"]}),
        (
            _("Source"),
            {"fields": ["source_title", "source_publisher", "source_date", "source_url"]},
        ),
        (_("Recorded"), {"fields": ["origin", "recorded_by", "recorded_at"]}),
    ]

    @admin.display(description=_("source"))
    def source(self, evidence):
        label = evidence.source_title or evidence.source_url
        if evidence.source_url:
            return format_html(
                '<a href="{}" rel="noopener noreferrer">{}</a>', evidence.source_url, label[:60]
            )
        return label[:60]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "campaign":
                kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
            elif db_field.name == "target":
                kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            previous = None
            if change:
                previous = (
                    StanceEvidence.objects.filter(pk=obj.pk)
                    .values_list("campaign_id", "target_id")
                    .first()
                )
            else:
                obj.recorded_by = request.user
                obj.origin = StanceEvidence.Origin.ORGANIZER
            super().save_model(request, obj, form, change)
            services.refresh_current(obj.campaign, obj.target)
            if previous and previous != (obj.campaign_id, obj.target_id):
                services.refresh_current(
                    Campaign.objects.get(pk=previous[0]), Target.objects.get(pk=previous[1])
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            services.refresh_current(obj.campaign, obj.target)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            pairs = set(queryset.values_list("campaign_id", "target_id"))
            super().delete_queryset(request, queryset)
            for campaign_id, target_id in pairs:
                services.refresh_current(
                    Campaign.objects.get(pk=campaign_id), Target.objects.get(pk=target_id)
                )

    # ------------------------------------------------------------------ one campaign's stances

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "campaign/<int:campaign_id>/import/",
                wrap(self.import_stances_view),
                name="campaigns_stanceevidence_import",
            ),
            path(
                "campaign/<int:campaign_id>/suggestions/",
                wrap(self.suggestions_view),
                name="campaigns_stanceevidence_suggestions",
            ),
            *super().get_urls(),
        ]

    def organizer_campaign(self, request, campaign_id: int) -> Campaign:
        """One of the organizer's own campaigns, if they may record stances; otherwise 404, as
        for a made-up id."""
        campaign = organizer_campaigns(request.user).filter(pk=campaign_id).first()
        if campaign is None or not self.has_add_permission(request):
            raise Http404
        # The permission is the union of the user's roles: their role in this one too.
        if not role_allows(request.user, campaign.organization, "campaigns.add_stanceevidence"):
            raise Http404
        return campaign

    def import_stances_view(self, request, campaign_id: int):
        campaign = self.organizer_campaign(request, campaign_id)
        form = StanceImportForm(request.POST or None, request.FILES or None)
        problems = []
        status = 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read(services.MAX_IMPORT_BYTES + 1)
                try:
                    result = services.import_stances(campaign, data, recorded_by=request.user)
                except services.StanceImportError as refusal:
                    problems = refusal.problems
                else:
                    self.message_user(
                        request,
                        gettext(
                            "Stances imported: %(recorded)d recorded, %(unchanged)d already known."
                        )
                        % {"recorded": result.recorded, "unchanged": result.unchanged},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:campaigns_stanceevidence_changelist")
                        + f"?campaign={campaign.pk}"
                    )
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import stances"),
            "campaign": campaign,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/whip/import_stances.html", context, status=status)

    def suggestions_view(self, request, campaign_id: int):
        campaign = self.organizer_campaign(request, campaign_id)
        if request.method == "POST":
            target = request.POST.get("target", "")
            if not (target.isascii() and target.isdigit() and len(target) < 12):
                raise Http404
            try:
                services.confirm_suggestion(campaign, int(target), recorded_by=request.user)
            except LookupError:
                raise Http404 from None
            self.message_user(request, gettext("Stance recorded from callers' answers."))
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("What callers heard"),
            "campaign": campaign,
            "suggestions": services.suggestions(campaign),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/whip/stance_suggestions.html", context)
