from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.organizations.scoping import OrganizationScopedAdmin
from tocsin.targets.models import Target

from .models import CallAction, ScriptVariant


class ScriptVariantInline(admin.StackedInline):
    model = ScriptVariant
    extra = 0
    autocomplete_fields = ["target"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CallAction)
class CallActionAdmin(OrganizationScopedAdmin):
    organization_path = "campaign__organization"
    list_display = ["title", "campaign", "target_mode", "is_active"]
    list_filter = ["is_active", "target_mode"]
    search_fields = ["title", "campaign__title"]
    inlines = [ScriptVariantInline]
    fieldsets = [
        (None, {"fields": ["campaign", "title", "is_active", "intro", "script"]}),
        (
            _("Whom supporters call"),
            {
                "fields": [
                    "target_mode", "chambers", "custom_placement", "only_unsupportive",
                    "office_order",
                ],
                "description": _(
                    "A fixed list uses the campaign's targets, in their order. The lookup finds "
                    "each supporter's own legislators from their ZIP code or location."
                ),
            },
        ),
        (_("Share step"), {"fields": ["share_text", "hashtags", "mention_fallback"]}),
    ]  # fmt: skip

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
