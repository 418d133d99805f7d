from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.campaign_detail, name="detail"),
    path("c/<slug:slug>/legislators/", views.find_legislators, name="legislators"),
    path("c/<slug:slug>/whip/", views.scoreboard, name="scoreboard"),
    path("c/<slug:slug>/whip/<int:target_id>/", views.target_stance, name="target-stance"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/joined/", views.joined, name="joined"),
]
