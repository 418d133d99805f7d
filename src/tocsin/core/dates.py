"""Dates and time zones as supporters read them, in their language.

Day-month order and the weekday come from the format modules in tocsin/formats (Django's
FORMAT_MODULE_PATH); zones are named by a place people know ("London time"), never by their
database name ("Europe/London")."""

import datetime
import zoneinfo

from django.utils import formats
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FALLBACK_FORMATS = {
    "WEEKDAY_DATE_FORMAT": "l j F Y",
    "WEEKDAY_MONTH_DAY_FORMAT": "l j F",
}

# The zones an organizer can pick for an event, each named the way a supporter says it.
OFFERED_TIME_ZONES = {
    "America/New_York": _("Eastern time (New York)"),
    "America/Chicago": _("Central time (Chicago)"),
    "America/Denver": _("Mountain time (Denver)"),
    "America/Phoenix": _("Arizona time (Phoenix)"),
    "America/Los_Angeles": _("Pacific time (Los Angeles)"),
    "America/Anchorage": _("Alaska time (Anchorage)"),
    "Pacific/Honolulu": _("Hawaii time (Honolulu)"),
    "America/Puerto_Rico": _("Atlantic time (San Juan)"),
    "Pacific/Guam": _("Chamorro time (Guam)"),
    "Pacific/Pago_Pago": _("Samoa time (Pago Pago)"),
    "America/Toronto": _("Eastern time (Toronto)"),
    "America/Mexico_City": _("Mexico City time"),
    "America/Tegucigalpa": _("Honduras time (Tegucigalpa)"),
    "America/Guatemala": _("Guatemala time"),
    "America/El_Salvador": _("El Salvador time"),
    "Europe/London": _("London time"),
    "Europe/Dublin": _("Dublin time"),
    "Europe/Madrid": _("Madrid time"),
    "Europe/Paris": _("Paris time"),
    "Europe/Berlin": _("Berlin time"),
    "UTC": _("Coordinated Universal Time (UTC)"),
}


def _format_for(name: str) -> str:
    for module in formats.get_format_modules():
        value = getattr(module, name, None)
        if value:
            return value
    return FALLBACK_FORMATS[name]


def weekday_date(value: datetime.date | datetime.datetime | None, with_time: str = "") -> str:
    """ "Friday 25 December 2026" / "viernes 25 de diciembre de 2026"; with_time="time" adds
    ", 18:30". An aware datetime is read in the current time zone: wrap it in the place's."""
    return _formatted(value, "WEEKDAY_DATE_FORMAT", with_time)


def weekday_month_day(value: datetime.date | datetime.datetime | None, with_time: str = "") -> str:
    """ "Saturday 26 December" / "sábado 26 de diciembre", for a second day of the same year."""
    return _formatted(value, "WEEKDAY_MONTH_DAY_FORMAT", with_time)


def _formatted(value, format_name: str, with_time: str) -> str:
    if value is None or value == "":
        return ""
    text = format_date(value, _format_for(format_name))
    if with_time and isinstance(value, datetime.datetime):
        text += ", " + format_date(value, formats.get_format("TIME_FORMAT"))
    return text


def zone_choices(current: str = "") -> list[tuple[str, str]]:
    """The offered zones for a select, and the current one kept if it is not among them."""
    choices = [(name, str(label)) for name, label in OFFERED_TIME_ZONES.items()]
    if current and current not in OFFERED_TIME_ZONES:
        choices.append((current, zone_name(current)))
    return choices


def zone_name(zone: str | zoneinfo.ZoneInfo) -> str:
    """ "London time" / "hora de Londres" for Europe/London; a zone outside the table is named
    after its city ("Lisbon time"), never by its database name."""
    key = getattr(zone, "key", zone) or ""
    if key in OFFERED_TIME_ZONES:
        return str(OFFERED_TIME_ZONES[key])
    city = key.rsplit("/", 1)[-1].replace("_", " ")
    if not city:
        return ""
    return gettext("%(city)s time") % {"city": city}


# The clock of a place supporters call or write to, by its country, for countries with one
# zone people mean (a US office's state says which of its zones: districts.states).
COUNTRY_TIME_ZONES = {
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "ES": "Europe/Madrid",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "PR": "America/Puerto_Rico",
    "GU": "Pacific/Guam",
    "AS": "Pacific/Pago_Pago",
}


def zone_for_place(country: str, default: str = "America/New_York") -> zoneinfo.ZoneInfo:
    """The zone of a place in `country` ("GB" → London time); `default` for a country with
    several zones or none we know."""
    return zoneinfo.ZoneInfo(COUNTRY_TIME_ZONES.get((country or "").upper(), default))
