from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from tocsin.campaigns.models import Campaign
from tocsin.core.translated import columns_of
from tocsin.organizations.scoping import OrganizationScopedAdmin
from tocsin.targets.models import Target

from . import services
from .models import BadAddress, Letter, LetterVariant, WriteAction


class LetterVariantInline(TranslationStackedInline):
    model = LetterVariant
    extra = 0
    autocomplete_fields = ["target"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WriteAction)
class WriteActionAdmin(TranslationAdmin, OrganizationScopedAdmin):
    organization_path = "campaign__organization"
    list_display = ["title", "campaign", "target_mode", "delivery", "is_open"]
    list_filter = ["is_open", "target_mode", "delivery"]
    search_fields = columns_of("title", "campaign__title")
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LetterVariantInline]
    fieldsets = [
        (None, {"fields": ["campaign", "title", "slug", "position", "is_open", "intro"]}),
        (_("The letter"), {"fields": ["subject", "letter", "own_sentence_prompt"]}),
        (
            _("Whom supporters write to"),
            {
                "fields": ["target_mode", "chambers", "custom_placement"],
                "description": _(
                    "A fixed list uses the campaign's targets, in their order. The lookup finds "
                    "each supporter's own representatives: their MP from a postcode, their "
                    "member of Congress and senators from a ZIP code."
                ),
            },
        ),
        (
            _("Delivery"),
            {
                "fields": ["delivery", "daily_cap_per_target", "letters_written"],
                "description": _(
                    "Letters go only after the supporter confirms their address. A letter with "
                    "a link you did not write is held for you to read first."
                ),
            },
        ),
    ]
    readonly_fields = ["letters_written"]

    @admin.display(description=_("letters written so far"))
    def letters_written(self, action: WriteAction) -> int:
        if not action.pk:
            return 0
        return Letter.objects.filter(action=action).delivered().count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Letter)
class LetterAdmin(OrganizationScopedAdmin):
    """Letters held for review are read here and released or refused; the rest is a record."""

    organization_path = "action__campaign__organization"
    list_display = ["name", "target", "action", "method", "state", "created_at", "sent_at"]
    list_filter = ["state", "method", "action"]
    search_fields = ["name", "email", "postcode", "town", "place"]
    date_hierarchy = "created_at"
    actions = ["release", "refuse"]
    readonly_fields = [
        "action",
        "target",
        "supporter",
        "name",
        "email",
        "address",
        "postcode",
        "town",
        "country",
        "place",
        "subject",
        "body",
        "language",
        "source",
        "method",
        "state",
        "problem",
        "created_at",
        "confirmed_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only record: the letter is the supporter's words, sent in their name.
        return False

    @admin.action(description=_("Release the selected held letters"))
    def release(self, request, queryset):
        count = services.release(queryset.filter(state=Letter.State.HELD))
        self.message_user(
            request,
            ngettext("%(count)d letter released.", "%(count)d letters released.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Refuse the selected held letters (they are never sent)"))
    def refuse(self, request, queryset):
        count = services.refuse(queryset.filter(state=Letter.State.HELD))
        self.message_user(
            request,
            ngettext("%(count)d letter refused.", "%(count)d letters refused.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        # Releasing or refusing changes the letter's state: the change permission, which
        # this read-only admin otherwise withholds.
        actions = super().get_actions(request)
        allowed = request.user.has_perm("letters.change_letter")
        return {
            name: action
            for name, action in actions.items()
            if allowed or name not in ("release", "refuse")
        }


@admin.register(BadAddress)
class BadAddressAdmin(admin.ModelAdmin):
    """Targets' addresses that bounced. Correct the target's address, then delete the mark:
    letters go by email again."""

    list_display = ["target", "address", "since", "reason"]
    search_fields = ["address", "target__name"]
    readonly_fields = ["target", "address", "since", "reason", "letter"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # A member of Congress's or MP's bad address matters to every organization writing
        # to them; a custom target's only to its own.
        queryset = super().get_queryset(request).select_related("target")
        return queryset.filter(target__in=Target.objects.visible_to(request.user))
