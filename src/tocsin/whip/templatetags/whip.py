"""The scoreboard as a piece of another page: `{% load whip %}{% scoreboard campaign %}`.

The campaign page shows it this way so that campaigns, which whip builds on, need not import
whip (the page's template names the tag; no Python import runs the other way).
"""

from dataclasses import dataclass

from django import template

from tocsin.campaigns.models import Stance

from ..views import whip_context

register = template.Library()


@dataclass(frozen=True)
class UnknownTogether:
    """Targets of whom nothing is known, all with the same (or no) note: one line, not many."""

    rows: tuple
    summary: str
    noun: str  # "representatives", "senators", "mps" or "people": which plural the sentence uses

    @property
    def calls(self) -> int:
        return sum(row.calls for row in self.rows)

    @property
    def letters(self) -> int:
        return sum(row.letters for row in self.rows)


def _noun(rows) -> str:
    titles = {row.title for row in rows}
    if titles == {"Representative"}:
        return "representatives"
    if titles == {"Senator"}:
        return "senators"
    if titles == {"MP"}:
        return "mps"
    return "people"


def collapse_unknowns(rows) -> tuple[list, UnknownTogether | None]:
    """Split a stance group's rows into those shown one by one and, for unknown stances that
    repeat the same note without a source of their own, one collapsed line.

    Only the largest set of identical notes collapses (the demo's "our sources say nothing
    yet" for a whole delegation); a row with its own evidence keeps its own line.
    """
    bare = [
        row
        for row in rows
        if row.stance == Stance.UNKNOWN and not row.source_url and not row.source_title
    ]
    by_summary: dict[str, list] = {}
    for row in bare:
        by_summary.setdefault(row.summary.strip(), []).append(row)
    if not by_summary:
        return list(rows), None
    summary, together = max(by_summary.items(), key=lambda item: len(item[1]))
    if len(together) < 2:
        return list(rows), None
    alone = [row for row in rows if row not in together]
    return alone, UnknownTogether(tuple(together), summary, _noun(together))


@register.simple_tag
def stance_group_lines(group) -> dict:
    rows, together = collapse_unknowns(group.rows)
    return {"rows": rows, "together": together}


@register.inclusion_tag("whip/includes/scoreboard.html")
def scoreboard(campaign) -> dict:
    return {"campaign": campaign, "whip": whip_context(campaign)}
