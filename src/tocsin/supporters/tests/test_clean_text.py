import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from tocsin.core.forms import clean_text


@given(st.text())
@example("Ana\u00a0María\u2028López\x00\u200b ")
@example("  tab\there\r\nnew line  ")
def test_clean_text_drops_every_control_or_format_character_and_folds_spaces(value):
    cleaned = clean_text(value)
    assert not any(unicodedata.category(ch)[0] == "C" for ch in cleaned), (
        "a control or format character survived"
    )
    assert cleaned == " ".join(cleaned.split()), "spaces were not folded"
    # Nothing else is lost: the same words, in order.
    kept = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    assert cleaned.split() == kept.split()
