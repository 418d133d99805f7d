# Django's own Spanish formats, plus the weekday form tocsin.core.dates reads.
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
WEEKDAY_DATE_FORMAT = r"l j \d\e F \d\e Y"
WEEKDAY_MONTH_DAY_FORMAT = r"l j \d\e F"
