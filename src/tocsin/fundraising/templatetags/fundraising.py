from django import template

from tocsin.fundraising.money import format_money

register = template.Library()


@register.filter
def money(minor, currency_code: str) -> str:
    """{{ amount|money:"GBP" }}: £8,104 in English, 8104 £ in Spanish."""
    try:
        return format_money(int(minor), currency_code)
    except (TypeError, ValueError, KeyError):
        return ""
