from django.urls import path

from . import organizer_views, views

app_name = "events"

urlpatterns = [
    path("events/<slug:slug>/", views.detail, name="detail"),
    path("events/<slug:slug>/<int:session_id>/rsvp/", views.rsvp, name="rsvp"),
    # Before "done": its token would match "check-email" too.
    path(
        "events/<slug:slug>/<int:session_id>/rsvp/check-email/",
        views.check_email,
        name="check-email",
    ),
    path("events/<slug:slug>/<int:session_id>/rsvp/<str:token>/", views.done, name="done"),
    path(
        "events/<slug:slug>/<int:session_id>/calendar.ics",
        views.session_calendar,
        name="session-calendar",
    ),
    path("events/confirm/<str:token>/", views.confirm, name="confirm"),
    path("events/cancel/<str:token>/", views.cancel, name="cancel"),
    path("c/<slug:slug>/events.ics", views.campaign_feed, name="campaign-feed"),
    path("groups/<slug:slug>/events.ics", views.organization_feed, name="organization-feed"),
    path("organize/events/<int:event_id>/", organizer_views.event_overview, name="organizer-event"),
    path(
        "organize/events/sessions/<int:session_id>/",
        organizer_views.session_rsvps,
        name="organizer-session",
    ),
    path(
        "organize/events/sessions/<int:session_id>/checkin.csv",
        organizer_views.checkin_csv,
        name="checkin-csv",
    ),
    path(
        "organize/events/sessions/<int:session_id>/checkin/",
        organizer_views.checkin_print,
        name="checkin-print",
    ),
    path("organize/events/sessions/<int:session_id>/door/", organizer_views.door, name="door"),
    path(
        "organize/events/sessions/<int:session_id>/message/",
        organizer_views.message,
        name="message",
    ),
]
