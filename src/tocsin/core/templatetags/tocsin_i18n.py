"""Organizers' texts in the supporter's language, for templates.

{% load tocsin_i18n %}
{% translated campaign "title" as title %}
<h1{% if title.fell_back %} lang="{{ title.lang }}"{% endif %}>{{ title.value }}</h1>
{% untranslated_note campaign %}
"""

from django import template

from tocsin.core.translated import (
    active_language,
    fallback_language_of,
    lacks_language,
    language_in_a_sentence,
    text_of,
)

register = template.Library()

# The campaign's own texts whose absence in the reader's language earns the note.
CAMPAIGN_MAIN_FIELDS = ("title", "summary", "body")


@register.simple_tag
def translated(obj, field):
    """``field`` of ``obj`` in the active language, else in its campaign's language."""
    return text_of(obj, field, fallback_language_of(obj))


@register.inclusion_tag("core/includes/untranslated_note.html")
def untranslated_note(campaign):
    language = active_language()
    show = campaign is not None and lacks_language(campaign, CAMPAIGN_MAIN_FIELDS, language)
    return {"show": show, "language_name": language_in_a_sentence(language)}
