"""CSV that organizers open in a spreadsheet: cells never run as formulas, and long exports
stream line by line instead of building in memory."""

import csv

SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(SPREADSHEET_TRIGGERS) else text


class _Echo:
    """A file-like object that hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows):
    """The header, then each row, as CSV lines with every cell made safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])
