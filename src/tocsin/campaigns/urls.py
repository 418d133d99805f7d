from django.urls import path

from . import share_views, views

app_name = "campaigns"
urlpatterns = [
    path("c/<slug:slug>/legislators/", views.find_legislators, name="legislators"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/joined/", views.joined, name="joined"),
    path("c/<slug:slug>/share/mastodon/", share_views.share_on_mastodon, name="share-mastodon"),
]
