from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import docs, views

app_name = "api"

ID = "<str:pk>"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.page, name="docs"),
    path("v1/", views.EntryPoint.as_view(), name="entry"),
    path("v1/people", views.People.as_view(), name="people"),
    path(f"v1/people/{ID}", views.Person.as_view(), name="person"),
    path(f"v1/people/{ID}/taggings", views.PersonTaggings.as_view(), name="person-taggings"),
    path(f"v1/people/{ID}/signatures", views.PersonSignatures.as_view(), name="person-sigs"),
    path(f"v1/people/{ID}/attendances", views.PersonAttendances.as_view(), name="person-rsvps"),
    path(f"v1/people/{ID}/donations", views.PersonDonations.as_view(), name="person-gifts"),
    path(f"v1/people/{ID}/outreaches", views.PersonOutreaches.as_view(), name="person-calls"),
    path("v1/tags", views.Tags.as_view(), name="tags"),
    path(f"v1/tags/{ID}", views.TagDetail.as_view(), name="tag"),
    path(f"v1/tags/{ID}/taggings", views.Taggings.as_view(), name="taggings"),
    path(f"v1/tags/{ID}/taggings/<str:tagging_pk>", views.TaggingDetail.as_view(), name="tagging"),
    path("v1/petitions", views.Petitions.as_view(), name="petitions"),
    path(f"v1/petitions/{ID}", views.PetitionDetail.as_view(), name="petition"),
    path(f"v1/petitions/{ID}/signatures", views.Signatures.as_view(), name="signatures"),
    path(
        f"v1/petitions/{ID}/signatures/<str:item_pk>",
        views.SignatureDetail.as_view(),
        name="signature",
    ),
    path("v1/events", views.Events.as_view(), name="events"),
    path(f"v1/events/{ID}", views.EventDetail.as_view(), name="event"),
    path(f"v1/events/{ID}/attendances", views.Attendances.as_view(), name="attendances"),
    path(
        f"v1/events/{ID}/attendances/<str:item_pk>",
        views.AttendanceDetail.as_view(),
        name="attendance",
    ),
    path("v1/fundraising_pages", views.FundraisingPages.as_view(), name="fundraisers"),
    path(f"v1/fundraising_pages/{ID}", views.FundraisingPageDetail.as_view(), name="fundraiser"),
    path(f"v1/fundraising_pages/{ID}/donations", views.Donations.as_view(), name="donations"),
    path(
        f"v1/fundraising_pages/{ID}/donations/<str:item_pk>",
        views.DonationDetail.as_view(),
        name="donation",
    ),
    path("v1/advocacy_campaigns", views.AdvocacyCampaigns.as_view(), name="advocacy"),
    path(
        f"v1/advocacy_campaigns/{ID}",
        views.AdvocacyCampaignDetail.as_view(),
        name="advocacy-campaign",
    ),
    path(f"v1/advocacy_campaigns/{ID}/outreaches", views.Outreaches.as_view(), name="outreaches"),
    path(
        f"v1/advocacy_campaigns/{ID}/outreaches/<str:item_pk>",
        views.OutreachDetail.as_view(),
        name="outreach",
    ),
]
