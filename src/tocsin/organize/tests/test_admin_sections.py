"""The back office's index and sidebar, grouped by task with plain names (issue 20)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.organizations.factories import OrganizerFactory

pytestmark = pytest.mark.django_db

TASK_ORDER = ["Campaigns", "Actions", "People", "Mail", "Whom we ask", "Records", "Organization"]


def sections(response) -> dict[str, list[str]]:
    return {
        str(section["name"]): [str(model["name"]) for model in section["models"]]
        for section in response.context["app_list"]
    }


def section_captions(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', html)


def test_an_organizer_sees_sections_by_task_with_only_what_they_may_see(client):
    client.force_login(OrganizerFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start here" in html

    assert section_captions(html) == TASK_ORDER
    shown = sections(response)
    assert shown["Campaigns"] == ["Campaigns", "Partner organizations"]
    assert shown["Actions"] == [
        "Call actions",
        "Petitions",
        "Letter-writing actions",
        "Events",
        "Fundraisers",
    ]
    assert shown["People"] == [
        "Supporters",
        "RSVPs",
        "Signatures",
        "Gifts",
        "Letters people wrote",
    ]
    assert shown["Mail"] == ["Action alerts"]
    assert shown["Whom we ask"] == [
        "Targets and members of Congress",
        "Offices",
        "Corrections to offices",
        "Evidence of where targets stand",
    ]
    assert shown["Records"] == [
        "District data updates",
        "Blocked phone numbers",
        "Office addresses that failed",
    ]
    assert shown["Organization"] == ["Organizations"]

    # Accounts, groups, sign-in records and installation switches are not a campaigner's.
    for hidden in ("User accounts", "Groups", "Sign-in attempts", "Switches and limits"):
        assert hidden not in html
    assert reverse("admin:auth_user_changelist") not in html
    # The jargon the models' own names carry stays out of the index.
    for jargon in ("Dataset imports", "Bad target addresses", "whip count", "Partnership"):
        assert jargon not in html


def test_a_superuser_sees_every_registered_model_exactly_once(client):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))

    listed = [
        model["model"] for section in response.context["app_list"] for model in section["models"]
    ]
    assert sorted(m._meta.label for m in listed) == sorted(
        m._meta.label for m in admin.site._registry
    )
    names = [str(section["name"]) for section in response.context["app_list"]]
    assert names == [*TASK_ORDER, "Other"]
    other = sections(response)["Other"]
    assert "Sign-in attempts" in other
    assert "Switches and limits" in other


def test_the_sidebar_shows_sections_and_an_apps_own_page_still_works(client):
    organizer = OrganizerFactory()
    campaign = CampaignFactory(organization=organizer.memberships.get().organization)
    client.force_login(organizer)

    app_page = client.get(reverse("admin:app_list", args=["campaigns"]))
    assert app_page.status_code == 200
    assert [str(app["name"]) for app in app_page.context["app_list"]] == ["Campaigns"]
    assert reverse("admin:campaigns_campaign_changelist") in app_page.content.decode()

    change_page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert change_page.status_code == 200
    sidebar = [str(section["name"]) for section in change_page.context["available_apps"]]
    assert sidebar == TASK_ORDER
    # Every section's link stays on the index rather than claiming to be the current page.
    for section in change_page.context["available_apps"]:
        assert section["app_url"].startswith(reverse("admin:index") + "#")
