"""The supporter's forms of the write flow: where they are (a ZIP code or a postcode, a
district or constituency picked where the lookup cannot choose), then their letter and who
they are."""

import unicodedata

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import PlainTextField, clean_text
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.services import clean_source

# A letter longer than this is not a letter an office reads: refused with a message saying so.
MAX_LETTER_CHARS = 10_000
MAX_SUBJECT_CHARS = 200
MAX_OWN_SENTENCE_CHARS = 1_000
# The place travels from the place step to the letter form in a hidden field of a POST (never
# in a URL), signed so that nobody can claim a constituency their postcode is not in.
PLACE_SALT = "tocsin.letters.place"
PLACE_MAX_AGE = 12 * 3600
MAX_PLACE_TOKEN_LENGTH = 500

LETTER_TOO_LONG = _(
    "That letter is too long: %(limit_value)d characters at most (it has %(show_value)d). "
    "Offices read short letters."
)


def clean_letter_text(value: str) -> str:
    """A letter's text as the supporter wrote it, with its lines and paragraphs kept, but
    without control or formatting characters (line breaks apart) and trailing spaces."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.isprintable():
        value = "".join(
            ch for ch in value if ch == "\n" or ch == " " or unicodedata.category(ch)[0] != "C"
        )
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


class LetterTextField(forms.CharField):
    """A letter's body: several lines, control characters dropped, length checked after."""

    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LETTER_CHARS)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.error_messages.setdefault("max_length", LETTER_TOO_LONG)
        self.error_messages["max_length"] = LETTER_TOO_LONG

    def to_python(self, value):
        return clean_letter_text(super().to_python(value) or "")

    def widget_attrs(self, widget):
        # No maxlength attribute: a browser would cut a pasted letter silently, where the
        # server says what is wrong.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def seal_place(values: dict) -> str:
    return signing.dumps(values, salt=PLACE_SALT, compress=True)


def unseal_place(token: str) -> dict | None:
    """The place a token holds, or None for one that is garbled, forged or too old."""
    if not isinstance(token, str) or not token or len(token) > MAX_PLACE_TOKEN_LENGTH:
        return None
    try:
        values = signing.loads(token, salt=PLACE_SALT, max_age=PLACE_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return None
    return values


class PlaceForm(forms.Form):
    """A ZIP code (US campaigns) or a postcode (GB ones), and a seat picked from a list."""

    postcode = forms.CharField(max_length=20, required=False, strip=True)
    # A district (WI-2) picked where a ZIP code is split, or one of Northern Ireland's seats.
    seat = forms.CharField(max_length=12, required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["postcode"]
        if kind == "postcode":
            field.label = _("Your postcode")
            field.widget.attrs.update({"autocomplete": "postal-code", "class": "zip"})
            field.help_text = _("For example SW1A 0AA.")
        else:
            field.label = _("Your ZIP code")
            field.widget.attrs.update(
                {"autocomplete": "postal-code", "class": "zip", "inputmode": "numeric"}
            )

    def clean_postcode(self) -> str:
        return clean_text(self.cleaned_data.get("postcode", ""))

    def clean_seat(self) -> str:
        return clean_text(self.cleaned_data.get("seat", "")).upper()

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))


class LocationForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    source = forms.CharField(required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("latitude", "longitude"):
            value = cleaned.get(name)
            if value is not None and value != value:  # NaN compares unequal to itself
                raise forms.ValidationError(
                    _("Your browser sent a location we could not read. Please try again.")
                )
        return cleaned


class LetterForm(JoinForm):
    """The letter (all of it editable), a sentence of the supporter's own, who they are
    (offices answer their own constituents only), and a consent box per group."""

    consent_required = False

    own_sentence = forms.CharField(
        label=_("Add a sentence of your own"),
        required=False,
        max_length=MAX_OWN_SENTENCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Your own words are too long here: %(limit_value)d characters at most.")
        },
    )
    subject = PlainTextField(
        label=_("Subject"),
        max_length=MAX_SUBJECT_CHARS,
        error_messages={
            "required": _("Please give the letter a subject."),
            "max_length": _("That subject is too long: %(limit_value)d characters at most."),
        },
    )
    body = LetterTextField(
        label=_("The letter"),
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("Please write the letter: it is empty.")},
    )
    address = PlainTextField(
        label=_("Your street address (optional)"),
        required=False,
        max_length=300,
        help_text=_("Offices answer the people they represent: your address helps them reply."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    town = PlainTextField(
        label=_("Town or city"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    place = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [
        "own_sentence",
        "subject",
        "body",
        "name",
        "email",
        "address",
        "town",
        "postcode",
    ]

    def __init__(
        self,
        *args,
        prompt: str = "",
        place_kind: str = "",
        postcode_known: bool = False,
        source: str = "",
        **kwargs,
    ):
        """`postcode_known`: the place step already has it (and found the seat from it), so
        it is not asked again, and cannot disagree with the seat."""
        super().__init__(*args, **kwargs)
        if prompt:
            self.fields["own_sentence"].help_text = prompt
        else:
            self.fields["own_sentence"].help_text = _(
                "Optional, and it counts: offices read first what a person wrote themselves."
            )
        if not self.is_bound:
            self.initial.setdefault("source", clean_source(source))
        if postcode_known:
            del self.fields["postcode"]
            return
        postcode = self.fields["postcode"]
        postcode.required = False
        postcode.label = {
            "postcode": _("Your postcode"),
            "zip": _("Your ZIP code"),
        }.get(place_kind, _("ZIP or postcode (optional)"))

    @property
    def person_fields(self):
        names = ("name", "email", "address", "town", "postcode")
        return [self[name] for name in names if name in self.fields]

    def clean_own_sentence(self) -> str:
        return clean_letter_text(self.cleaned_data.get("own_sentence", ""))

    def clean_postcode(self) -> str:
        if not self.cleaned_data.get("postcode"):
            return ""
        return super().clean_postcode()

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))
