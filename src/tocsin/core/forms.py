"""What every app's public forms share: plain text without control characters, the patterns
that tell a name from a web address and a postcode from anything else, an email field
that refuses, with a clear message, an address too long to store once normalised, and a
country field that takes a name or a code."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .countries import UnknownCountry, normalize_country
from .emails import MAX_LENGTH, fits

URL_PATTERN = re.compile(r"(https?://|www\.)|(\.[a-z]{2,}/)", re.IGNORECASE)
POSTCODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")

EMAIL_TOO_LONG = _("That email address is too long for us to keep. Please use a shorter one.")


def clean_text(value: str) -> str:
    """Drop control and formatting characters (they only ever cause trouble) and fold spaces."""
    if not value.isprintable():  # printable text has no character of category C to drop
        value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())


class PlainTextField(forms.CharField):
    """Text with control characters (NUL included) dropped before any validation."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


def validate_storable_email(value: str) -> None:
    """Refuse an address whose normalised form outgrows the column that stores it.

    Normalising can lengthen an address (an internationalised domain in its ASCII form), so
    an address that passes the field's own length check may still not fit: without this the
    database would refuse the row, and the person would see an error page.
    """
    if not fits(value):
        raise forms.ValidationError(EMAIL_TOO_LONG, code="too_long")


class StorableEmailField(forms.EmailField):
    """An email address that fits, normalised, wherever Tocsin stores one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)
        self.error_messages.setdefault("max_length", EMAIL_TOO_LONG)

    def clean(self, value):
        # After the field's own checks, so an address refused for its length says so once.
        value = super().clean(value)
        if value:
            validate_storable_email(value)
        return value


class CountryField(PlainTextField):
    """A country typed as a name or a code ("UK", "United Kingdom", "Britain", "USA", "mx"),
    cleaned to its two-letter code ("GB", "US", "MX"); "" when left empty."""

    def __init__(self, **kwargs):
        # Room for a name ("United Kingdom of Great Britain and Northern Ireland"); the
        # cleaned value is two letters.
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "country-name")

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return normalize_country(text)
        except UnknownCountry as error:
            raise forms.ValidationError(str(error), code="unknown") from error
