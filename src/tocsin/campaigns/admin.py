from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.scoping import OrganizationScopedAdmin
from tocsin.targets.models import Target

from .models import Campaign, CampaignTarget, Demand, Source, TargetStance


def wide_text(size: int) -> dict:
    return {"widget": forms.TextInput(attrs={"size": size})}


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 1
    fields = ["position", "text"]
    formfield_overrides = {models.CharField: wide_text(90)}


class SourceInline(admin.StackedInline):
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
    model = TargetStance
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["target", "stance", "note"]
    verbose_name_plural = _("where targets stand (for the whip count and call lists)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(OrganizationScopedAdmin):
    list_display = ["title", "organization", "status", "deadline", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    inlines = [DemandInline, SourceInline, CampaignTargetInline, StanceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "deadline", "organization", "partners"]}),
        (_("What supporters read"), {"fields": ["summary", "body"]}),
    ]
    view_on_site = True
    formfield_overrides = {models.CharField: wide_text(70)}
