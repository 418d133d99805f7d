from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("c/<slug:slug>/legislators/", views.find_legislators, name="legislators"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/joined/", views.joined, name="joined"),
]
