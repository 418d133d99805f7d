"""A script said in another language than the caller reads (an office that speaks only
English): the words to say in that language, marked with it, and what they mean apart."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import ScriptVariant
from tocsin.campaigns.factories import CampaignTargetFactory, DemandFactory
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory

pytestmark = pytest.mark.django_db

ENGLISH = "Hello, I am calling to ask {name} to free the defenders."
SPANISH = "Hola, llamo para pedir que {name} libere a las defensoras."


@pytest.fixture(autouse=True)
def fresh_cache_and_language():
    # A request leaves its language active; factories write the active language's columns.
    cache.clear()
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def action():
    with translation.override("en"):
        action = CallActionFactory(
            title="Call the desk", script=ENGLISH, script_said_in="en", campaign__language="en"
        )
        desk = CustomTargetFactory(name="Ministry Desk")
        OfficeFactory(target=desk)
        CampaignTargetFactory(campaign=action.campaign, target=desk)
        DemandFactory(campaign=action.campaign, text="Free them")
        DemandFactory(campaign=action.campaign, text="Drop the charges")
    return action


def first_step(action, language):
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": 0})
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(url).content.decode()


def script_block(html):
    """The "what to say" card: from its start to the report card after it."""
    return html[html.index('class="card script"') : html.index('id="report-heading"')]


def test_a_spanish_caller_sees_the_english_words_to_say_and_their_spanish_meaning(action):
    action.script_es = SPANISH
    action.save()

    html = script_block(first_step(action, "es"))

    with translation.override("es"):
        heading = gettext("Say this (in %(language)s)") % {
            "language": pgettext("say this in", "English")
        }
    assert f'<h2 id="script-heading">{heading}</h2>' in html
    words = re.search(r'<div class="script-text" lang="en">(.*?)</div>', html, re.S)
    assert words, "the words to say are marked as English"
    assert "ask Ministry Desk to free the defenders" in words.group(1)
    meaning = re.search(r'<section class="script-meaning".*?</section>', html, re.S).group(0)
    assert "pedir que Ministry Desk libere a las defensoras" in meaning
    assert 'lang="en"' not in meaning
    assert html.index("script-text") < html.index("script-meaning")


def test_without_a_translation_the_caller_is_told_there_is_none(action):
    html = script_block(first_step(action, "es"))

    assert re.search(r'<div class="script-text" lang="en">', html)
    meaning = re.search(r'<section class="script-meaning".*?</section>', html, re.S).group(0)
    assert "<div" not in meaning  # no translation shown, only the note that there is none
    assert "libere" not in html


def test_an_english_caller_just_reads_the_script(action):
    action.script_es = SPANISH
    action.save()

    html = script_block(first_step(action, "en"))

    assert "script-meaning" not in html
    assert '<div class="script-text">' in html
    assert "libere" not in html


def test_a_script_said_in_each_caller_s_language_shows_the_caller_s_own(action):
    action.script_es = SPANISH
    action.script_said_in = ""
    action.save()

    html = script_block(first_step(action, "es"))

    assert "script-meaning" not in html
    assert re.search(r'<div class="script-text"><p>Hola, llamo', html)


def test_a_target_s_own_script_is_said_in_english_and_translated_too(action):
    desk = action.campaign.campaign_targets.get().target
    with translation.override("en"):
        variant = ScriptVariant.objects.create(
            action=action, target=desk, script="Thank you, {name}, for standing with us."
        )
    variant.script_es = "Gracias, {name}, por apoyarnos."
    variant.save()

    html = script_block(first_step(action, "es"))

    assert re.search(r'<div class="script-text" lang="en"><p>Thank you, Ministry Desk', html)
    assert "Gracias, Ministry Desk, por apoyarnos." in html


def test_demands_not_written_in_spanish_are_marked_english(action):
    demand = action.campaign.demands.order_by("position").first()
    demand.text_es = "Libéralos"
    demand.save()

    html = first_step(action, "es")

    assert "<span>Libéralos</span>" in html
    assert '<span lang="en">Drop the charges</span>' in html
