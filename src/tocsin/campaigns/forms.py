import math

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.districts import uk
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


def outside_constituencies_message() -> str:
    return gettext(
        "That location is not inside any UK Parliament constituency. Enter your postcode instead."
    )


def postcode_not_found_message(postcode: str) -> str:
    if postcode[:2] in ("JE", "GY", "IM") and postcode[2:3].isdigit():
        return gettext(
            "%(postcode)s is in Jersey, Guernsey or the Isle of Man, which have no MP at "
            "Westminster."
        ) % {"postcode": postcode}
    return gettext(
        "We could not find the postcode %(postcode)s. Check it against a letter sent to your "
        "home, or use your location."
    ) % {"postcode": postcode}


def constituency_not_for_postcode_message() -> str:
    return gettext("That constituency does not include this postcode. Pick one from the list.")


def not_a_postcode_message(text: str) -> str:
    if uk.looks_like_zip(text):
        return gettext(
            "That looks like a US ZIP code. This campaign asks for a UK postcode, for example "
            "SW1A 0AA."
        )
    return gettext("Enter a UK postcode, for example SW1A 0AA.")


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


class PostcodeCleaning:
    """A UK postcode ("SW1A 0AA" from any spelling) and an optional constituency code, the
    one a supporter picked in Northern Ireland, whose postcodes are in no open data."""

    def clean_postcode(self) -> str:
        text = self.cleaned_data["postcode"]
        if not text and not self.fields["postcode"].required:
            return ""
        try:
            return uk.normalize_postcode(text)
        except uk.InvalidPostcode as error:
            raise forms.ValidationError(not_a_postcode_message(text)) from error

    def clean_constituency(self) -> uk.ConstituencyRef | None:
        text = self.cleaned_data.get("constituency") or ""
        if not text:
            return None
        found = uk.constituency(text)
        if found is None:
            raise forms.ValidationError(_("That constituency is not one we know."))
        return found


class PostcodeForm(PostcodeCleaning, forms.Form):
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=20,
        error_messages={"required": _("Enter your postcode, for example SW1A 0AA.")},
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
