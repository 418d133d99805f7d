"""The line {your_targets} becomes in one person's alert: the people the linked action asks
them to reach, picked from where they live as the action's own page would pick them, each with
their current stance from the whip count ("Your Representative, Mark Pocan (undecided); your
senators, Tammy Baldwin (supports) and Ron Johnson (opposes)").

Only what the whip count records is said: a target whose stance is unknown is named without
one. Lines depend on the place and the language only, so `TargetLines` works each out once per
(state, district, language) and an alert to thousands of people asks the database a few times
per district."""

import contextlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from tocsin.calls.models import CallAction
from tocsin.calls.services import targets_for
from tocsin.campaigns.models import Stance, TargetStance
from tocsin.districts.services import DistrictRef
from tocsin.districts.states import STATES
from tocsin.targets.models import Chamber, Target

from .models import Alert

# Beyond this many people the line stops being read; the action's page lists them all.
MAX_NAMED = 4


@dataclass(frozen=True)
class TargetsLine:
    text: str  # plain text, one sentence
    url: str = ""  # a page the text links to (the standard line when nothing is known)


@dataclass(frozen=True)
class Place:
    state: str  # "WI", or "" when unknown
    district: DistrictRef | None  # the House seat, when known

    @property
    def key(self) -> tuple[str, str]:
        return (self.state, self.district.label if self.district else "")


def place_of(supporter) -> Place:
    """The supporter's US state and House seat as far as they are known: nothing for people
    outside the US, no seat for a district that does not parse or is of another state."""
    if supporter is None or (supporter.country or "US").upper() != "US":
        return Place("", None)
    state = (supporter.state or "").strip().upper()
    if state not in STATES:
        return Place("", None)
    district = None
    with contextlib.suppress(ValueError):
        district = DistrictRef.parse(supporter.district or "")
    if district is not None and district.state != state:
        district = None
    return Place(state, district)


def _stance_label(stance: str) -> str:
    # The whip count's own words, in the running sentence's case: "(leaning yes)".
    label = str(Stance(stance).label)
    return label[:1].lower() + label[1:]


class TargetLines:
    """The {your_targets} lines of one alert, worked out once per place and language."""

    def __init__(self, alert, campaign=None):
        self.campaign = campaign if campaign is not None else alert.campaign
        self.call_action = None
        if alert.action_kind == Alert.ActionKind.CALL and alert.action_id is not None:
            self.call_action = (
                CallAction.objects.filter(
                    pk=alert.action_id, campaign__organization_id=alert.organization_id
                )
                .select_related("campaign")
                .first()
            )
            if self.call_action is not None:
                self.campaign = self.call_action.campaign
        self.stances: dict[int, str] = {}
        self.campaign_targets: list[Target] = []
        if self.campaign is not None:
            self.stances = dict(
                TargetStance.objects.filter(campaign=self.campaign).values_list(
                    "target_id", "stance"
                )
            )
            self.campaign_targets = [
                link.target
                for link in self.campaign.campaign_targets.select_related("target")
                if link.target.is_active
            ]
        self._targets: dict[tuple[str, str], list[Target]] = {}
        self._lines: dict[tuple[str, str, str], TargetsLine | None] = {}

    def line(self, supporter, language: str) -> TargetsLine | None:
        """The line for this person in `language`, or None when their targets are not known
        (the caller then uses the alert's fallback line)."""
        place = place_of(supporter)
        key = (*place.key, language)
        if key not in self._lines:
            targets = self.targets(place)
            with translation.override(language):
                self._lines[key] = self._sentence(targets, place) if targets else None
        return self._lines[key]

    def targets(self, place: Place) -> list[Target]:
        if place.key not in self._targets:
            self._targets[place.key] = self._find(place)[:MAX_NAMED]
        return self._targets[place.key]

    def _find(self, place: Place) -> list[Target]:
        if self.call_action is not None:
            return self._call_targets(place)
        # Petitions, events, gifts and joining are addressed to the campaign's targets: name
        # those who represent this person where there are any, else all of them.
        own = [t for t in self.campaign_targets if _represents(t, place)]
        return own or self.campaign_targets

    def _call_targets(self, place: Place) -> list[Target]:
        """Whom the call page asks this person to call (calls.services.targets_for); with a
        state but no House seat (a ZIP split between districts), their senators only."""
        action = self.call_action
        if not action.uses_lookup or place.district is not None:
            return targets_for(action, place.district)
        if not place.state:
            return []  # the call page would ask where they are first
        senators = []
        if action.chambers != CallAction.Chambers.HOUSE and STATES[place.state].has_senators:
            senators = list(Target.objects.senators_for(place.state))
        if action.only_unsupportive:
            senators = [t for t in senators if self.stances.get(t.pk) != Stance.SUPPORTS]
        custom = targets_for(action, None)  # the campaign's own list, as the mode places it
        if action.target_mode == CallAction.TargetMode.LOOKUP:
            return senators
        if action.custom_placement == CallAction.CustomPlacement.FALLBACK:
            return senators or custom
        if action.custom_placement == CallAction.CustomPlacement.LAST:
            return _unique(senators + custom)
        return _unique(custom + senators)

    def _sentence(self, targets: list[Target], place: Place) -> TargetsLine:
        representatives = [t for t in targets if _represents(t, place, Chamber.HOUSE)]
        senators = [t for t in targets if _represents(t, place, Chamber.SENATE)]
        others = [t for t in targets if t not in representatives and t not in senators]
        parts = []
        for member in representatives:
            # "your Representative, Mark Pocan (undecided)"; a Delegate for DC and territories.
            parts.append(
                _("your %(title)s, %(name)s")
                % {"title": member.display_title, "name": self._named(member)}
            )
        if len(senators) == 1:
            parts.append(
                _("your %(title)s, %(name)s")
                % {"title": senators[0].display_title, "name": self._named(senators[0])}
            )
        elif senators:
            names = get_text_list([self._named(t) for t in senators], _("and"))
            parts.append(_("your senators, %(names)s") % {"names": names})
        if others:
            names = [self._named(t, with_title=True) for t in others]
            parts.append(get_text_list(names, _("and")))
        return TargetsLine(capfirst("; ".join(parts)))

    def _named(self, target: Target, *, with_title: bool = False) -> str:
        name = target.name
        if with_title and target.display_title:
            name = f"{target.display_title} {target.name}"
        stance = self.stances.get(target.pk)
        if not stance or stance == Stance.UNKNOWN:
            return name
        return _("%(name)s (%(stance)s)") % {"name": name, "stance": _stance_label(stance)}


def _represents(target: Target, place: Place, chamber: str | None = None) -> bool:
    """Whether the member of Congress sits for this person's state (Senate) or seat (House)."""
    if target.kind != Target.Kind.LEGISLATOR or not place.state or target.state != place.state:
        return False
    if target.chamber == Chamber.SENATE:
        return chamber in (None, Chamber.SENATE)
    if target.chamber == Chamber.HOUSE and place.district is not None:
        return chamber in (None, Chamber.HOUSE) and (target.district or 0) == (
            place.district.district
        )
    return False


def _unique(targets: list[Target]) -> list[Target]:
    seen: set[int] = set()
    return [t for t in targets if not (t.pk in seen or seen.add(t.pk))]
