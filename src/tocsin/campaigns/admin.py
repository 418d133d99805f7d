from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from tocsin.core.translated import columns_of
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import OrganizationScopedAdmin
from tocsin.targets.models import Target

from .missing_texts import missing_texts
from .models import Campaign, CampaignTarget, Demand, Partnership, Source, TargetStance


def wide_text(size: int) -> dict:
    return {"widget": forms.TextInput(attrs={"size": size})}


class DemandInline(TranslationTabularInline):
    model = Demand
    extra = 1
    fields = ["position", "text"]
    formfield_overrides = {models.CharField: wide_text(90)}


class SourceInline(TranslationStackedInline):
    model = Source
    extra = 1
    fields = [("position", "published_on"), "title", "publisher", "url"]
    formfield_overrides = {models.CharField: wide_text(70), models.URLField: wide_text(70)}


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 1
    autocomplete_fields = ["target"]
    verbose_name = _("target")
    verbose_name_plural = _("targets (members of Congress or your own)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StanceInline(admin.TabularInline):
    """The current stances, read only: a new stance is new evidence, so history is kept."""

    model = TargetStance
    extra = 0
    fields = ["target", "stance", "stated_on", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("where targets stand now (record new evidence to change one)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("date"))
    def stated_on(self, stance):
        return stance.evidence.stated_on if stance.evidence else "—"


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["organization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # An answer belongs to the group that gave it: a row is never moved to another.
            self.fields["organization"].disabled = True


class PartnershipInline(admin.TabularInline):
    model = Partnership
    form = PartnershipForm
    extra = 0
    fields = ["organization", "status", "source_code", "share_link", "invited_at", "answered_at"]
    readonly_fields = ["status", "share_link", "invited_at", "answered_at"]

    @admin.display(description=_("their share link"))
    def share_link(self, partnership):
        if partnership is None or partnership.pk is None:
            return "—"
        return partnership.share_url()

    verbose_name = _("partner group")
    verbose_name_plural = _(
        "partner groups (each is invited, and named or asked about only once it accepts)"
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            # Any group may be invited (names are public); only its own organizers accept.
            kwargs["queryset"] = Organization.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization":
            # Another group's record is not this organizer's to open or edit.
            widget = field.widget
            widget.can_add_related = widget.can_change_related = widget.can_view_related = False
        return field


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin, OrganizationScopedAdmin):
    list_display = ["title", "organization", "status", "deadline", "updated_at"]
    list_filter = ["status"]
    search_fields = columns_of("title", "summary")
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DemandInline, SourceInline, CampaignTargetInline, PartnershipInline, StanceInline]
    readonly_fields = ["whip_count", "missing_texts", "embed_snippets"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "country", "deadline", "organization"]}),
        (_("Languages"), {"fields": ["language", "missing_texts"]}),
        (
            _("What supporters read"),
            {"fields": ["summary", "primary_action", "action_order", "body"]},
        ),
        (_("Sharing"), {"fields": ["share_description"]}),
        (_("Embedding on other sites"), {"fields": ["embed_origins", "embed_snippets"]}),
        (_("Whip count"), {"fields": ["whip_count"]}),
    ]
    view_on_site = True
    formfield_overrides = {models.CharField: wide_text(70)}

    def save_formset(self, request, form, formset, change):
        if formset.model is Partnership:
            for partnership in formset.save(commit=False):
                if partnership.pk is None:
                    partnership.invited_by = request.user
                partnership.save()
            for partnership in formset.deleted_objects:
                partnership.delete()
            return
        super().save_formset(request, form, formset, change)

    missing_texts_template = "admin/campaigns/campaign/missing_texts.html"

    def get_urls(self):
        return [
            path(
                "<int:campaign_id>/missing-texts/",
                self.admin_site.admin_view(self.missing_texts_view),
                name="campaigns_campaign_missing_texts",
            ),
            *super().get_urls(),
        ]

    def missing_texts_view(self, request, campaign_id):
        """Which texts are not yet written in which language, each with a link to edit it."""
        campaign = self.get_object(request, str(campaign_id))  # scoped to the user's groups
        if campaign is None:
            raise Http404
        if not self.has_view_or_change_permission(request, campaign):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Texts missing in a language: %(campaign)s") % {"campaign": campaign},
            "campaign": campaign,
            "rows": missing_texts(campaign),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.missing_texts_template, context)

    @admin.display(description=_("translations"))
    def missing_texts(self, campaign):
        if campaign is None or campaign.pk is None:
            return gettext("Save the campaign first.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_campaign_missing_texts", args=[campaign.pk]),
            gettext("Texts missing in a language"),
        )

    @admin.display(description=_("snippets"))
    def embed_snippets(self, campaign):
        # The embeds app's page, reversed by name: campaigns does not import embeds.
        if campaign is None or campaign.pk is None:
            return gettext("Save the campaign first.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("embeds:snippets", args=[campaign.pk]),
            gettext("Embed on other sites: the code to copy"),
        )

    @admin.display(description=_("stances"))
    def whip_count(self, campaign):
        # These are whip's admin pages, reversed by name: campaigns does not import whip.
        if campaign is None or campaign.pk is None:
            return gettext("Save the campaign first.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:campaigns_stanceevidence_add") + f"?campaign={campaign.pk}",
            gettext("Record a stance"),
            reverse("admin:campaigns_stanceevidence_import", args=[campaign.pk]),
            gettext("Import stances from CSV"),
            reverse("admin:campaigns_stanceevidence_suggestions", args=[campaign.pk]),
            gettext("Callers' answers"),
            reverse("admin:campaigns_stanceevidence_changelist") + f"?campaign={campaign.pk}",
            gettext("History"),
        )


class AnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return Partnership.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Partnership.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Partnership)
class PartnershipAdmin(OrganizationScopedAdmin):
    """The invitations addressed to the user's own groups, each answered on its own page with
    a button (a POST). The inviting group manages its invitations on the campaign's page."""

    list_display = [
        "campaign",
        "inviting_group",
        "organization",
        "status",
        "source_code",
        "invited_at",
    ]
    list_filter = [AnswerFilter]
    list_select_related = ["campaign__organization", "organization"]
    answer_template = "admin/campaigns/partnership/answer.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # declining is the answer; the inviting group withdraws an invitation

    @admin.display(description=_("invited by"), ordering="campaign__organization__name")
    def inviting_group(self, partnership):
        return partnership.campaign.organization

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": gettext("Invitations to support other groups' campaigns")} | (
            extra_context or {}
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The invitation, what accepting means, and the buttons to answer it."""
        partnership = self.get_object(request, object_id)
        if partnership is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, partnership):
            raise PermissionDenied
        if request.method == "POST":
            return self._answer(request, partnership)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        return self._answer_page(request, partnership)

    def _answer_page(self, request, partnership, status=200, error=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Invitation from %(group)s")
            % {"group": partnership.campaign.organization},
            "partnership": partnership,
            "campaign": partnership.campaign,
            "public": partnership.campaign.status != Campaign.Status.DRAFT,
            "can_answer": self.has_change_permission(request, partnership),
            "error": error,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.answer_template, context, status=status)

    def _answer(self, request, partnership):
        if not self.has_change_permission(request, partnership):
            raise PermissionDenied
        answer = request.POST.get("answer", "")
        if answer not in ("accept", "decline"):
            return self._answer_page(
                request, partnership, status=400, error=gettext("Choose to accept or decline.")
            )
        with transaction.atomic():
            partnership.answer(accept=answer == "accept", by=request.user)
            self.log_change(request, partnership, [{"changed": {"fields": ["status"]}}])
        if answer == "accept":
            message = gettext(
                "%(group)s is now named on “%(campaign)s”, and supporters are asked whether "
                "they agree to hear from it."
            )
        else:
            message = gettext("%(group)s is not named on “%(campaign)s”.")
        self.message_user(
            request,
            message % {"group": partnership.organization, "campaign": partnership.campaign},
            messages.SUCCESS,
        )
        return redirect("admin:campaigns_partnership_changelist")
