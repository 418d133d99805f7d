from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from tocsin.campaigns.admin import wide_text
from tocsin.core.translated import columns_of
from tocsin.organizations.scoping import OrganizationScopedAdmin

from . import actions, audience, rendering, results, views
from .forms import AlertForm
from .models import Alert

# The pages of one alert beside its change form: (path, name, view).
ALERT_PAGES = [
    ("audience/", "audience", views.audience_view),
    ("preview/", "preview", views.preview_view),
    ("preview/<str:language>/frame/", "preview_frame", views.preview_frame_view),
    ("test/", "test", views.test_view),
    ("send/", "send", views.send_view),
    ("control/", "control", views.control_view),
    ("status/", "status", views.status_view),
    ("results/", "results", views.results_view),
    ("results.csv", "results_csv", views.results_csv_view),
]


@admin.register(Alert)
class AlertAdmin(TranslationAdmin, OrganizationScopedAdmin):
    """Compose an alert (its texts in each language side by side), then choose its audience,
    preview, test and send it from the pages linked at the top of its form."""

    form = AlertForm
    list_display = ["subject", "status", "recipients", "sent", "conversion", "scheduled_for"]
    list_filter = ["status"]
    search_fields = columns_of("subject")
    formfield_overrides = {models.CharField: wide_text(70)}
    fieldsets = [
        (None, {"fields": ["organization", "action", "status_line", "audience_line"]}),
        (_("From"), {"fields": ["from_name", "reply_to"]}),
        (
            _("The mail, in each language"),
            {
                "fields": ["subject", "preheader", "body", "button_label", "targets_fallback"],
                "description": _(
                    "Write a version in each language your supporters read; each person gets "
                    "theirs. In the message, {first_name} is the recipient's first name and "
                    "{your_targets} a line naming their own targets for the action and where "
                    "they stand (the line below when we do not know where they live)."
                ),
            },
        ),
    ]
    change_form_template = "admin/alerts/alert/change_form.html"

    # ------------------------------------------------------------------ permissions

    def has_change_permission(self, request, obj=None):
        # Only a draft or a scheduled alert is edited: what has gone out stays as it went.
        if obj is not None and obj.status not in views.EDITABLE:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Alert.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = ["status_line", "audience_line"]
        if obj is not None and obj.pk:
            fields.append("organization")  # its audience names its own tags and campaigns
        if not self.has_change_permission(request, obj):
            fields.append("action")
        return fields

    # ------------------------------------------------------------------ the form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        organizations = list(self.user_organizations(request)[:2])
        if len(organizations) == 1:
            organization = organizations[0]
            initial.setdefault("organization", organization.pk)
            initial.setdefault("from_name", organization.mail_from_name or organization.name)
            initial.setdefault("reply_to", organization.mail_reply_to)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if alert is not None:
            extra_context["problems"] = rendering.check_texts(alert)
            extra_context["can_send"] = views.can_send(request, alert)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        # A new alert's next step is its audience.
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return views.HttpResponseRedirect(views.url("audience", obj))
        return super().response_add(request, obj, post_url_continue)

    # ------------------------------------------------------------------ read-only lines

    @admin.display(description=_("the button opens"))
    def action(self, alert):
        linked = actions.resolve(alert) if alert and alert.pk else None
        if linked is None:
            return "—"
        return linked.title

    @admin.display(description=_("status"))
    def status_line(self, alert):
        if alert is None or alert.pk is None:
            return gettext("draft")
        return format_html(
            '{} · <a href="{}">{}</a>',
            alert.get_status_display(),
            views.url("status", alert),
            gettext("Progress"),
        )

    @admin.display(description=_("audience"))
    def audience_line(self, alert):
        if alert is None or alert.pk is None:
            return gettext("Save the alert first, then choose who gets it.")
        count = alert.audience_count if alert.audience_count is not None else audience.count(alert)
        return format_html(
            '{} · <a href="{}">{}</a>',
            gettext("%(count)s people") % {"count": count},
            views.url("audience", alert),
            gettext("Choose who gets it"),
        )

    # ------------------------------------------------------------------ the list

    @admin.display(description=_("recipients"))
    def recipients(self, alert):
        if alert.audience_count is not None:
            return alert.audience_count
        return audience.count(alert) if alert.status in views.EDITABLE else "—"

    @admin.display(description=_("sent"))
    def sent(self, alert):
        return results.delivery_counts(alert)["sent"] if alert.started_at else "—"

    @admin.display(description=_("conversion"))
    def conversion(self, alert):
        if not alert.started_at:
            return "—"
        sent = results.delivery_counts(alert)["sent"]
        return results.percent(results.conversion(results.people_acted(alert), sent)) or "—"

    # ------------------------------------------------------------------ the alert's pages

    def get_urls(self):
        pages = [
            path(
                f"<int:alert_id>/{part}",
                self.admin_site.admin_view(self._alert_page(view)),
                name=f"alerts_alert_{name}",
            )
            for part, name, view in ALERT_PAGES
        ]
        return [
            *pages,
            *super().get_urls(),
        ]

    def _alert_page(self, view):
        def page(request, alert_id, **kwargs):
            alert = self.get_object(request, str(alert_id))  # scoped to the user's groups
            if alert is None:
                raise Http404
            if not self.has_view_permission(request, alert):
                raise PermissionDenied
            request.current_app = self.admin_site.name
            return view(self, request, alert, **kwargs)

        return page

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")
