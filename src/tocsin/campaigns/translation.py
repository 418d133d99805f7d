"""The campaign's texts supporters read, written once per language (title_en, title_es…)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, Demand, Source


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    # body_html is each language's body, sanitised the same way (Campaign.save).
    fields = ("title", "summary", "share_description", "body", "body_html")


@register(Demand)
class DemandTranslation(TranslationOptions):
    fields = ("text",)


@register(Source)
class SourceTranslation(TranslationOptions):
    fields = ("title",)
