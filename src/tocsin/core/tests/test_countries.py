"""Country fields take what people type: names and common codes in English or Spanish, with
or without accents, dots and "the", become the two-letter code stored."""

import zoneinfo

import pytest
from django import forms
from django.utils import translation

from tocsin.core.countries import UnknownCountry, country_name, normalize_country
from tocsin.core.dates import zone_for_place, zone_name
from tocsin.core.forms import CountryField


@pytest.mark.parametrize(
    "text",
    [
        "UK",
        "uk",
        "GB",
        "gb",
        "United Kingdom",
        "the United Kingdom",
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Reino Unido",
        "  united   kingdom ",
    ],
)
def test_the_uk_in_every_common_spelling_is_gb(text):
    assert normalize_country(text) == "GB"


@pytest.mark.parametrize(
    "text",
    ["US", "us", "USA", "U.S.A.", "U.S.", "United States", "United States of America", "America"],
)
def test_the_united_states_in_every_common_spelling_is_us(text):
    assert normalize_country(text) == "US"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mexico", "MX"),
        ("México", "MX"),
        ("mx", "MX"),
        ("Honduras", "HN"),
        ("El Salvador", "SV"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("España", "ES"),
        ("Spain", "ES"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Ireland", "IE"),
        ("fr", "FR"),
    ],
)
def test_other_countries_by_name_or_code(text, code):
    assert normalize_country(text) == code


def test_empty_text_is_no_country():
    assert normalize_country("") == ""
    assert normalize_country("   ") == ""


@pytest.mark.parametrize("text", ["Narnia", "XX", "ZZ", "U", "x" * 500, "=cmd()"])
def test_an_unknown_country_says_what_to_type(text):
    with pytest.raises(UnknownCountry) as raised:
        normalize_country(text)
    message = str(raised.value)
    assert "United Kingdom" in message
    assert "GB" in message
    # The text is quoted back, cut short: never the whole of a long input.
    assert len(message) < 200


def test_country_names_in_the_reader_s_language():
    assert country_name("GB") == "United Kingdom"
    assert country_name("GB", "es") == "Reino Unido"
    assert country_name("XX") == "XX"


class CountryForm(forms.Form):
    country = CountryField(label="Country", required=False)


class RequiredCountryForm(forms.Form):
    country = CountryField(label="Country")


@pytest.mark.parametrize(("typed", "stored"), [("UK", "GB"), ("Britain", "GB"), ("usa", "US")])
def test_the_form_field_stores_the_code(typed, stored):
    form = CountryForm({"country": typed})
    assert form.is_valid()
    assert form.cleaned_data["country"] == stored


def test_the_form_field_refuses_an_unknown_country_with_a_message():
    form = CountryForm({"country": "Atlantis"})
    assert not form.is_valid()
    assert "We do not know the country “Atlantis”" in form.errors["country"][0]


def test_the_form_field_drops_control_characters_before_reading():
    form = CountryForm({"country": "U\x00K"})
    assert form.is_valid()
    assert form.cleaned_data["country"] == "GB"


def test_a_required_country_field_says_it_is_required():
    form = RequiredCountryForm({"country": ""})
    assert not form.is_valid()
    assert form.errors["country"] == ["This field is required."]
    assert RequiredCountryForm().fields["country"].widget.attrs["autocomplete"] == "country-name"


def test_the_unknown_country_message_is_translated():
    with translation.override("es"), pytest.raises(UnknownCountry) as raised:
        normalize_country("Atlantis")
    # Until the translator's pass, the English text stands; either way it names the input.
    assert "Atlantis" in str(raised.value)


def test_a_place_in_the_uk_keeps_london_time():
    assert zone_for_place("GB") == zoneinfo.ZoneInfo("Europe/London")
    assert zone_for_place("gb") == zoneinfo.ZoneInfo("Europe/London")
    assert zone_name(zone_for_place("GB")) == "London time"
    # A country with several zones keeps the default it is given.
    assert zone_for_place("US") == zoneinfo.ZoneInfo("America/New_York")
    assert zone_for_place("", default="UTC") == zoneinfo.ZoneInfo("UTC")
