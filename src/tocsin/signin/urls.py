from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("two-factor/", views.setup, name="setup"),
    path("two-factor/add/", views.add, name="add"),
    path("two-factor/add/<int:device_id>/", views.confirm, name="confirm"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/<int:device_id>/remove/", views.remove, name="remove"),
    path(
        "two-factor/passkeys/<int:device_id>/remove/",
        views.remove_passkey,
        name="remove-passkey",
    ),
    path("verify/", views.verify, name="verify"),
    path("colleagues/", views.colleagues, name="colleagues"),
    path("colleagues/<int:user_id>/reset/", views.reset, name="reset"),
]
