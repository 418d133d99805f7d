"""An organizer's text in the reader's language, or honestly in another (issue 17)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tocsin.campaigns.factories import CampaignFactory, DemandFactory
from tocsin.core.translated import lacks_language, text_of

pytestmark = pytest.mark.django_db


def spanish_only_campaign():
    with translation.override("es"):
        return CampaignFactory(
            title="Pídele a la senadora Baldwin", summary="Defiende a quien defiende.", body=""
        )


def test_text_of_gives_the_active_language_when_it_is_written():
    campaign = CampaignFactory(title="Ask Senator Baldwin")
    campaign.title_es = "Pídele a la senadora Baldwin"
    with translation.override("es"):
        title = text_of(campaign, "title", "en")
    assert (title.value, title.lang, title.fell_back) == (
        "Pídele a la senadora Baldwin",
        "es",
        False,
    )


def test_text_of_falls_back_to_the_campaign_language_and_says_which():
    campaign = CampaignFactory(title="Ask Senator Baldwin", language="en")
    with translation.override("es"):
        title = text_of(campaign, "title", campaign.language)
    assert (title.value, title.lang, title.fell_back) == ("Ask Senator Baldwin", "en", True)


def test_text_of_falls_back_to_any_written_language_when_the_fallback_is_empty_too():
    campaign = spanish_only_campaign()
    with translation.override("en"):
        title = text_of(campaign, "title", "en")
    assert (title.value, title.lang, title.fell_back) == (
        "Pídele a la senadora Baldwin",
        "es",
        True,
    )


def test_a_text_written_nowhere_is_empty_and_did_not_fall_back():
    campaign = CampaignFactory(share_description="")
    with translation.override("es"):
        text = text_of(campaign, "share_description", "en")
    assert (text.value, text.fell_back, bool(text)) == ("", False, False)


def test_lacks_language_counts_only_texts_written_in_another_language():
    campaign = CampaignFactory(title="Ask", summary="Stand with them.", share_description="")
    assert lacks_language(campaign, ["title", "summary"], "es")
    assert not lacks_language(campaign, ["title", "summary"], "en")
    # Empty in every language (an optional text) is not missing anywhere.
    assert not lacks_language(campaign, ["share_description"], "es")
    campaign.title_es, campaign.summary_es = "Pide", "Defiéndelos."
    assert not lacks_language(campaign, ["title", "summary"], "es")
    campaign.summary_es = "   "
    assert lacks_language(campaign, ["title", "summary"], "es")


def render(source, **context):
    return Template("{% load tocsin_i18n %}" + source).render(Context(context))


def test_the_tag_marks_a_fallen_back_text_with_its_language():
    demand = DemandFactory(text="Cut the funding", campaign=CampaignFactory(language="en"))
    template = (
        '{% translated demand "text" as t %}'
        '<li{% if t.fell_back %} lang="{{ t.lang }}"{% endif %}>{{ t.value }}</li>'
    )
    with translation.override("es"):
        assert render(template, demand=demand) == '<li lang="en">Cut the funding</li>'
    demand.text_es = "Corten los fondos"
    with translation.override("es"):
        assert render(template, demand=demand) == "<li>Corten los fondos</li>"


def test_the_note_shows_only_where_the_campaign_lacks_the_reader_s_language():
    campaign = CampaignFactory(title="Ask", summary="Stand with them.", body="")
    with translation.override("es"):
        assert 'class="notice untranslated-note"' in render(
            "{% untranslated_note campaign %}", campaign=campaign
        )
    with translation.override("en"):
        assert render("{% untranslated_note campaign %}", campaign=campaign).strip() == ""
    campaign.title_es, campaign.summary_es = "Pide", "Defiéndelos."
    with translation.override("es"):
        assert render("{% untranslated_note campaign %}", campaign=campaign).strip() == ""


def test_the_note_names_the_reader_s_language():
    campaign = spanish_only_campaign()
    with translation.override("en"):
        note = render("{% untranslated_note campaign %}", campaign=campaign)
    assert note == '<p class="notice untranslated-note">This campaign is not in English yet.</p>\n'
