"""An alert's texts, written once per language the organization uses."""

from modeltranslation.translator import TranslationOptions, register

from .models import Alert


@register(Alert)
class AlertTranslation(TranslationOptions):
    fields = ("subject", "preheader", "body", "button_label", "targets_fallback")
