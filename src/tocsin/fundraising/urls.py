from django.urls import path

from . import organizer_views, views

app_name = "fundraising"

urlpatterns = [
    path("give/stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("give/<slug:slug>/", views.detail, name="detail"),
    path("give/<slug:slug>/thank-you/", views.thanks, name="thanks"),
    path(
        "organize/fundraisers/<int:fundraiser_id>/gifts.csv",
        organizer_views.gifts_csv,
        name="gifts-csv",
    ),
]
