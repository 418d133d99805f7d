# Day before month, as the campaigns' own texts write dates ("26 November 2017").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
# Not a Django setting: read by tocsin.core.dates for dates supporters plan around.
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_MONTH_DAY_FORMAT = "l j F"
