from django import template

from tocsin.core import dates

register = template.Library()

# expects_localtime: an aware datetime is read in the zone of the enclosing {% timezone %}.
register.filter("weekday_date", dates.weekday_date, expects_localtime=True)
register.filter("weekday_month_day", dates.weekday_month_day, expects_localtime=True)
register.filter("zone_name", dates.zone_name)
