from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from tocsin.campaigns.models import Campaign
from tocsin.organizations.scoping import OrganizationScopedAdmin

from . import services
from .forms import FundraiserAdminForm, OfflineGiftForm
from .models import Fundraiser, Gift
from .money import format_money


@admin.register(Fundraiser)
class FundraiserAdmin(TranslationAdmin, OrganizationScopedAdmin):
    form = FundraiserAdminForm
    list_display = [
        "title",
        "organization",
        "campaign",
        "currency",
        "goal_display",
        "deadline",
        "is_accepting",
    ]
    list_filter = ["is_accepting", "currency"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["progress", "online_giving"]
    fieldsets = [
        (None, {"fields": ["organization", "campaign", "title", "slug", "is_accepting"]}),
        (
            _("Goal and amounts"),
            {
                "fields": [
                    "currency",
                    "goal",
                    "deadline",
                    "suggested_amounts",
                    "min_amount",
                    "max_amount",
                    "allow_monthly",
                ]
            },
        ),
        (_("What people read"), {"fields": ["story", "offline_instructions"]}),
        (_("Progress"), {"fields": ["progress", "online_giving"]}),
    ]

    @admin.display(description=_("online giving"))
    def online_giving(self, fundraiser):
        # Said here only: supporters just see how to give offline.
        if services.stripe_configured():
            return _("On: gifts by card go through Stripe Checkout.")
        return _(
            "Not set up: this site has no Stripe keys (STRIPE_SECRET_KEY and "
            "STRIPE_WEBHOOK_SECRET), so supporters see only your offline instructions."
        )

    @admin.display(description=_("goal"), ordering="goal")
    def goal_display(self, fundraiser):
        return format_money(fundraiser.goal, fundraiser.currency)

    @admin.display(description=_("raised so far"))
    def progress(self, fundraiser):
        if fundraiser.pk is None:
            return "—"
        totals = services.count_total(fundraiser)
        by_currency = fundraiser.gifts.totals_by_currency()
        return format_html(
            "{} · {} · <a href='{}'>{}</a> · <a href='{}'>{}</a>{}",
            format_money(totals["raised"], fundraiser.currency),
            ngettext("%(n)d donor", "%(n)d donors", totals["donors"]) % {"n": totals["donors"]},
            reverse("admin:fundraising_gift_add") + f"?fundraiser={fundraiser.pk}",
            _("Record an offline gift"),
            reverse("fundraising:gifts-csv", args=[fundraiser.pk]),
            _("Download the gifts (CSV)"),
            format_html_join(
                "",
                "<br>{}: {}",
                (
                    (code, format_money(row["raised"], code))
                    for code, row in by_currency.items()
                    if code != fundraiser.currency
                ),
            ),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.forget_total(obj)


@admin.register(Gift)
class GiftAdmin(OrganizationScopedAdmin):
    """Offline gifts are entered here; online ones arrive from Stripe and are read-only."""

    organization_path = "fundraiser__organization"
    form = OfflineGiftForm
    list_display = [
        "received_on",
        "fundraiser",
        "amount_display",
        "refunded_display",
        "source",
        "monthly",
        "donor_name",
    ]
    list_filter = ["fundraiser", "source", "currency", "monthly"]
    search_fields = ["donor_name", "donor_email", "reference"]
    date_hierarchy = "received_on"
    actions = ["erase"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, gift):
        return format_money(gift.amount, gift.currency)

    @admin.display(description=_("refunded"))
    def refunded_display(self, gift):
        return format_money(gift.refunded_amount, gift.currency) if gift.refunded_amount else ""

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "fundraiser",
            "source",
            "amount_display",
            "refunded_display",
            "currency",
            "monthly",
            "donor_name",
            "donor_email",
            "reference",
            "note",
            "received_on",
            "stripe_payment_id",
            "created_at",
            "erased_at",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(OfflineGiftForm.Meta.fields)
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.source not in Gift.OFFLINE_SOURCES:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "fundraiser":
            kwargs["queryset"] = Fundraiser.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.record_offline_gift(obj, recorded_by=request.user)

    def delete_model(self, request, obj):
        services.remove_offline_gift(obj)

    def delete_queryset(self, request, queryset):
        for gift in queryset.filter(source__in=Gift.OFFLINE_SOURCES):
            services.remove_offline_gift(gift)

    @admin.action(
        description=_("Erase the donors' names and emails (the amounts stay)"),
        permissions=["delete"],
    )
    def erase(self, request, queryset):
        count = services.erase_donor(queryset)
        self.message_user(
            request,
            ngettext(
                "Erased %(count)d donor's details.", "Erased %(count)d donors' details.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
