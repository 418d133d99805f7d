from types import SimpleNamespace

from tocsin.whip.templatetags.whip import collapse_unknowns

NOTHING = "Our sources say nothing yet."


def row(name, stance="unknown", summary=NOTHING, title="Representative", source_url="", calls=0):
    return SimpleNamespace(
        name=name,
        stance=stance,
        summary=summary,
        title=title,
        source_url=source_url,
        source_title="",
        calls=calls,
    )


def test_repeated_unknown_stances_collapse_into_one_line():
    rows = [row(f"Member {n}", calls=n) for n in range(8)]
    alone, together = collapse_unknowns(rows)
    assert alone == []
    assert [r.name for r in together.rows] == [f"Member {n}" for n in range(8)]
    assert together.summary == NOTHING
    assert together.noun == "representatives"
    assert together.calls == sum(range(8))


def test_an_unknown_stance_with_its_own_evidence_keeps_its_line():
    sourced = row("Sourced", source_url="https://example.org/statement")
    different = row("Different", summary="Told a caller she is thinking about it.")
    rows = [row("A", title="Senator"), row("B", title="Senator"), sourced, different]
    alone, together = collapse_unknowns(rows)
    assert [r.name for r in together.rows] == ["A", "B"]
    assert together.noun == "senators"
    assert alone == [sourced, different]


def test_a_single_unknown_or_known_stances_never_collapse():
    one = [row("Alone")]
    assert collapse_unknowns(one) == (one, None)
    known = [row("Yes", stance="supports"), row("Also yes", stance="supports")]
    assert collapse_unknowns(known) == (known, None)
