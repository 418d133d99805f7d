"""CSV that organizers open in a spreadsheet: cells never run as formulas, and long exports
stream line by line instead of building in memory.

A spreadsheet runs a cell as a formula when it starts with one of FORMULA_SIGNS. Which
character splits a line into cells depends on the program and its locale (Excel in Spanish
splits on ";"), so every place a cell could start is guarded: the start of the text and
every spot after a separator gets an apostrophe before a formula sign, and every cell is
quoted so that no separator inside it splits it at all.
"""

import csv
import re
from decimal import Decimal

# Full-width forms too: some spreadsheets read them as their ASCII twins.
FORMULA_SIGNS = "=+-@\t\r＝＋－＠"
SEPARATORS = ";,\t\r\n"
_FORMULA_START = re.compile(
    rf"(^|[{re.escape(SEPARATORS)}])([ \u00a0]*)(?=[{re.escape(FORMULA_SIGNS)}])"
)


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        # A number (a negative one included) cannot be a formula, and stays addable.
        return str(value)
    return _FORMULA_START.sub(r"\1\2'", str(value))


class _Echo:
    """A file-like object that hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows):
    """The header, then each row, as CSV lines with every cell made safe and quoted."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])
