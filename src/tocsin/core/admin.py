from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Switches


@admin.register(Switches)
class SwitchesAdmin(admin.ModelAdmin):
    """One row for the whole installation; by default only superusers may change it (give
    the "change switches and limits" permission to trusted organizers)."""

    fieldsets = [
        (
            _("Kill switches"),
            {"fields": ["signing_paused", "calls_paused", "challenge_everywhere"]},
        ),
        (
            _("Signing limits (over a limit a signature is held for review, not refused)"),
            {
                "fields": [
                    ("signatures_per_ip_per_minute", "signatures_per_ip_per_hour"),
                    ("signatures_per_domain_per_minute", "signatures_per_domain_per_hour"),
                    ("signatures_per_country_per_minute", "signatures_per_country_per_hour"),
                ]
            },
        ),
        (
            _("Call reports (over a limit a report is not counted, and the caller is told)"),
            {
                "fields": [
                    ("call_reports_per_ip_per_minute", "call_reports_per_ip_per_hour"),
                    ("call_reports_per_campaign_per_minute", "call_reports_per_campaign_per_hour"),
                ]
            },
        ),
        (
            _("Joining and answering events (over a limit the form asks to try later)"),
            {"fields": [("joins_per_ip_per_hour", "rsvps_per_ip_per_hour")]},
        ),
        (_("Counts"), {"fields": ["count_refresh_seconds"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Switches.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
