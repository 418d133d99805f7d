import math

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.districts.services import DistrictRef, InvalidZip, normalize_zip


def district_not_in_zip_message() -> str:
    return gettext("That district does not include this ZIP code. Pick one from the list.")


def outside_districts_message() -> str:
    return gettext(
        "That location is not inside any US congressional district. Enter your ZIP code instead."
    )


def zip_not_found_message(zip_code: str) -> str:
    return gettext(
        "We could not find ZIP code %(zip)s. Some ZIP codes are only for PO boxes or "
        "businesses: try the ZIP code of your home address."
    ) % {"zip": zip_code}


class PlaceCleaning:
    """A ZIP code (5 digits or ZIP+4) and an optional district label such as WI-2."""

    def clean_zip(self) -> str:
        text = self.cleaned_data["zip"]
        if not text and not self.fields["zip"].required:
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


class ZipForm(PlaceCleaning, forms.Form):
    zip = forms.CharField(
        label=_("Your ZIP code"),
        max_length=20,
        error_messages={"required": _("Enter your 5-digit ZIP code, for example 53703.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "zip"}
        ),
    )
    district = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class LocationForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    zip = forms.CharField(required=False, max_length=20)

    error_messages = {
        "invalid_location": _("Your browser sent a location we could not read. Please try again.")
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("latitude", "longitude"):
            value = cleaned.get(name)
            if value is None or math.isnan(value) or math.isinf(value):
                raise forms.ValidationError(self.error_messages["invalid_location"])
        return cleaned
