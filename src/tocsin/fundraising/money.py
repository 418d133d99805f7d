"""Money as whole minor units (pence, cents, yen) of one ISO currency: never floats.

Only the currencies below are accepted. Each knows its exponent (how many minor units make a
major one: 2 for pounds and pence, 0 for yen) and the symbol people expect to see.
"""

import re
from dataclasses import dataclass

from django.utils import formats, numberformat
from django.utils.translation import get_language


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int
    symbol: str

    @property
    def unit(self) -> int:
        """Minor units in one major unit."""
        return 10**self.exponent


CURRENCIES = {
    c.code: c
    for c in (
        Currency("GBP", 2, "£"),
        Currency("EUR", 2, "€"),
        Currency("USD", 2, "US$"),
        Currency("CAD", 2, "CA$"),
        Currency("AUD", 2, "A$"),
        Currency("NZD", 2, "NZ$"),
        Currency("MXN", 2, "MX$"),
        Currency("CHF", 2, "CHF"),
        Currency("SEK", 2, "kr"),
        Currency("NOK", 2, "kr"),
        Currency("DKK", 2, "kr."),
        Currency("JPY", 0, "¥"),
    )
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
# Stripe takes at most eight digits of minor units; no single gift is larger.
MAX_MINOR = 99_999_999


def currency(code: str) -> Currency:
    """The allowed currency with this code; KeyError for any other."""
    return CURRENCIES[code.upper()]


def parse_amount(text: str, code: str) -> int:
    """Minor units from what a person typed ("25", "25.50", "25,50", "£1,000", "1 000").

    Raises ValueError for anything that is not a plain positive-or-zero amount with no more
    decimals than the currency has.
    """
    cur = currency(code)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    cleaned = cleaned.removeprefix(cur.symbol).lstrip("£€$¥")
    if "," in cleaned and "." in cleaned:
        # Both: the last one is the decimal point, the other groups thousands.
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in cleaned or "." in cleaned:
        mark = "," if "," in cleaned else "."
        if re.fullmatch(r"[0-9]{1,3}(?:[.,][0-9]{3})+", cleaned) and (
            cleaned.count(mark) > 1 or cur.exponent < 3
        ):
            cleaned = cleaned.replace(mark, "")  # "1,000" or "1.000.000": thousands
        else:
            cleaned = cleaned.replace(mark, ".")  # "25,50": a decimal comma
    match = re.fullmatch(r"([0-9]{1,12})(?:\.([0-9]+))?", cleaned)
    if not match:
        raise ValueError(text)
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > cur.exponent:
        raise ValueError(text)
    return int(whole) * cur.unit + (int(fraction.ljust(cur.exponent, "0")) if fraction else 0)


def major_text(minor: int, code: str) -> str:
    """Plain, unlocalised major units for forms and CSV: 1250 GBP -> "12.50", 1200 -> "12"."""
    cur = currency(code)
    whole, fraction = divmod(minor, cur.unit)
    if not fraction:
        return str(whole)
    return f"{whole}.{fraction:0{cur.exponent}d}"


def format_money(minor: int, code: str, language: str | None = None) -> str:
    """£8,104 or £12.50 in English; 8104 £ or 12,50 £ in Spanish (with the locale's spacing).

    Whole amounts are shown without decimals; anything else with all of them.
    """
    cur = currency(code)
    language = (language or get_language() or "en").split("-")[0]
    whole, fraction = divmod(abs(minor), cur.unit)
    decimals = cur.exponent if fraction else 0
    value = f"{whole}.{fraction:0{cur.exponent}d}" if decimals else str(whole)
    number = numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        decimal_pos=decimals,
        grouping=formats.get_format("NUMBER_GROUPING", language, use_l10n=True),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        force_grouping=True,
    )
    sign = "-" if minor < 0 else ""
    if language == "es":
        return f"{sign}{number}\u00a0{cur.symbol}"
    return f"{sign}{cur.symbol}{number}"
