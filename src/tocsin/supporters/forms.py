import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import ConsentChoice, consent_wording

URL_PATTERN = re.compile(r"(https?://|www\.)|(\.[a-z]{2,}/)", re.IGNORECASE)
POSTCODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,10}$")


def clean_text(value: str) -> str:
    """Drop control and formatting characters (they only ever cause trouble) and fold spaces."""
    if not value.isprintable():  # printable text has no character of category C to drop
        value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(value.split())


class PlainTextField(forms.CharField):
    """Text with control characters (NUL included) dropped before any validation."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class JoinForm(forms.Form):
    name = PlainTextField(
        label=_("Your name"),
        max_length=200,
        error_messages={
            "required": _("Please tell us your name."),
            "max_length": _("That name is too long: %(limit_value)d characters at most."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("That does not look like an email address, e.g. name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = PlainTextField(
        label=_("ZIP or postcode"),
        max_length=12,
        error_messages={
            "required": _("Please enter your ZIP code or postcode."),
            "max_length": _("That ZIP or postcode is too long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "zip"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        for organization in organizations:
            self.fields[self.consent_field_name(organization)] = forms.BooleanField(
                label=consent_wording(organization), required=False
            )

    @staticmethod
    def consent_field_name(organization) -> str:
        return f"consent_{organization.pk}"

    @property
    def consent_fields(self):
        return [self[self.consent_field_name(o)] for o in self.organizations]

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please tell us your name."))
        if URL_PATTERN.search(name) or "<" in name or ">" in name:
            raise forms.ValidationError(_("Please enter your name, not a web address or code."))
        return name

    def clean_postcode(self) -> str:
        postcode = clean_text(self.cleaned_data["postcode"]).upper()
        if not POSTCODE_PATTERN.match(postcode):
            raise forms.ValidationError(
                _("Enter a ZIP code like 53703 or a postcode like SW1A 1AA.")
            )
        return postcode

    def clean(self) -> dict:
        cleaned = super().clean()
        if not any(cleaned.get(self.consent_field_name(o)) for o in self.organizations):
            raise forms.ValidationError(_("Tick at least one group you would like to hear from."))
        return cleaned

    def chosen_consents(self) -> list[ConsentChoice]:
        return [
            ConsentChoice(
                organization=o, wording=str(self.fields[self.consent_field_name(o)].label)
            )
            for o in self.organizations
            if self.cleaned_data.get(self.consent_field_name(o))
        ]
