"""The fundraiser's texts donors read, written once per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Fundraiser


@register(Fundraiser)
class FundraiserTranslation(TranslationOptions):
    # story_html is each language's story, sanitised the same way (Fundraiser.save).
    fields = ("title", "story", "story_html", "offline_instructions")
