"""The petition's texts signers read, written once per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import PetitionAction


@register(PetitionAction)
class PetitionActionTranslation(TranslationOptions):
    fields = ("title", "text")
