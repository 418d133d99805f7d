"""The event's texts people read before they come, written once per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Session


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Session)
class SessionTranslation(TranslationOptions):
    # Venue names and addresses are proper names: one for every language.
    fields = ("title",)
