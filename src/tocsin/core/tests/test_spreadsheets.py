"""Issue 14, finding 15: no cell of an export runs as a formula, wherever a spreadsheet splits
the line (Excel in a Spanish locale splits on ";", others on tabs)."""

import csv
import io
import re
from decimal import Decimal

import pytest

from tocsin.core.spreadsheets import csv_lines, spreadsheet_safe

# A piece of a cell that a spreadsheet could read as a formula: a formula sign at its start,
# after any character a spreadsheet may split a line on.
RUNS_AS_FORMULA = re.compile(r"(?:^|[;,\t\r\n])[ \u00a0]*[=+\-@\t\r＝＋－＠]")


def exported(*cells) -> tuple[str, list[str]]:
    _header, line = csv_lines(["cell"] * len(cells), [cells])
    return line, next(csv.reader(io.StringIO(line, newline="")))


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1 555 0100",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "ok;=1+1",
        "ok; =1+1",
        "ok,=1+1",
        "ok\t=1+1",
        "ok\n=1+1",
        "ok\r\n@x",
        'Ana;=HYPERLINK("http://evil")',
        "ok;\u00a0-1",
        "＝1+1",
        "a;;+b;-c",
    ],
)
def test_no_piece_of_a_cell_can_start_a_formula(value):
    text, [cell] = exported(value)
    assert not RUNS_AS_FORMULA.search(cell), cell
    # And the text is all there, for the organizer to read.
    assert cell.replace("'", "") == value.replace("'", "")
    # Quoted, so no spreadsheet splits the cell whatever its separator.
    assert text.startswith('"')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ana", "Ana"),
        ("ok; fine", "ok; fine"),
        ("a-b", "a-b"),
        ("anna@example.org", "anna@example.org"),
        (None, ""),
        (12, "12"),
        (-5, "-5"),  # a number stays a number a spreadsheet can add up
        (Decimal("-25.50"), "-25.50"),
        (True, "True"),
    ],
)
def test_plain_text_and_numbers_are_left_as_they_are(value, expected):
    assert spreadsheet_safe(value) == expected


def test_every_cell_is_quoted():
    text, cells = exported("Ana", 3, "ok;=1+1")
    assert text == '"Ana","3","ok;\'=1+1"\r\n'
    assert cells == ["Ana", "3", "ok;'=1+1"]
