import hmac
import time
from dataclasses import dataclass

import phonenumbers
from django import forms
from django.core import signing
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from tocsin.core.privacy import keyed_hash
from tocsin.supporters.forms import (
    POSTCODE_PATTERN,
    URL_PATTERN,
    JoinForm,
    PlainTextField,
    clean_text,
)
from tocsin.supporters.services import ConsentChoice, consent_wording

MIN_FILL_SECONDS = 3
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
            self.initial["started"] = started_token()

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
        """Filled the hidden field, or faster than a person can type: held back quietly."""
        if self.cleaned_data.get("website"):
            return True
        return _too_fast(self.cleaned_data.get("started", ""))


class _Refused(ValueError):
    pass


@dataclass(frozen=True)
class SignatureInput:
    """A submitted signature, read without a SignForm: at a spike this is the busiest POST
    there is, and building a bound form costs more than the rest of it. It accepts exactly
    what SignForm accepts (tests/test_signature_input.py checks that with generated input);
    anything else gives None, and the view then lets the form say what is wrong."""

    name: str
    email: str
    postcode: str
    country: str
    comment: str
    consents: tuple  # of ConsentChoice, in the organizations' order
    looks_automated: bool

    @classmethod
    def parse(cls, data, *, petition, organizations) -> "SignatureInput | None":
        try:
            name = _text(data, "name", required=True, max_length=200)
            if URL_PATTERN.search(name) or "<" in name or ">" in name:
                raise _Refused
            email = _email(data)
            postcode = _text(data, "postcode", required=petition.ask_postcode, max_length=12)
            if postcode:
                postcode = postcode.upper()
                if not POSTCODE_PATTERN.match(postcode):
                    raise _Refused
            country = _text(data, "country", required=petition.ask_country, max_length=2)
            country = country.upper()
            if country and country not in phonenumbers.SUPPORTED_REGIONS:
                raise _Refused
            comment = _text(data, "comment", required=False, max_length=500)
        except _Refused:
            return None
        consents = tuple(
            ConsentChoice(organization=o, wording=consent_wording(o))
            for o in organizations
            if _ticked(data.get(JoinForm.consent_field_name(o)))
        )
        website = str(data.get("website") or "").strip()
        started = str(data.get("started") or "").strip()
        return cls(
            name=name,
            email=email,
            postcode=postcode,
            country=country,
            comment=comment,
            consents=consents,
            looks_automated=bool(website) or _too_fast(started),
        )


def _text(data, name: str, *, required: bool, max_length: int) -> str:
    """What a PlainTextField makes of it."""
    value = clean_text(str(data.get(name) or "").strip())
    if not value:
        if required:
            raise _Refused
        return ""
    if len(value) > max_length:
        raise _Refused
    return value


def _email(data) -> str:
    value = str(data.get("email") or "").strip()
    if not value or len(value) > 254 or "\x00" in value:
        raise _Refused
    try:
        validate_email(value)
    except forms.ValidationError as error:
        raise _Refused from error
    return value


def _ticked(value) -> bool:
    """What a checkbox's BooleanField makes of it (CheckboxInput reads "0" as ticked)."""
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.lower(), value)
    return bool(value)


def started_token(at: float | None = None) -> str:
    """When the form was shown, with a keyed hash so that it cannot be made up: checking it
    costs a tenth of a django.core.signing token, on the busiest POST."""
    shown = f"{time.time() if at is None else at:.3f}"
    return f"{shown}:{_started_mac(shown)}"


def _started_mac(shown: str) -> str:
    return keyed_hash(shown, STARTED_SALT)[:32]


def _too_fast(started: str) -> bool:
    if not started.isascii():  # neither kind of token ever is (and compare_digest needs it)
        return True
    shown, _, mac = started.partition(":")
    if len(mac) == 32 and hmac.compare_digest(mac, _started_mac(shown)):
        started_at = float(shown)
    else:
        try:  # a form shown before the upgrade to started_token()
            started_at = float(signing.loads(started, salt=STARTED_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return True
    return time.time() - started_at < MIN_FILL_SECONDS
