import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import CountryField, PlainTextField
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.services import clean_source

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
STARTED_SALT = "tocsin.petitions.form-started"
SEND_AGAIN_MESSAGE = _(
    "Your signature is not saved yet: the form was sent faster than people usually fill it "
    "in. Please check your details and press Sign once more."
)


class SignForm(JoinForm):
    """Name, email, ZIP or postcode, country, a comment, and a consent box per organization.

    Consent is optional here: signing does not require agreeing to further mail.
    """

    country = CountryField(
        label=_("Country"),
        required=False,
        error_messages={"required": _("Please enter your country, e.g. United States or UK.")},
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
    # The page's ?source= code, carried through the POST; never trusted beyond clean_source.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition, source: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        if not self.is_bound:
            self.initial["source"] = clean_source(source)
        self.fields["postcode"].required = petition.ask_postcode
        self.fields["country"].required = petition.ask_country
        if not self.is_bound:
            self.initial["started"] = started_value()

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))

    def clean_postcode(self) -> str:
        if not self.cleaned_data.get("postcode") and not self.petition.ask_postcode:
            return ""
        return super().clean_postcode()

    def clean(self) -> dict:
        # Consent is optional when signing, unlike joining.
        return forms.Form.clean(self)

    @property
    def filled_trap(self) -> bool:
        """Filled the field people never see: stored, but held for an organizer to review."""
        return bool(self.cleaned_data.get("website"))

    @property
    def sent_too_fast(self) -> bool:
        """Sent sooner than a person fills the form (or with no genuine token): not stored,
        the form comes back asking for one more press (see `ask_to_send_again`)."""
        return _too_fast(self.cleaned_data.get("started", ""))

    def ask_to_send_again(self) -> None:
        """Show the form again with what was entered, a fresh token (so a second press
        after reading the message passes the timing check) and a message saying why."""
        self.data = self.data.copy()
        self.data[self.add_prefix("started")] = started_value()
        self.add_error(None, forms.ValidationError(SEND_AGAIN_MESSAGE, code="too_fast"))


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
