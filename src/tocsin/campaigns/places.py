"""What a campaign's pages ask a supporter about where they live, decided by whom its actions
reach: a postcode for a UK campaign whose actions look up MPs, a ZIP code for a US one whose
actions look up members of Congress, nothing when every action goes to the campaign's own
custom targets or ministers."""

from dataclasses import dataclass
from typing import Literal

from tocsin.districts import uk
from tocsin.targets.models import Target

from .forms import constituency_not_for_postcode_message, postcode_not_found_message
from .models import Campaign

Lookup = Literal["zip", "postcode"]


def actions_looking_up(campaign: Campaign) -> list:
    """The campaign's active actions that find the supporter's own representatives.

    The action apps sit above this one, so their rows are reached through the reverse
    relations they declare (`call_action`, `write_actions`), never by importing them."""
    found = []
    call_action = getattr(campaign, "call_action", None)
    if call_action is not None and call_action.is_active and call_action.uses_lookup:
        found.append(call_action)
    write_actions = getattr(campaign, "write_actions", None)
    if write_actions is not None:
        found += [w for w in write_actions.all() if w.is_open and w.uses_lookup]
    return found


def lookup_for(campaign: Campaign) -> Lookup | None:
    """ "postcode" (UK: find your MP), "zip" (US: find your legislators), or None when the
    campaign reaches only people no place leads to (custom targets, ministers).

    A campaign asks where the supporter lives when an action looks up their representatives,
    or when the people it names include a member of Congress or an MP (is the senator named
    yours?). A campaign that names nobody and has no call or letter (a petition alone) keeps
    the lookup as the page always offered it; one whose calls or letters go only to its own
    custom targets or ministers asks nothing."""
    answer: Lookup = "postcode" if campaign.country == Campaign.Country.GB else "zip"
    if actions_looking_up(campaign):
        return answer
    kinds = {link.target.kind for link in campaign.campaign_targets.select_related("target")}
    if Target.Kind.LEGISLATOR in kinds:
        return answer
    has_targeted_action = getattr(campaign, "call_action", None) is not None or (
        hasattr(campaign, "write_actions") and campaign.write_actions.exists()
    )
    return None if kinds or has_targeted_action else answer


@dataclass(frozen=True)
class PostcodePlace:
    """What a postcode (and a seat picked from a list) says about where a UK supporter is."""

    postcode: str
    lookup: uk.PostcodeLookup | None
    constituency: uk.ConstituencyRef | None = None
    # What the supporter must put right, in a sentence; "" when nothing is wrong.
    error: str = ""

    @property
    def needs_northern_ireland_seat(self) -> bool:
        """A Northern Ireland postcode with no seat picked yet: ask, never guess."""
        return (
            self.constituency is None
            and not self.error
            and self.lookup is not None
            and self.lookup.status == uk.PostcodeStatus.NORTHERN_IRELAND
        )

    @property
    def data_missing(self) -> bool:
        return self.lookup is not None and self.lookup.status == uk.PostcodeStatus.NO_DATA


def place_for_postcode(postcode: str, chosen: uk.ConstituencyRef | None = None) -> PostcodePlace:
    """The constituency of a normalised postcode, or the Northern Ireland seat picked for a BT
    postcode, or the seat given alone (no postcode). A seat that the postcode does not allow
    is an error, never silently replaced by another."""
    if not postcode:
        # A seat with no postcode: found from a location, carried sealed, or picked from a
        # list. As a district without a ZIP code, it stands on its own.
        return PostcodePlace("", None, chosen)
    lookup = uk.lookup_postcode(postcode)
    status = lookup.status
    if status == uk.PostcodeStatus.NORTHERN_IRELAND:
        if chosen is None or chosen.nation == "N":
            return PostcodePlace(lookup.postcode, lookup, chosen)
        return PostcodePlace(lookup.postcode, lookup, error=constituency_not_for_postcode_message())
    if status == uk.PostcodeStatus.FOUND:
        if chosen is not None and chosen != lookup.constituency:
            return PostcodePlace(
                lookup.postcode, lookup, error=constituency_not_for_postcode_message()
            )
        return PostcodePlace(lookup.postcode, lookup, lookup.constituency)
    if status == uk.PostcodeStatus.UNKNOWN:
        return PostcodePlace(lookup.postcode, lookup, error=postcode_not_found_message(postcode))
    # No data loaded (the page says so and how to load it), or not a postcode at all.
    return PostcodePlace(lookup.postcode, lookup)
