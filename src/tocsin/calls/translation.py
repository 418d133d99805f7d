"""The call's texts supporters read and say, written once per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import CallAction, ScriptVariant


@register(CallAction)
class CallActionTranslation(TranslationOptions):
    fields = ("title", "intro", "script", "script_for_supporters", "share_text")


@register(ScriptVariant)
class ScriptVariantTranslation(TranslationOptions):
    fields = ("script",)
