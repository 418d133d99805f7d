"""Organizers' texts in the supporter's language, for templates.

{% load tocsin_i18n %}
{% translated campaign "title" as title %}
<h1{% if title.fell_back %} lang="{{ title.lang }}"{% endif %}>{{ title.value }}</h1>
{% untranslated_note campaign %}
"""

from django import template
from django.utils.translation import get_language_info, pgettext_lazy

from tocsin.core.translated import active_language, fallback_language_of, lacks_language, text_of

register = template.Library()

# The campaign's own texts whose absence in the reader's language earns the note.
CAMPAIGN_MAIN_FIELDS = ("title", "summary", "body")

# Language names as they read inside a sentence ("no está en español": lower case in Spanish),
# which Django's own names (settings.LANGUAGES, "Español") are not.
NAMES_IN_A_SENTENCE = {
    "en": pgettext_lazy("language name inside a sentence", "English"),
    "es": pgettext_lazy("language name inside a sentence", "Spanish"),
}


@register.simple_tag
def translated(obj, field):
    """``field`` of ``obj`` in the active language, else in its campaign's language."""
    return text_of(obj, field, fallback_language_of(obj))


@register.inclusion_tag("core/includes/untranslated_note.html")
def untranslated_note(campaign):
    language = active_language()
    show = campaign is not None and lacks_language(campaign, CAMPAIGN_MAIN_FIELDS, language)
    name = NAMES_IN_A_SENTENCE.get(language) or get_language_info(language)["name_translated"]
    return {"show": show, "language_name": name}
