from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from tocsin.campaigns.models import Campaign
from tocsin.core.privacy import keyed_hash
from tocsin.core.translated import columns_of
from tocsin.organizations.scoping import OrganizationScopedAdmin
from tocsin.targets.models import Target

from . import services
from .models import BlockedNumber, CallAction, ScriptVariant
from .telephony import ConnectRefused, normalize_phone


class ScriptVariantInline(TranslationStackedInline):
    model = ScriptVariant
    extra = 0
    autocomplete_fields = ["target"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CallAction)
class CallActionAdmin(TranslationAdmin, OrganizationScopedAdmin):
    organization_path = "campaign__organization"
    list_display = ["title", "campaign", "target_mode", "is_active"]
    list_filter = ["is_active", "target_mode"]
    search_fields = columns_of("title", "campaign__title")
    inlines = [ScriptVariantInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "campaign",
                    "title",
                    "is_active",
                    "intro",
                    "script",
                    "script_said_in",
                    "script_for_supporters",
                ]
            },
        ),
        (
            _("Whom supporters call"),
            {
                "fields": [
                    "target_mode",
                    "chambers",
                    "custom_placement",
                    "only_unsupportive",
                    "office_order",
                ],
                "description": _(
                    "A fixed list uses the campaign's targets, in their order. The lookup finds "
                    "each supporter's own legislators from their ZIP code or location."
                ),
            },
        ),
        (
            _("Counts so far"),
            {
                "fields": ["calls_made", "attempts_not_through"],
                "description": _(
                    "The public count shows calls made only: talked to someone or left a "
                    "message. Busy lines, no answer and full voicemail are attempts."
                ),
            },
        ),
        (_("Share step"), {"fields": ["share_text", "hashtags", "mention_fallback"]}),
        (_("Forged reports"), {"fields": ["ask_for_challenge"]}),
        (_("Click-to-call"), {"fields": ["click_to_call", "calls_per_phone_per_hour"]}),
    ]

    readonly_fields = ["calls_made", "attempts_not_through"]

    @admin.display(description=_("calls made (the public count)"))
    def calls_made(self, action: CallAction) -> int:
        return services.call_count(action) if action.pk else 0

    @admin.display(description=_("attempts that did not get through"))
    def attempts_not_through(self, action: CallAction) -> int:
        return services.attempt_count(action) if action.pk else 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BlockedNumberForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("Stored only as a keyed hash: it cannot be read back, only matched."),
    )

    class Meta:
        model = BlockedNumber
        fields = ["organization", "phone", "note"]

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ConnectRefused as error:
            raise forms.ValidationError(str(error)) from error

    def save(self, commit=True):
        self.instance.number_hash = keyed_hash(self.cleaned_data["phone"])
        return super().save(commit)


@admin.register(BlockedNumber)
class BlockedNumberAdmin(OrganizationScopedAdmin):
    form = BlockedNumberForm
    list_display = ["__str__", "organization", "created_at"]

    def get_fields(self, request, obj=None):
        return ["organization", "note"] if obj else ["organization", "phone", "note"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)
