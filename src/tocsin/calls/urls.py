from django.urls import path

from . import twilio_views, views

app_name = "calls"

urlpatterns = [
    path("c/<slug:slug>/call/", views.start, name="start"),
    path("c/<slug:slug>/call/<int:position>/", views.step, name="step"),
    path("c/<slug:slug>/call/report/", views.report, name="report"),
    path("c/<slug:slug>/call/done/", views.done, name="done"),
    path("c/<slug:slug>/call/done/address/", views.caller, name="caller"),
    path("c/<slug:slug>/call/connect/", views.connect, name="connect"),
    path("c/<slug:slug>/call/connect/<uuid:session_id>/", views.connecting, name="connecting"),
    path("calls/twilio/<uuid:session_id>/answer/", twilio_views.answer, name="twilio-answer"),
    path("calls/twilio/<uuid:session_id>/connect/", twilio_views.connect, name="twilio-connect"),
    path(
        "calls/twilio/<uuid:session_id>/next/<int:position>/",
        twilio_views.next_office,
        name="twilio-next",
    ),
    path("calls/twilio/<uuid:session_id>/status/", twilio_views.status, name="twilio-status"),
]
