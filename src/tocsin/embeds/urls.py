from django.urls import path, re_path

from . import views

app_name = "embeds"

urlpatterns = [
    path("embed.js", views.embed_js, name="script"),
    path("oembed", views.oembed, name="oembed"),
    path("embed/c/<slug:slug>/rsvp/", views.entry, {"kind": "rsvp"}, name="rsvp"),
    path("embed/c/<slug:slug>/give/", views.entry, {"kind": "give"}, name="give"),
    re_path(r"^embed/", views.frame, name="frame"),
    path("organize/campaigns/<int:campaign_id>/embed/", views.snippets_page, name="snippets"),
]
