from django.urls import path

from . import views

app_name = "whip"
urlpatterns = [
    path("c/<slug:slug>/whip/", views.scoreboard, name="scoreboard"),
    path("c/<slug:slug>/whip/<int:target_id>/", views.target_stance, name="target-stance"),
]
