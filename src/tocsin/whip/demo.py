"""Demo whip counts: where the Wisconsin House delegation stands on H.R. 1299, and the State
Department's line on security aid (safe to run again: evidence already there is kept)."""

from tocsin.campaigns.models import Campaign, Stance, StanceEvidence
from tocsin.targets.models import Chamber, Target

from .services import record_stance

NOTHING_FOUND = (
    "Our sources say nothing yet about where this member stands on H.R. 1299. "
    "Ask when you call, and tell us what the office says."
)

STATE_DEPARTMENT_SUMMARY = (
    "The State Department describes the United States as a partner of the Honduran government "
    "in fighting crime, is sending technical experts to deepen that security cooperation, and "
    "says it will keep using every resource it has to help Honduras's security effort: the "
    "opposite of the suspension of security aid this campaign asks for."
)


def _record_once(campaign: Campaign, target: Target, stance: str, **evidence) -> None:
    if not StanceEvidence.objects.filter(campaign=campaign, target=target).exists():
        record_stance(campaign, target, stance, **evidence)


def load_demo_stances(hr1299: Campaign, baldwin: Campaign, state_desk: Target) -> None:
    wisconsin_house = (
        Target.objects.active().legislators().filter(chamber=Chamber.HOUSE, state="WI")
    )
    # The seeds say nothing about the Wisconsin members, so the demo does not either. The
    # back office's import example (admin/whip/import_stances.html) names the bill's sponsor
    # and another original co-sponsor from elsewhere, so importing it contradicts nothing here.
    for member in wisconsin_house:
        _record_once(hr1299, member, Stance.UNKNOWN, summary=NOTHING_FOUND)
    # The seed gives the statement's title but no date, so the source date is left empty.
    _record_once(
        baldwin,
        state_desk,
        Stance.OPPOSES,
        summary=STATE_DEPARTMENT_SUMMARY,
        source_title="U.S. Committed To Honduras Security",
        source_publisher="US Department of State",
    )
