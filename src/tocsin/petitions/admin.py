from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from tocsin.campaigns.models import Campaign
from tocsin.core.audit import record
from tocsin.organizations.scoping import OrganizationScopedAdmin

from . import moderation, services
from .models import PetitionAction, Signature


@admin.register(PetitionAction)
class PetitionAdmin(TranslationAdmin, OrganizationScopedAdmin):
    organization_path = "campaign__organization"
    list_display = ["title", "campaign", "is_collecting", "goal"]

    def get_readonly_fields(self, request, obj=None):
        # The delivery pages list signers: offered only to those who may open them.
        return ["delivery"] if request.user.has_perm("petitions.view_signature") else []

    @admin.display(description=_("deliver to each target"))
    def delivery(self, petition):
        if petition.pk is None:
            return "—"
        rows = [
            (
                target,
                reverse("petitions:delivery-page", args=[petition.pk, target.pk]),
                reverse("petitions:delivery-csv", args=[petition.pk, target.pk]),
            )
            for target in petition.campaign.targets.all()
        ]
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", '<li>{}: <a href="{}">printable</a> · <a href="{}">CSV</a></li>', rows
            ),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Waiting for confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(Signature)
class SignatureAdmin(OrganizationScopedAdmin):
    """Moderation: narrow down by time (date hierarchy), email domain (search "@domain"),
    address or range (search "203.0.113.0/24"), country or district, then invalidate in
    bulk. The public count follows at once; the dashboard at its next refresh."""

    organization_path = "petition__campaign__organization"
    list_display = [
        "name",
        "email",
        "district",
        "country",
        "created_at",
        "confirmed_at",
        "invalidated_at",
    ]
    list_filter = [
        "petition",
        ConfirmedFilter,
        "country",
        ("invalidated_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "email", "postcode", "district"]
    search_help_text = _(
        'A name, an email address or part of one ("@example.org" for a whole domain), a ZIP, '
        'a district, or the IP address or range they signed from ("203.0.113.0/24").'
    )
    date_hierarchy = "created_at"
    actions = ["release", "invalidate", "restore", "erase"]
    readonly_fields = [
        "petition",
        "email",
        "name",
        "postcode",
        "country",
        "district",
        "comment",
        "consents",
        "source",
        "supporter",
        "created_at",
        "confirmed_at",
        "invalidated_at",
        "held_at",
    ]

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        network = moderation.parse_range(search_term)
        if network is None:
            return super().get_search_results(request, queryset, search_term)
        try:
            return queryset.filter(moderation.in_range(network)), False
        except moderation.RangeTooWide as too_wide:
            self.message_user(request, str(too_wide), messages.WARNING)
            return queryset.none(), False

    def _done(self, request, queryset, count, message):
        for petition_id in set(queryset.values_list("petition_id", flat=True)):
            services.forget_count(petition_id)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    # Bulk updates send no signals, so auditlog sees none of these rows: one entry per
    # petition, naming the signatures by number only (never the signer).
    AUDIT_IDS_KEPT = 1000

    def _record(self, request, event, signature_ids):
        by_petition = {}
        for petition_id, signature_id in Signature.objects.filter(pk__in=signature_ids).values_list(
            "petition_id", "pk"
        ):
            by_petition.setdefault(petition_id, []).append(signature_id)
        petitions = PetitionAction.objects.select_related("campaign").in_bulk(by_petition)
        for petition_id, ids in by_petition.items():
            petition = petitions[petition_id]
            details = {"count": len(ids), "signatures": sorted(ids)[: self.AUDIT_IDS_KEPT]}
            record(request, event, petition, petition.campaign.organization_id, details)

    @admin.action(
        description=_("Release held signatures (they get their mail)"), permissions=["change"]
    )
    def release(self, request, queryset):
        held = list(queryset.filter(held_at__isnull=False).values_list("pk", flat=True))
        count = services.release_held(queryset)
        self._record(request, "signatures_released", held)
        self._done(
            request,
            queryset,
            count,
            ngettext("Released %(count)d signature.", "Released %(count)d signatures.", count),
        )

    @admin.action(description=_("Invalidate: stop counting them"), permissions=["change"])
    def invalidate(self, request, queryset):
        counted = list(queryset.filter(invalidated_at__isnull=True).values_list("pk", flat=True))
        count = Signature.objects.filter(pk__in=counted, invalidated_at__isnull=True).update(
            invalidated_at=timezone.now()
        )
        self._record(request, "signatures_invalidated", counted)
        self._done(
            request,
            queryset,
            count,
            ngettext(
                "Invalidated %(count)d signature.", "Invalidated %(count)d signatures.", count
            ),
        )

    @admin.action(description=_("Restore: count them again"), permissions=["change"])
    def restore(self, request, queryset):
        invalid = list(queryset.filter(invalidated_at__isnull=False).values_list("pk", flat=True))
        count = Signature.objects.filter(pk__in=invalid, invalidated_at__isnull=False).update(
            invalidated_at=None
        )
        self._record(request, "signatures_restored", invalid)
        self._done(
            request,
            queryset,
            count,
            ngettext("Restored %(count)d signature.", "Restored %(count)d signatures.", count),
        )

    @admin.action(
        description=_("Erase the signer's details (the count stays)"), permissions=["change"]
    )
    def erase(self, request, queryset):
        count = 0
        for signature_id in queryset.values_list("pk", flat=True):
            services.erase_signer(signature_id)
            count += 1
        self._done(
            request,
            queryset,
            count,
            ngettext(
                "Erased %(count)d signer's details.", "Erased %(count)d signers' details.", count
            ),
        )
