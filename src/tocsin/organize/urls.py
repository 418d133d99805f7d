from django.urls import path

from . import views

app_name = "organize"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/new/", views.new_campaign, name="new"),
    path("campaigns/<int:campaign_id>/basics/", views.basics, name="basics"),
    path("campaigns/<int:campaign_id>/actions/", views.actions, name="actions"),
    path("campaigns/<int:campaign_id>/targets/", views.targets, name="targets"),
    path("campaigns/<int:campaign_id>/preview/", views.preview, name="preview"),
    path("campaigns/<int:campaign_id>/publish/", views.publish, name="publish"),
]
