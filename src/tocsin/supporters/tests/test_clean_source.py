"""`?source=` codes come from links anyone can edit: only a short, plain code is kept."""

import pytest

from tocsin.supporters.services import clean_source


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Op-Ed_2024.nov", "op-ed_2024.nov"),
        ("  partner-x ", "partner-x"),
        ("<script>alert(1)</script>", "scriptalert1script"),
        ("ana@example.org", "anaexample.org"),
        ("ñandú", "and"),
        ("x" * 100, "x" * 64),
        ("", ""),
        (None, ""),
        (["share-x"], ""),
    ],
)
def test_a_source_keeps_only_lowercase_letters_digits_dots_dashes_and_underscores(typed, kept):
    assert clean_source(typed) == kept
