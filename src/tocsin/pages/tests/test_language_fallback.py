"""A supporter reads a campaign in their language; a text not written in it is shown in the
campaign's own language, marked with that language's lang attribute, under one short note."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tocsin.campaigns.factories import CampaignFactory, DemandFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOTE = "untranslated-note"


@pytest.fixture(autouse=True)
def fresh_cache_and_language():
    # A request leaves its language active; factories write the active language's columns.
    cache.clear()
    translation.activate("en")
    yield
    translation.activate("en")


def outside_the_language_menu(html):
    return re.sub(r"<a [^>]*hreflang=[^>]*>[^<]*</a>", "", html)


def page(client, campaign, language):
    url = reverse("pages:campaign", kwargs={"slug": campaign.slug})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def english_only_campaign():
    with translation.override("en"):
        campaign = CampaignFactory(
            title="Free the defenders",
            summary="Stand with the people who stand up.",
            body="Why it matters, in **Markdown**.",
            language="en",
        )
        DemandFactory(campaign=campaign, text="Release every defender")
        SourceFactory(campaign=campaign, title="The rapporteur's report")
    assert not campaign.title_es
    assert not campaign.summary_es
    return campaign


def test_a_spanish_reader_of_an_english_only_campaign_sees_it_marked_english_with_the_note(
    client,
):
    campaign = english_only_campaign()

    html = page(client, campaign, "es")

    assert '<html lang="es">' in html
    assert html.count(NOTE) == 1
    assert re.search(r'<h1 lang="en">\s*Free the defenders\s*</h1>', html)
    assert re.search(r'<p class="lead campaign-summary" lang="en">Stand with', html)
    assert '<li lang="en">Release every defender</li>' in html
    assert re.search(r'<div class="prose" lang="en"><p>Why it matters', html)
    assert re.search(r'lang="en">The rapporteur&#x27;s report</a>', html)


def test_a_spanish_reader_of_a_campaign_written_in_spanish_sees_no_note_and_no_english(client):
    campaign = english_only_campaign()
    campaign.title_es = "Liberad a las defensoras"
    campaign.summary_es = "Con quienes dan la cara."
    campaign.body_es = "Por qué importa, en **Markdown**."
    campaign.save()
    demand = campaign.demands.get()
    demand.text_es = "Liberar a cada defensora"
    demand.save()
    source = campaign.sources.get()
    source.title_es = "El informe de la relatora"
    source.save()

    html = page(client, campaign, "es")

    assert NOTE not in html
    assert 'lang="en"' not in outside_the_language_menu(html)
    assert re.search(r"<h1>\s*Liberad a las defensoras\s*</h1>", html)
    assert "Liberar a cada defensora" in html
    assert "<p>Por qué importa, en <strong>Markdown</strong>.</p>" in html
    assert "Free the defenders" not in html


def test_the_page_cache_keeps_each_language_apart(client):
    campaign = english_only_campaign()
    campaign.title_es = "Liberad a las defensoras"
    campaign.save()

    spanish = page(client, campaign, "es")
    english = page(client, campaign, "en")

    assert "Liberad a las defensoras" in spanish
    assert "Free the defenders" not in spanish
    assert "Free the defenders" in english
    assert "Liberad a las defensoras" not in english
    assert NOTE not in english
    # The summary and body are still English only: the Spanish page says so.
    assert NOTE in spanish


def test_a_campaign_written_in_spanish_first_falls_back_to_spanish_for_an_english_reader(
    client,
):
    campaign = CampaignFactory(
        title_en="",
        title_es="Agua para Flint",
        summary_en="",
        summary_es="Agua limpia ya.",
        body_en="",
        body_es="",
        language="es",
    )

    html = page(client, campaign, "en")

    assert re.search(r'<h1 lang="es">\s*Agua para Flint\s*</h1>', html)
    assert "This campaign is not in English yet." in html


def test_the_share_picture_is_drawn_once_per_language(client):
    campaign = english_only_campaign()
    campaign.title_es = "Liberad a las defensoras"
    campaign.save()
    url = reverse("pages:share-image", kwargs={"slug": campaign.slug})

    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content

    assert spanish != english
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="es").content == spanish
