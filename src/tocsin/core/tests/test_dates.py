"""Dates and time zones as supporters read them (issue 15, finding 7)."""

import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import formats, translation

from tocsin.core import dates

CHRISTMAS = datetime.date(2026, 12, 25)


def test_dates_with_their_weekday_in_each_language():
    with translation.override("es"):
        assert dates.weekday_date(CHRISTMAS) == "viernes 25 de diciembre de 2026"
        assert dates.weekday_month_day(CHRISTMAS) == "viernes 25 de diciembre"
        assert formats.date_format(CHRISTMAS, "DATE_FORMAT") == "25 de diciembre de 2026"
    with translation.override("en"):
        assert dates.weekday_date(CHRISTMAS) == "Friday 25 December 2026"
        assert formats.date_format(CHRISTMAS, "DATE_FORMAT") == "25 December 2026"
    assert dates.weekday_date(None) == ""


def test_the_filter_reads_a_moment_in_the_place_s_zone_and_adds_the_time():
    moment = datetime.datetime(2026, 12, 25, 23, 30, tzinfo=datetime.UTC)
    template = Template(
        "{% load tz tocsin_dates %}{% timezone zone %}{{ moment|weekday_date:'time' }}"
        "{% endtimezone %}"
    )
    with translation.override("es"):
        tokyo = template.render(Context({"moment": moment, "zone": "Asia/Tokyo"}))
    assert tokyo == "sábado 26 de diciembre de 2026, 08:30"


def test_zones_are_named_by_place_never_by_their_database_name():
    assert dates.zone_name("Europe/London") == "London time"
    assert dates.zone_name(zoneinfo.ZoneInfo("America/New_York")) == "Eastern time (New York)"
    assert dates.zone_name("America/Argentina/Buenos_Aires") == "Buenos Aires time"
    for name, label in dates.zone_choices():
        assert "/" not in label, name
        assert name in zoneinfo.available_timezones()
    offered = dict(dates.zone_choices())
    assert "Europe/London" in offered
    assert "America/Puerto_Rico" in offered
    assert dict(dates.zone_choices("Asia/Tokyo"))["Asia/Tokyo"] == "Tokyo time"
