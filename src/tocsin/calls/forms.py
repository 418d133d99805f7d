import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.forms import PlaceCleaning, PostcodeCleaning
from tocsin.core.forms import PlainTextField
from tocsin.districts import uk
from tocsin.supporters import prefill
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.services import clean_source

from . import places
from .models import CallerAnswer, Outcome


class CallPlaceForm(PlaceCleaning, PostcodeCleaning, forms.Form):
    """Where the supporter is: posted once, then carried from page to page sealed
    (places.py), never in plain text in a URL, and never stored. A US campaign asks for a ZIP
    code (and a district where it is split), a UK one for a postcode (and, in Northern
    Ireland, a constituency picked from a list)."""

    zip = forms.CharField(
        label=_("Your ZIP code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "zip"}
        ),
    )
    district = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    postcode = forms.CharField(
        label=_("Your postcode"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "zip",
            }
        ),
    )
    constituency = forms.CharField(required=False, max_length=9, widget=forms.HiddenInput)
    town = PlainTextField(
        label=_("Your town (optional, for the script)"),
        required=False,
        max_length=60,
        error_messages={
            "max_length": _("Please shorten the town name to %(limit_value)d characters.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


def tried_offices(text: str) -> list[int]:
    """Offices already tried in this round, from the query string or the form."""
    parts = text[:200].split(",")
    return [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 12][:20]


# The largest id a BigAutoField holds: a bigger number would overflow the database's integer.
MAX_ID = 2**63 - 1


# A UK constituency's ONS code; a US district's label ("WI-2", "DC") never has this shape.
CONSTITUENCY_CODE = re.compile(r"^[EWSN][0-9]{8}$", re.ASCII)


def seal_place(*, postal_code: str, town: str, where: str) -> str:
    """The sealed token for a place ("" when there is none). The token's slots are the
    supporter's postal code (a ZIP code or a UK postcode), town, and district label or
    constituency code: the two kinds of each never look alike, so tokens sealed before UK
    places existed still read the same."""
    values = {"zip": postal_code, "town": town, "district": where}
    return places.seal(values) if any(values.values()) else ""


def place_from_token(token: str) -> CallPlaceForm | None:
    """The place form filled from a sealed token; None for a token that is garbled, forged or
    too old. The form is checked again: the token proves where the values came from, and the
    cleaning turns them back into a ZIP code and a district, or a postcode and a
    constituency."""
    values = places.unseal(token)
    if values is None:
        return None
    data = {"town": values["town"]}
    postal_code, where = values["zip"], values["district"]
    data["postcode" if uk.looks_like_uk_postcode(postal_code) else "zip"] = postal_code
    data["constituency" if CONSTITUENCY_CODE.match(where) else "district"] = where
    return CallPlaceForm(data)


class ReportForm(forms.Form):
    """The outcome form: the state the step page carries in hidden fields, a checkbox per
    demand, the caller's answer, and the outcome from the button tapped."""

    # The supporter's place, sealed; empty when the flow has none (a fixed list, no town).
    place = forms.CharField(
        required=False, max_length=places.MAX_TOKEN_LENGTH, widget=forms.HiddenInput
    )
    key = forms.UUIDField(widget=forms.HiddenInput)
    position = forms.IntegerField(min_value=0, max_value=100, widget=forms.HiddenInput)
    total = forms.IntegerField(required=False, min_value=1, max_value=101, widget=forms.HiddenInput)
    target = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    office = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    tried = forms.CharField(required=False, widget=forms.HiddenInput)
    # The `?source=` code the flow was opened with, stored on the report.
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # An alert's prefill token (supporters.prefill.PARAMETER), carried on to the thank-you
    # page; read and checked there, never stored.
    p = forms.CharField(
        required=False, max_length=prefill.MAX_TOKEN_LENGTH, widget=forms.HiddenInput
    )
    # Sent by the button tapped; the page renders the buttons itself, not this widget.
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        error_messages={
            "required": _("Tap how the call went."),
            "invalid_choice": _("Tap how the call went."),
        },
    )
    demands = forms.TypedMultipleChoiceField(
        label=_("What did you raise?"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    answer = forms.ChoiceField(
        label=_("Will they support it? (optional)"),
        required=False,
        choices=CallerAnswer.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, demands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demands"].choices = [(d.pk, d.text) for d in demands]

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data["source"])

    def clean_tried(self) -> list[int]:
        return tried_offices(self.cleaned_data["tried"])

    def clean_place(self) -> dict:
        """{"zip", "town", "district", "postcode", "constituency"} (a DistrictRef, a
        ConstituencyRef or None)."""
        token = self.cleaned_data["place"]
        if not token:
            return {"zip": "", "town": "", "district": None, "postcode": "", "constituency": None}
        form = place_from_token(token)
        if form is None or not form.is_valid():
            raise forms.ValidationError(
                _(
                    "This page was opened too long ago for its report to be counted. Your call "
                    "still made a difference: thank you."
                ),
                code="stale",
            )
        return form.cleaned_data


class CallerForm(JoinForm):
    """The thank-you page's optional ask: an address to put this round's calls on, and a
    consent for each group asking, each optional. Joining's form, without its name and
    postcode."""

    consent_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        del self.fields["postcode"]
