"""Organizers write each text per language in the back office, see which are missing, and
every language's text is stored, searched, exported and sanitised like the original (issue 17)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from tocsin.calls.factories import CallActionFactory
from tocsin.campaigns.factories import CampaignFactory, DemandFactory
from tocsin.campaigns.models import Campaign
from tocsin.core.translated import copy_into_language
from tocsin.events.factories import RsvpFactory, SessionFactory
from tocsin.fundraising.factories import FundraiserFactory
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory

pytestmark = pytest.mark.django_db

INLINES = ("demands", "sources", "campaign_targets", "partnerships", "stances")
HOSTILE = 'Hola <script>alert("x")</script> **fuerte** <a href="javascript:evil()">enlace</a>'


@pytest.fixture
def campaign():
    return CampaignFactory(
        organization=OrganizationFactory(name="SOA Watch"),
        title="Ask Senator Baldwin",
        summary="Stand with human-rights defenders.",
        body="Why it **matters**.",
    )


@pytest.fixture
def organizer_client(client, campaign):
    client.force_login(OrganizerFactory(organizations=[campaign.organization]))
    return client


def change_form(campaign, **changes):
    data = {
        "slug": campaign.slug,
        "status": campaign.status,
        "deadline": "",
        "country": campaign.country,
        "organization": campaign.organization_id,
        "language": campaign.language,
    }
    for field in ("title", "summary", "share_description", "body"):
        for language in ("en", "es"):
            data[f"{field}_{language}"] = getattr(campaign, f"{field}_{language}") or ""
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def test_the_admin_shows_each_language_s_field_beside_the_others(organizer_client, campaign):
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    page = organizer_client.get(url).content.decode()
    for name in ("title_en", "title_es", "summary_en", "summary_es", "body_es", "language"):
        assert f'name="{name}"' in page
    assert reverse("admin:campaigns_campaign_missing_texts", args=[campaign.pk]) in page


def test_an_edit_in_spanish_leaves_the_english_alone(organizer_client, campaign):
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    with translation.override("es"):  # the organizer's own interface language changes nothing
        response = organizer_client.post(
            url, change_form(campaign, title_es="Pídele a la senadora Baldwin")
        )
    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.title_en == "Ask Senator Baldwin"
    assert campaign.title_es == "Pídele a la senadora Baldwin"
    assert campaign.summary_en == "Stand with human-rights defenders."
    assert not campaign.summary_es

    response = organizer_client.post(url, change_form(campaign, title_en="Ask Baldwin now"))
    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert (campaign.title_en, campaign.title_es) == (
        "Ask Baldwin now",
        "Pídele a la senadora Baldwin",
    )


def test_the_missing_texts_page_lists_what_lacks_which_language(organizer_client, campaign):
    DemandFactory(campaign=campaign, text="Cut the funding", text_es="Corten los fondos")
    DemandFactory(campaign=campaign, text="Close the school")
    action = CallActionFactory(campaign=campaign, title="Call Baldwin", title_es="Llama a Baldwin")
    session = SessionFactory(event__campaign=campaign, event__organization=campaign.organization)
    page = organizer_client.get(
        reverse("admin:campaigns_campaign_missing_texts", args=[campaign.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Close the school" in html
    assert "Cut the funding" not in html  # written in both
    assert action.title in html or "Call Baldwin" in html  # its script is English only
    assert reverse("admin:calls_callaction_change", args=[action.pk]) in html
    # A session is edited on its event's page, so the link leads there.
    assert reverse("admin:events_event_change", args=[session.event_id]) in html
    assert reverse("admin:campaigns_campaign_change", args=[campaign.pk]) in html


def test_a_campaign_in_every_language_says_so(organizer_client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(
        title_es="Pide", summary_es="Defiéndelos.", body_es="Por qué **importa**."
    )
    campaign.refresh_from_db()
    campaign.save()  # renders body_html_es
    page = organizer_client.get(
        reverse("admin:campaigns_campaign_missing_texts", args=[campaign.pk])
    )
    assert "Every text of this campaign is written in every language." in page.content.decode()


def test_another_group_s_organizer_cannot_open_the_missing_texts_page(client, campaign):
    client.force_login(OrganizerFactory(organizations=[OrganizationFactory()]))
    url = reverse("admin:campaigns_campaign_missing_texts", args=[campaign.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("admin:campaigns_campaign_missing_texts", args=[99999])).status_code
        == 404
    )


def test_the_admin_search_finds_a_campaign_by_its_spanish_title(organizer_client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(title_es="Pídele a la senadora")
    CampaignFactory(organization=campaign.organization, title="Another campaign")
    listing = reverse("admin:campaigns_campaign_changelist")
    for query in ("senadora", "Senator"):
        html = organizer_client.get(listing, {"q": query}).content.decode()
        assert "1 result" in html, query
        assert f"/{campaign.pk}/change/" in html


def test_the_rsvp_export_names_an_event_written_only_in_spanish(organizer_client, campaign):
    with translation.override("es"):
        session = SessionFactory(
            event__campaign=campaign,
            event__organization=campaign.organization,
            event__title="Vigilia en Madison",
            title="Tarde",
        )
    RsvpFactory(session=session)
    organizer = OrganizerFactory(organizations=[campaign.organization])
    organizer.user_permissions.clear()
    organizer_client.force_login(organizer)
    export = organizer_client.get(reverse("dashboard:export", args=[campaign.pk, "rsvps"]))
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1:3] == ["Vigilia en Madison", "Tarde"]


def test_a_spanish_markdown_text_is_sanitised_exactly_like_the_english(campaign):
    campaign.body_en = HOSTILE
    campaign.body_es = HOSTILE
    campaign.save()
    campaign.refresh_from_db()
    assert "<script" not in campaign.body_html_es
    assert "javascript:" not in campaign.body_html_es
    assert "<strong>fuerte</strong>" in campaign.body_html_es
    assert campaign.body_html_es == campaign.body_html_en

    fundraiser = FundraiserFactory(campaign=campaign, organization=campaign.organization)
    fundraiser.story_en, fundraiser.story_es = HOSTILE, HOSTILE
    fundraiser.save()
    fundraiser.refresh_from_db()
    assert "<script" not in fundraiser.story_html_es
    assert fundraiser.story_html_es == fundraiser.story_html_en


def test_saving_only_the_body_renders_every_language(campaign):
    campaign.body_es = "Solo **esto**."
    campaign.save(update_fields=["body_es"])
    campaign.refresh_from_db()
    assert campaign.body_html_es == "<p>Solo <strong>esto</strong>.</p>"


def test_texts_written_before_languages_become_the_english(campaign):
    # As a database from before this issue holds it: the plain column only.
    Campaign.objects.rewrite(False).filter(pk=campaign.pk).update(
        title="Older title", title_en=None
    )
    copy_into_language(Campaign, ["title"], "en")
    campaign.refresh_from_db()
    assert (campaign.title_en, campaign.title_es) == ("Older title", None)


def test_the_call_admin_offers_each_language_s_script_and_the_language_it_is_said_in(
    organizer_client, campaign
):
    action = CallActionFactory(campaign=campaign)
    page = organizer_client.get(reverse("admin:calls_callaction_change", args=[action.pk]))
    html = page.content.decode()
    for name in ("script_en", "script_es", "script_said_in", "intro_es", "share_text_es"):
        assert f'name="{name}"' in html
