from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("organize/dashboard/", views.index, name="index"),
    path("organize/dashboard/<int:campaign_id>/", views.dashboard, name="campaign"),
    path("organize/dashboard/<int:campaign_id>/map/", views.place_map, name="map"),
    path(
        "organize/dashboard/<int:campaign_id>/export/<slug:what>.csv",
        views.export,
        name="export",
    ),
]
