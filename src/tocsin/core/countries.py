"""Countries as people type them: "UK", "United Kingdom", "Britain", "Scotland", "usa", "United
States of America", "México" or "mx" all become the two-letter code stored (ISO 3166-1
alpha-2, "GB", "US", "MX").

The names come from the phonenumbers package's geocoding data (in English and Spanish, the
site's languages), read through its public functions, so no list of our own goes stale; the
aliases below add the names and codes people use that are not a country's ISO name."""

import functools
import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext
from phonenumbers import geocoder

# Names and codes people use for a country that are not its name in the geocoding data.
ALIASES = {
    "GB": (
        "uk",
        "gbr",
        "united kingdom of great britain and northern ireland",
        "britain",
        "great britain",
        "england",
        "scotland",
        "wales",
        "cymru",
        "northern ireland",
        "gran bretana",
        "inglaterra",
        "escocia",
        "gales",
        "irlanda del norte",
    ),
    "US": (
        "usa",
        "u s",
        "u s a",
        "united states of america",
        "america",
        "the states",
        "estados unidos de america",
        "eeuu",
        "ee uu",
        "eua",
    ),
    "MX": ("mexico", "mex", "estados unidos mexicanos"),
    "CA": ("can",),
    "DE": ("deutschland",),
    "ES": ("espana",),
    "IE": ("eire", "republic of ireland"),
    "KR": ("korea",),
    "NL": ("holland", "the netherlands"),
    "CZ": ("czechia",),
    "TR": ("turkiye",),
    "MK": ("north macedonia",),
    "CI": ("ivory coast",),
    "CD": ("drc", "dr congo", "democratic republic of the congo"),
    "VA": ("holy see", "vatican city"),
    "XK": ("kosovo",),
}

# What the site's country fields store: codes phonenumbers knows (every ISO country and
# territory people live in, and Kosovo's user-assigned XK), so a signer's phone-number region
# and country agree.
CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


class UnknownCountry(ValueError):
    """The text names no country we know."""


def _folded(text: str) -> str:
    """Lower case, without accents, punctuation or a leading "the": "the U.S.A." → "u s a"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@functools.cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in sorted(CODES):
        example = phonenumbers.example_number(code)
        if example is None:
            continue
        for language in ("en", "es"):
            name = geocoder.country_name_for_number(example, language)
            if name:
                # A name two regions share (rare in the data) keeps the first, by code.
                names.setdefault(_folded(name), code)
    for code, aliases in ALIASES.items():
        for alias in aliases:
            names[_folded(alias)] = code
    return names


def normalize_country(text: str) -> str:
    """The two-letter code for a country typed as a code or a name ("" for empty text).

    Raises UnknownCountry, with a message for the person who typed it, otherwise."""
    text = (text or "").strip()
    if not text:
        return ""
    # Longer text is not a country name; it is not worth folding.
    folded = _folded(text[:80]) if len(text) <= 80 else ""
    code = folded.upper()
    if len(code) == 2 and code in CODES:
        return code
    found = _by_name().get(folded)
    if found:
        return found
    raise UnknownCountry(
        gettext(
            "We do not know the country “%(country)s”. Type its name (for example United "
            "Kingdom) or its two-letter code (for example GB)."
        )
        % {"country": text[:40]}
    )


def country_name(code: str, language: str = "en") -> str:
    """The country's name in English or Spanish ("United Kingdom"), or the code itself."""
    example = phonenumbers.example_number(code) if code in CODES else None
    name = geocoder.country_name_for_number(example, language) if example else ""
    return name or code
