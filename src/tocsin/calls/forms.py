from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.districts.services import DistrictRef, InvalidZip, normalize_zip
from tocsin.supporters.forms import PlainTextField

from .models import Outcome


class CallPlaceForm(forms.Form):
    """Where the supporter is: carried from page to page in the query string, never stored."""

    zip = forms.CharField(
        label=_("Your ZIP code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "zip"}
        ),
    )
    district = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    town = PlainTextField(
        label=_("Your town (optional, for the script)"),
        required=False,
        max_length=60,
        error_messages={
            "max_length": _("Please shorten the town name to %(limit_value)d characters.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    def clean_zip(self) -> str:
        text = self.cleaned_data["zip"]
        if not text:
            return ""
        try:
            return normalize_zip(text)
        except InvalidZip as error:
            raise forms.ValidationError(str(error)) from error

    def clean_district(self) -> DistrictRef | None:
        text = self.cleaned_data.get("district") or ""
        if not text:
            return None
        try:
            return DistrictRef.parse(text)
        except ValueError as error:
            raise forms.ValidationError(_("That district is not one we know.")) from error


class ReportForm(CallPlaceForm):
    key = forms.UUIDField(widget=forms.HiddenInput)
    position = forms.IntegerField(min_value=0, max_value=100, widget=forms.HiddenInput)
    total = forms.IntegerField(required=False, min_value=1, max_value=101, widget=forms.HiddenInput)
    target = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    office = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    tried = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("How did it go?"),
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

    def __init__(self, *args, demands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demands"].choices = [(d.pk, d.text) for d in demands]

    def clean_tried(self) -> list[int]:
        return self.clean_tried_text(self.cleaned_data.get("tried") or "")

    @staticmethod
    def clean_tried_text(text: str) -> list[int]:
        """Offices already tried in this round, from the query string or the form."""
        parts = text[:200].split(",")
        return [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 12][:20]
