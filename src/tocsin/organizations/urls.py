from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("members/", views.home, name="home"),
    path("members/<int:organization_id>/", views.members, name="members"),
    path(
        "members/<int:organization_id>/people/<int:membership_id>/role/",
        views.change_role,
        name="change-role",
    ),
    path(
        "members/<int:organization_id>/people/<int:membership_id>/remove/",
        views.remove,
        name="remove",
    ),
    path(
        "members/<int:organization_id>/invitations/<int:invitation_id>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path("members/join/<str:token>/", views.join, name="join"),
    path("members/sessions/", views.sessions, name="sessions"),
    path("members/sessions/<int:session_id>/end/", views.end_session, name="end-session"),
    path("members/sessions/end-all/", views.end_every_session, name="end-every-session"),
    path("password/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
