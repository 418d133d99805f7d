from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("c/<slug:slug>/write/", views.choose, name="choose"),
    path("c/<slug:slug>/write/<slug:action_slug>/", views.write, name="write"),
    path("letters/confirm/<str:token>/", views.confirm, name="confirm"),
    path(
        "organize/letters/<int:action_id>/bundle/",
        views.bundle_index,
        name="bundle-index",
    ),
    path(
        "organize/letters/<int:action_id>/bundle/<int:target_id>.csv",
        views.bundle_csv,
        name="bundle-csv",
    ),
    path(
        "organize/letters/<int:action_id>/bundle/<int:target_id>/",
        views.bundle_page,
        name="bundle-page",
    ),
]
