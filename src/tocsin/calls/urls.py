from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("c/<slug:slug>/call/", views.start, name="start"),
    path("c/<slug:slug>/call/<int:position>/", views.step, name="step"),
    path("c/<slug:slug>/call/report/", views.report, name="report"),
    path("c/<slug:slug>/call/done/", views.done, name="done"),
    path("c/<slug:slug>/call/share/mastodon/", views.share_on_mastodon, name="share-mastodon"),
]
