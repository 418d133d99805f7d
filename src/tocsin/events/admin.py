import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from tocsin.campaigns.models import Campaign
from tocsin.core.dates import zone_choices
from tocsin.core.translated import columns_of
from tocsin.organizations.scoping import OrganizationScopedAdmin

from . import services
from .models import Event, Rsvp, Session


class SessionInline(TranslationStackedInline):
    model = Session
    extra = 1
    fields = [
        "title",
        ("starts_at", "ends_at"),
        ("venue_name", "venue_address"),
        "online_url",
        ("capacity", "has_waitlist"),
        "seats_taken",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return ["seats_taken", *self._links(request)]

    def get_fields(self, request, obj=None):
        return [*self.fields, *self._links(request)]

    def _links(self, request) -> list[str]:
        # The links lead to pages that need their own permissions: offer only those that open.
        links = []
        if request.user.has_perm("events.view_rsvp"):
            links.append("reading_links")
        if request.user.has_perms(["events.view_rsvp", "events.change_rsvp"]):
            links.append("working_links")
        return links

    @admin.display(description=_("for organizers"))
    def reading_links(self, session):
        if session.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:organizer-session", args=[session.pk]),
            _("who is coming"),
            reverse("events:checkin-csv", args=[session.pk]),
            _("CSV"),
        )

    @admin.display(description=_("at the event"))
    def working_links(self, session):
        if session.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:door", args=[session.pk]),
            _("check-in at the door"),
            reverse("events:message", args=[session.pk]),
            _("message attendees"),
        )


@admin.register(Event)
class EventAdmin(TranslationAdmin, OrganizationScopedAdmin):
    list_display = ["title", "organization", "campaign", "is_published"]
    list_filter = ["is_published"]
    search_fields = columns_of("title")
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Session times are typed and shown in the event's own zone, not the server's."""
        name = request.POST.get("time_zone", "")
        if not name and object_id and str(object_id).isdigit():
            name = Event.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()
        zone = timezone.get_current_timezone()
        if name in zoneinfo.available_timezones():
            zone = zoneinfo.ZoneInfo(name)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the zone is still the event's
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A list of places, not a free-text zone name to spell right (an older event's zone
        # outside the list stays selectable).
        form.base_fields["time_zone"] = forms.ChoiceField(
            label=capfirst(Event._meta.get_field("time_zone").verbose_name),
            choices=zone_choices(obj.time_zone if obj else ""),
            initial="Europe/London",
            help_text=_("Where the event happens. Times are typed and shown in this zone."),
        )
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Session:
            # More seats than before: the people waiting get them, in order.
            for session in form.instance.sessions.all():
                with transaction.atomic():
                    services.fill_from_waitlist(session.pk)


@admin.register(Rsvp)
class RsvpAdmin(OrganizationScopedAdmin):
    organization_path = "session__event__organization"
    list_display = ["name", "session", "status", "guests", "created_at", "attended_at"]
    list_filter = ["status", "session__event"]
    search_fields = ["name", "email", "postcode"]
    actions = ["cancel_answers"]
    # Every field is read-only: a free "supporter" field would list every person of every
    # organization in its menu.
    readonly_fields = [
        "session",
        "supporter",
        "source",
        "email",
        "name",
        "postcode",
        "guests",
        "status",
        "consents",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "attended_at",
        "reminded_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("Cancel: free their seats for the waitlist"), permissions=["change"]
    )
    def cancel_answers(self, request, queryset):
        count = sum(1 for answer in queryset.select_related("session") if services.cancel(answer))
        self.message_user(
            request,
            ngettext("Cancelled %(count)d answer.", "Cancelled %(count)d answers.", count)
            % {"count": count},
            messages.SUCCESS,
        )
