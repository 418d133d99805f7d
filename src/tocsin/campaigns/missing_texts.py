"""Which of a campaign's texts are written in one language but not yet in another.

Every model registered for translation (each app's translation.py) that belongs to a campaign
is found through its foreign keys, so this app names none of the actions' apps (they are
above it: docs/architecture.md).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import get_language_info
from modeltranslation.translator import translator

from tocsin.core.translated import lacks_language, language_codes

from .models import Campaign


@dataclass
class MissingText:
    where: str
    text: str
    languages: list[str]
    edit_url: str


def _campaign_path(model):
    """The lookup from ``model`` to its campaign (one or two foreign keys), or None."""
    keys = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    for key in keys:
        if key.related_model is Campaign:
            return [key.name]
    for key in keys:
        for inner in key.related_model._meta.concrete_fields:
            if (inner.many_to_one or inner.one_to_one) and inner.related_model is Campaign:
                return [key.name, inner.name]
    return None


def _edit_url(obj, path):
    """Its own change page, or its parent's where it is edited inline (a demand, a session)."""
    parent = getattr(obj, path[0])
    for candidate in (obj, parent):
        if type(candidate) in admin.site._registry:
            opts = candidate._meta
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[candidate.pk])
    return ""


def _objects_of(campaign):
    yield campaign, []
    for model in translator.get_registered_models(abstract=False):
        if model is Campaign:
            continue
        path = _campaign_path(model)
        if path is None:
            continue
        lookup = "__".join(path)
        for obj in model._default_manager.filter(**{lookup: campaign}).order_by("pk"):
            yield obj, path


def missing_texts(campaign):
    """One row per object with texts written in some language and missing in others: which
    texts, in which languages, and where to write them. The campaign itself comes first."""
    names = {code: get_language_info(code)["name_translated"] for code in language_codes()}
    rows = []
    for obj, path in _objects_of(campaign):
        options = translator.get_options_for_model(type(obj))
        texts, languages = [], {}
        for field_name in options.fields:
            if field_name.endswith("_html"):
                continue  # rendered from its Markdown source, never written by hand
            missing = [code for code in language_codes() if lacks_language(obj, [field_name], code)]
            if missing:
                texts.append(str(type(obj)._meta.get_field(field_name).verbose_name))
                languages |= dict.fromkeys(missing)
        if not texts:
            continue
        if obj is campaign:
            edit_url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        else:
            edit_url = _edit_url(obj, path)
        rows.append(
            MissingText(
                where=f"{type(obj)._meta.verbose_name.capitalize()}: {obj}",
                text=", ".join(texts),
                languages=[names[code] for code in languages],
                edit_url=edit_url,
            )
        )
    return rows
