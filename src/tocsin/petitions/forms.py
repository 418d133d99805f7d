import time

import phonenumbers
from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import PlainTextField
from tocsin.supporters.forms import JoinForm

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
STARTED_SALT = "tocsin.petitions.form-started"


class SignForm(JoinForm):
    """Name, email, ZIP or postcode, country, a comment, and a consent box per organization.

    Consent is optional here: signing does not require agreeing to further mail.
    """

    country = PlainTextField(
        label=_("Country (two letters, e.g. US, MX, GB)"),
        required=False,
        max_length=2,
        error_messages={"required": _("Please enter your country, e.g. US.")},
        widget=forms.TextInput(attrs={"autocomplete": "country", "class": "zip"}),
    )
    comment = PlainTextField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.fields["postcode"].required = petition.ask_postcode
        self.fields["country"].required = petition.ask_country
        if not self.is_bound:
            self.initial["started"] = started_value()

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].upper()
        if country and country not in phonenumbers.SUPPORTED_REGIONS:
            raise forms.ValidationError(_("Use the two-letter code of your country, e.g. US."))
        return country

    def clean_postcode(self) -> str:
        if not self.cleaned_data.get("postcode") and not self.petition.ask_postcode:
            return ""
        return super().clean_postcode()

    def clean(self) -> dict:
        # Consent is optional when signing, unlike joining.
        return forms.Form.clean(self)

    @property
    def looks_automated(self) -> bool:
        """Filled the hidden field, or faster than a person can type: held for review."""
        if self.cleaned_data.get("website"):
            return True
        return _too_fast(self.cleaned_data.get("started", ""))


def started_value(at: float | None = None) -> str:
    """When the form was shown, signed so that it cannot be made up."""
    return signing.dumps(round(time.time() if at is None else at, 3), salt=STARTED_SALT)


def _too_fast(started: str) -> bool:
    """Sent sooner than a person fills the form, or from a form shown too long ago (a token
    copied once and replayed), or with no genuine token at all."""
    try:
        shown = float(signing.loads(started, salt=STARTED_SALT, max_age=MAX_FORM_AGE_SECONDS))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    age = time.time() - shown
    return not MIN_FILL_SECONDS <= age <= MAX_FORM_AGE_SECONDS
