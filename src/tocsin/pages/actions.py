"""Which of a campaign's actions comes first, and what each card on the home page says."""

import re

from tocsin.campaigns import next_ask
from tocsin.campaigns.models import PrimaryAction

# Writing takes longer than signing, so with no choice made it comes after the petition;
# named here as well as in next_ask's order so that a campaign's letters are never left out.
DEFAULT_ORDER = tuple(
    dict.fromkeys(
        [
            PrimaryAction.CALL,
            PrimaryAction.SIGN,
            PrimaryAction.WRITE,
            *next_ask.DEFAULT_ORDER,
        ]
    )
)


def ordered_actions(available: set[str], chosen: str = "", order: list[str] = ()) -> list[str]:
    """The campaign's available actions, the organizer's chosen one first when it is there,
    then the rest in the organizer's order (`order`, as Campaign.chosen_action_order gives
    it), and those left out in the default order."""
    return next_ask.ordered_actions(available, primary=chosen, chosen=[*order, *DEFAULT_ORDER])


def available_actions(campaign) -> set[str]:
    """The actions a supporter can take on the campaign now: a live call, an open petition,
    an open write action, an upcoming event, an open fundraiser, and joining, always."""
    from tocsin.events.services import upcoming_events

    available = {PrimaryAction.JOIN}
    call_action = getattr(campaign, "call_action", None)
    if call_action is not None and call_action.is_active:
        available.add(PrimaryAction.CALL)
    petition = getattr(campaign, "petition", None)
    if petition is not None and petition.is_collecting:
        available.add(PrimaryAction.SIGN)
    if open_write_actions(campaign):
        available.add(PrimaryAction.WRITE)
    if upcoming_events(campaign):
        available.add(PrimaryAction.RSVP)
    if campaign.fundraisers.open().exists():
        available.add(PrimaryAction.GIVE)
    return {str(kind) for kind in available}


def open_write_actions(campaign) -> list:
    """The campaign's write actions taking letters, in the organizer's order. Read through
    the reverse relation the letters app declares, so the list is the prefetched one when
    the caller prefetched it."""
    return [action for action in campaign.write_actions.all() if action.is_open]


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence (all of it if there is one sentence).

    A sentence ends at ".", "!" or "?" followed by a space and a capital, after a lower-case
    letter or a digit: so "H.R. 1299" and "U.S. aid" are not cut.
    """
    text = " ".join(text.split())
    for end in re.finditer(r"(?<=[a-z0-9)\"'’])[.!?](?= [A-ZÁÉÍÓÚÑ¿¡\"“])", text):
        return text[: end.end()]
    return text
