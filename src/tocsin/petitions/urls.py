from django.urls import path

from . import organizer_views, views

app_name = "petitions"

urlpatterns = [
    path("c/<slug:slug>/sign/", views.sign, name="sign"),
    path("c/<slug:slug>/sign/check-your-email/", views.check_email, name="check-email"),
    path("c/<slug:slug>/petition.json", views.counts_json, name="json"),
    path(
        "c/<slug:slug>/petition-history.<str:fmt>",
        views.history,
        name="history",
    ),
    path("petitions/confirm/<str:token>/", views.confirm, name="confirm"),
    path(
        "organize/petitions/<int:petition_id>/delivery/<int:target_id>.csv",
        organizer_views.delivery_csv,
        name="delivery-csv",
    ),
    path(
        "organize/petitions/<int:petition_id>/delivery/<int:target_id>/",
        organizer_views.delivery_page,
        name="delivery-page",
    ),
]
