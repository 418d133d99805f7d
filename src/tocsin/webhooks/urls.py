from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:endpoint_id>/", views.detail, name="detail"),
    path("<int:endpoint_id>/edit/", views.edit, name="edit"),
    path("<int:endpoint_id>/ping/", views.ping, name="ping"),
    path("<int:endpoint_id>/active/", views.set_active, name="set-active"),
    path("<int:endpoint_id>/delete/", views.delete, name="delete"),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/",
        views.redeliver,
        name="redeliver",
    ),
]
