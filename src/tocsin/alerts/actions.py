"""The actions an alert's button can open: an organization's call actions, petitions, events,
fundraisers and campaigns' join pages, each named "kind:id" in a select, resolved to its public
page and linked with the alert's source code (and, for one recipient, a prefill token)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign
from tocsin.core.translated import text_of
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser
from tocsin.petitions.models import PetitionAction

from .models import Alert

Kind = Alert.ActionKind


@dataclass(frozen=True)
class LinkedAction:
    kind: str  # an Alert.ActionKind value
    title: str  # the action's title (or the campaign's, for join), plain text
    path: str  # site-relative path of the action's public page
    campaign: Campaign | None


def _title(obj, campaign: Campaign | None) -> str:
    # In the reader's language where written, else the campaign's own.
    return text_of(obj, "title", campaign.language if campaign else None).value


def _call(action: CallAction) -> LinkedAction:
    campaign = action.campaign
    path = reverse("calls:start", kwargs={"slug": campaign.slug})
    return LinkedAction(Kind.CALL, _title(action, campaign), path, campaign)


def _petition(petition: PetitionAction) -> LinkedAction:
    campaign = petition.campaign
    path = reverse("petitions:sign", kwargs={"slug": campaign.slug})
    return LinkedAction(Kind.SIGN, _title(petition, campaign), path, campaign)


def _event(event: Event) -> LinkedAction:
    path = reverse("events:detail", kwargs={"slug": event.slug})
    return LinkedAction(Kind.RSVP, _title(event, event.campaign), path, event.campaign)


def _fundraiser(fundraiser: Fundraiser) -> LinkedAction:
    path = reverse("fundraising:detail", kwargs={"slug": fundraiser.slug})
    return LinkedAction(
        Kind.GIVE, _title(fundraiser, fundraiser.campaign), path, fundraiser.campaign
    )


def _join(campaign: Campaign) -> LinkedAction:
    path = reverse("campaigns:join", kwargs={"slug": campaign.slug})
    return LinkedAction(Kind.JOIN, _title(campaign, campaign), path, campaign)


def _rows(kind: str, organization_id: int):
    """The organization's actions of one kind, as (row, LinkedAction builder). "write" comes
    with the letters to targets (issue 19): no rows yet."""
    if kind == Kind.CALL:
        rows = CallAction.objects.filter(campaign__organization_id=organization_id)
        return rows.select_related("campaign"), _call
    if kind == Kind.SIGN:
        rows = PetitionAction.objects.filter(campaign__organization_id=organization_id)
        return rows.select_related("campaign"), _petition
    if kind == Kind.RSVP:
        rows = Event.objects.filter(organization_id=organization_id)
        return rows.select_related("campaign"), _event
    if kind == Kind.GIVE:
        rows = Fundraiser.objects.filter(organization_id=organization_id)
        return rows.select_related("campaign"), _fundraiser
    if kind == Kind.JOIN:
        return Campaign.objects.filter(organization_id=organization_id), _join
    return None, None


def _offered(kind: str, rows):
    """Narrow a kind's rows to those worth offering in the select: not of closed campaigns,
    not events that are over, not fundraisers past their deadline."""
    if kind == Kind.JOIN:
        return rows.exclude(status=Campaign.Status.CLOSED)
    rows = rows.exclude(campaign__status=Campaign.Status.CLOSED)
    if kind == Kind.RSVP:
        rows = rows.filter(sessions__ends_at__gt=timezone.now()).distinct()
    if kind == Kind.GIVE:
        rows = rows.filter(deadline__gte=timezone.localdate())
    return rows


def choices(organization) -> list[tuple[str, str]]:
    """Every action of the organization a button may open, for a select: ("call:12",
    "Call — Baldwin campaign: Call Senator Baldwin"), grouped by kind."""
    offered = []
    for kind, kind_label in Kind.choices:
        rows, build = _rows(kind, organization.pk)
        if rows is None:
            continue
        for row in _offered(kind, rows).order_by("-pk"):
            linked = build(row)
            if kind == Kind.JOIN or linked.campaign is None:
                label = f"{capfirst(kind_label)} — {linked.title}"
            else:
                campaign_title = _title(linked.campaign, linked.campaign)
                label = f"{capfirst(kind_label)} — {campaign_title}: {linked.title}"
            offered.append((f"{kind}:{row.pk}", label))
    return offered


def parse_choice(organization, value: str) -> tuple[str, int | None, Campaign | None]:
    """("call", 12, campaign) from "call:12", if that action is the organization's; else a
    ValidationError with a message for the organizer."""
    kind, _sep, number = str(value or "").partition(":")
    rows, build = _rows(kind, organization.pk)
    if rows is None:
        raise ValidationError(_("Choose the action the button opens from the list."))
    try:
        action_id = int(number)
    except ValueError:
        raise ValidationError(_("Choose the action the button opens from the list.")) from None
    row = rows.filter(pk=action_id).first()
    if row is None:
        raise ValidationError(_("Choose the action the button opens from the list."))
    return kind, action_id, build(row).campaign


def resolve(alert) -> LinkedAction | None:
    """The action the alert's button opens, or None when it is gone (deleted, or never
    chosen)."""
    if not alert.action_kind or alert.action_id is None:
        return None
    rows, build = _rows(alert.action_kind, alert.organization_id)
    if rows is None:
        return None
    row = rows.filter(pk=alert.action_id).first()
    return build(row) if row is not None else None


def link(path: str, source_code: str, supporter=None) -> str:
    """The absolute URL of `path` with the alert's source code and, for a recipient, the
    signed prefill token (their id only: nothing personal in the URL)."""
    query = {"source": source_code}
    if supporter is not None:
        # Imported here: supporters.prefill is written beside this module, and only the
        # sending of a recipient's mail needs it.
        from tocsin.supporters import prefill

        query[prefill.PARAMETER] = prefill.token_for(supporter)
    return settings.TOCSIN_BASE_URL + path + "?" + urlencode(query)


def fallback_path(alert) -> str:
    """Where the button goes when its action is gone: the campaign's page, else the home
    page (check_texts tells the organizer before sending)."""
    if alert.campaign_id and alert.campaign is not None:
        return alert.campaign.get_absolute_url()
    return reverse("pages:home")


def action_url(alert, recipient_supporter=None) -> str:
    """The button's absolute URL, with ?source=<alert.source_code> and, for a recipient,
    &p=<prefill token>."""
    linked = resolve(alert)
    path = linked.path if linked is not None else fallback_path(alert)
    return link(path, alert.source_code, recipient_supporter)
