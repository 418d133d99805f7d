"""Reading an organizer's text in the supporter's language, with an honest fallback.

Translated fields are stored one column per language (``title_en``, ``title_es``: see each
app's ``translation.py``). Pages ask for a text here rather than through the plain attribute
so that they learn *which* language they got: a text shown in another language than the page
carries that language's ``lang`` attribute.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info, pgettext_lazy


@dataclass(frozen=True)
class Translated:
    value: str
    lang: str
    fell_back: bool

    def __str__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def column_name(field, language):
    # The same naming as modeltranslation's build_localized_fieldname ("pt-br" -> "pt_br").
    return f"{field}_{language.replace('-', '_')}"


def text_in(obj, field, language):
    """The text of ``field`` written in ``language`` only ("" when it is not written)."""
    return getattr(obj, column_name(field, language), None) or ""


def active_language():
    active = translation.get_language() or settings.LANGUAGE_CODE
    codes = language_codes()
    if active in codes:
        return active
    base = active.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def text_of(obj, field, fallback_language=None):
    """``field`` in the active language if written, else in ``fallback_language``, else in
    any language it is written in (in the order of settings.LANGUAGES)."""
    active = active_language()
    order = [active]
    if fallback_language:
        order.append(fallback_language)
    order += language_codes()
    for language in dict.fromkeys(order):
        value = text_in(obj, field, language)
        if value and str(value).strip():
            return Translated(value, language, fell_back=language != active)
    return Translated("", active, fell_back=False)


def lacks_language(obj, fields, language):
    """Whether some text among ``fields`` is written in another language but not in
    ``language``. A field left empty in every language (an optional one) lacks nothing."""
    for field in fields:
        if str(text_in(obj, field, language)).strip():
            continue
        if any(str(text_in(obj, field, other)).strip() for other in language_codes()):
            return True
    return False


def fallback_language_of(obj):
    """The language an object's texts fall back to: its campaign's own language."""
    for path in ("campaign", "event.campaign", "action.campaign", "fundraiser.campaign"):
        owner = obj
        for step in path.split("."):
            owner = getattr(owner, step, None)
            if owner is None:
                break
        language = getattr(owner, "language", None) if owner is not None else None
        if language:
            return language
    return getattr(obj, "language", None) or settings.LANGUAGE_CODE


def render_each_language(obj, source, target, render, update_fields=None):
    """Sets ``target`` in every language to ``render`` of ``source`` in that language, so a
    translation goes through the same sanitiser as the original. Returns ``update_fields``
    widened to the rendered columns when it names the source (None stays None)."""
    written = set()
    for language in language_codes():
        setattr(obj, column_name(target, language), render(text_in(obj, source, language)))
        written |= {column_name(source, language), column_name(target, language)}
    if update_fields is None:
        return None
    update_fields = set(update_fields)
    if update_fields & (written | {source}):
        update_fields |= written | {source, target}
    return update_fields


def copy_into_language(model, fields, language):
    """For a data migration: texts written before they were stored per language are in
    ``language``; copies each field into its column there, where that column is empty."""
    from django.db.models import F, Q

    rows = model._base_manager.all()
    if hasattr(rows, "rewrite"):
        rows = rows.rewrite(False)  # modeltranslation's manager would read "title" as title_en
    for field in fields:
        column = column_name(field, language)
        empty = Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
        rows.filter(empty).update(**{column: F(field)})


def columns_of(*fields):
    """Every language's column of each field, e.g. for an admin's search_fields."""
    return [column_name(field, language) for field in fields for language in language_codes()]


# Language names as they read inside a sentence ("no está en español", "di esto en inglés":
# lower case in Spanish), which Django's own names (settings.LANGUAGES, "Español") are not.
NAMES_IN_A_SENTENCE = {
    "en": pgettext_lazy("language name inside a sentence", "English"),
    "es": pgettext_lazy("language name inside a sentence", "Spanish"),
}


def language_in_a_sentence(code: str) -> str:
    name = NAMES_IN_A_SENTENCE.get(code)
    return str(name) if name else str(get_language_info(code)["name_translated"])
