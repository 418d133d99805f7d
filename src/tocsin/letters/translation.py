"""The letter's texts supporters read and send, written once per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import LetterVariant, WriteAction


@register(WriteAction)
class WriteActionTranslation(TranslationOptions):
    fields = ("title", "intro", "subject", "letter", "own_sentence_prompt")


@register(LetterVariant)
class LetterVariantTranslation(TranslationOptions):
    fields = ("subject", "letter")
