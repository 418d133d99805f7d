"""The organizer home's figures and the new-campaign flow's writes.

Figures come from the dashboard's rollups (dashboard.services.dashboard), never from a count
of their own. Every text the flow writes goes into the campaign's own language's column
(title_es for a Spanish campaign), as the admin does when it is read in that language.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from tocsin.alerts.models import Alert
from tocsin.calls.models import CallAction
from tocsin.campaigns.missing_texts import missing_texts
from tocsin.campaigns.models import Campaign, CampaignTarget, Demand, Partnership
from tocsin.dashboard import services as dashboard_services
from tocsin.dashboard.models import Kind
from tocsin.events.models import Event, Session
from tocsin.fundraising.models import Fundraiser
from tocsin.letters.models import BadAddress, Letter, WriteAction
from tocsin.petitions.models import PetitionAction, Signature
from tocsin.targets.models import Office, Target
from tocsin.whip.services import suggestions

WEEK_DAYS = 7


# ------------------------------------------------------------------------------ the home page


@dataclass
class Attention:
    label: str
    count: int
    url: str


@dataclass
class CampaignSummary:
    campaign: Campaign
    today: int
    this_week: int
    total: int
    goal: int | None
    signatures: int
    attention: list[Attention] = field(default_factory=list)

    @property
    def goal_percent(self) -> int | None:
        if not self.goal:
            return None
        return min(100, round(100 * self.signatures / self.goal))


def _admin_list(name: str, query: str) -> str:
    return reverse(f"admin:{name}_changelist") + query


def _attention(campaign: Campaign) -> list[Attention]:
    held = Signature.objects.filter(
        petition__campaign=campaign, held_at__isnull=False, invalidated_at__isnull=True
    ).count()
    to_confirm = sum(1 for s in suggestions(campaign) if s.suggested != s.current)
    failed = Letter.objects.filter(
        action__campaign=campaign, state__in=[Letter.State.FAILED, Letter.State.BOUNCED]
    ).count()
    bad_addresses = (
        BadAddress.objects.filter(
            Q(target__campaign_links__campaign=campaign)
            | Q(target__letters__action__campaign=campaign)
        )
        .distinct()
        .count()
    )
    scheduled = Alert.objects.filter(campaign=campaign, status=Alert.Status.SCHEDULED).count()
    items = [
        Attention(
            _("Signatures held for review"),
            held,
            _admin_list("petitions_signature", f"?petition__campaign__id__exact={campaign.pk}"),
        ),
        Attention(
            _("Callers' answers to confirm"),
            to_confirm,
            reverse("admin:campaigns_stanceevidence_suggestions", args=[campaign.pk]),
        ),
        Attention(
            _("Letters that failed or bounced"),
            failed,
            _admin_list("letters_letter", f"?action__campaign__id__exact={campaign.pk}"),
        ),
        Attention(
            _("Targets' addresses that bounce"),
            bad_addresses,
            _admin_list("letters_badaddress", ""),
        ),
        Attention(
            _("Alerts scheduled"),
            scheduled,
            _admin_list("alerts_alert", f"?campaign__id__exact={campaign.pk}"),
        ),
    ]
    return [item for item in items if item.count]


def summarize(campaign: Campaign, now: datetime.datetime | None = None) -> CampaignSummary:
    board = dashboard_services.dashboard(campaign, now=now)
    per_day = [sum(counts) for _day, counts in board.daily.rows()]
    petition = PetitionAction.objects.filter(campaign=campaign).first()
    return CampaignSummary(
        campaign=campaign,
        today=per_day[-1] if per_day else 0,
        this_week=sum(per_day[-WEEK_DAYS:]),
        total=board.actions,
        goal=petition.goal if petition else None,
        signatures=board.totals[Kind.SIGNATURE],
        attention=_attention(campaign),
    )


# ---------------------------------------------------------------------------- building a draft


def free_slug(title: str, taken, *, fallback: str, length: int = 90) -> str:
    """The title as a slug that no row of `taken` has yet: "baldwin", else "baldwin-2"…"""
    base = slugify(title)[:length] or fallback
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def split_demands(text: str) -> list[str]:
    """One demand a line; the numbers people type ("1.", "2)") are the position, not text."""
    demands = []
    for line in text.splitlines():
        line = line.strip().lstrip("0123456789").lstrip(".)-: ").strip()
        if line:
            demands.append(line)
    return demands


def save_basics(campaign: Campaign, data: dict, partners) -> Campaign:
    """Creates the draft (campaign without pk) or updates it; demands replaced in order."""
    with transaction.atomic(), translation.override(data["language"]):
        campaign.title = data["title"]
        campaign.summary = data["summary"]
        campaign.deadline = data["deadline"]
        campaign.language = data["language"]
        campaign.country = data["country"]
        if campaign.pk is None:
            campaign.slug = free_slug(data["title"], Campaign.objects, fallback="campaign")
            campaign.status = Campaign.Status.DRAFT
        campaign.save()
        texts = split_demands(data["demands"])
        kept = list(campaign.demands.order_by("position", "pk"))
        for position, text in enumerate(texts, 1):
            if position <= len(kept):
                demand = kept[position - 1]
                demand.text, demand.position = text, position
                demand.save()
            else:
                Demand.objects.create(campaign=campaign, position=position, text=text)
        for extra in kept[len(texts) :]:
            extra.delete()
        campaign.partnerships.exclude(organization__in=partners).filter(
            status=Partnership.Status.PENDING
        ).delete()
        for partner in partners:
            Partnership.objects.get_or_create(
                campaign=campaign, organization=partner, defaults={"invited_by": data.get("by")}
            )
    return campaign


def add_targets(campaign: Campaign, targets) -> int:
    added = 0
    with transaction.atomic():
        position = campaign.campaign_targets.count()
        for target in targets:
            _link, created = CampaignTarget.objects.get_or_create(
                campaign=campaign, target=target, defaults={"position": position + 1}
            )
            if created:
                position += 1
                added += 1
    return added


def add_custom_target(campaign: Campaign, data: dict) -> Target:
    """A custom target of the campaign's organization (a State Department desk) with one
    office to call, linked to the campaign."""
    with transaction.atomic():
        target = Target.objects.create(
            kind=Target.Kind.CUSTOM,
            organization=campaign.organization,
            name=data["name"],
            title=data["title"],
            email=data["email"],
            state=data.get("state", ""),
        )
        if data["phone"] or data["city"]:
            Office.objects.create(
                target=target,
                kind=Office.Kind.MAIN,
                city=data["city"],
                country=campaign.country,
                phone=data["phone"],
            )
        add_targets(campaign, [target])
    return target


def remove_target(campaign: Campaign, target_id: int) -> None:
    campaign.campaign_targets.filter(target_id=target_id).delete()


def _in_campaign_language(campaign: Campaign):
    return translation.override(campaign.language)


def save_call(campaign: Campaign, data: dict) -> CallAction:
    with transaction.atomic(), _in_campaign_language(campaign):
        action = CallAction.objects.filter(campaign=campaign).first() or CallAction(
            campaign=campaign
        )
        for name in ("title", "intro", "script", "target_mode", "chambers", "share_text"):
            setattr(action, name, data[name])
        action.save()
    return action


def save_petition(campaign: Campaign, data: dict) -> PetitionAction:
    with transaction.atomic(), _in_campaign_language(campaign):
        petition = PetitionAction.objects.filter(campaign=campaign).first() or PetitionAction(
            campaign=campaign
        )
        petition.title, petition.text, petition.goal = data["title"], data["text"], data["goal"]
        petition.save()
    return petition


def save_write(campaign: Campaign, data: dict) -> WriteAction:
    with transaction.atomic(), _in_campaign_language(campaign):
        return WriteAction.objects.create(
            campaign=campaign,
            slug=free_slug(data["title"], campaign.write_actions, fallback="write", length=50),
            position=campaign.write_actions.count() + 1,
            title=data["title"],
            subject=data["subject"],
            letter=data["letter"],
            target_mode=data["target_mode"],
        )


def save_event(campaign: Campaign, data: dict, *, by) -> Event:
    with transaction.atomic(), _in_campaign_language(campaign):
        event = Event.objects.create(
            organization=campaign.organization,
            campaign=campaign,
            title=data["title"],
            slug=free_slug(data["title"], Event.objects, fallback="event"),
            description=data["description"],
            time_zone=data["time_zone"],
            organizer_name=by.get_full_name() or by.get_username(),
            organizer_email=data["organizer_email"],
        )
        Session.objects.create(
            event=event,
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue_name=data["venue_name"],
            venue_address=data["venue_address"],
            capacity=data["capacity"],
        )
    return event


def save_fundraiser(campaign: Campaign, data: dict) -> Fundraiser:
    """The campaign's fundraiser, created or changed; it takes gifts once the campaign is live."""
    with transaction.atomic(), _in_campaign_language(campaign):
        fundraiser = Fundraiser.objects.filter(campaign=campaign).first() or Fundraiser(
            organization=campaign.organization,
            campaign=campaign,
            slug=free_slug(data["title"], Fundraiser.objects, fallback="give"),
        )
        for name in ("title", "currency", "goal", "deadline", "suggested_amounts", "story"):
            setattr(fundraiser, name, data[name])
        fundraiser.save()
    return fundraiser


def save_main_action(campaign: Campaign, primary_action: str) -> None:
    campaign.primary_action = primary_action
    campaign.save(update_fields=["primary_action"])


# ------------------------------------------------------------------- the checklist and publish


@dataclass
class Problem:
    text: str
    url: str = ""


def organization_uses_spanish(campaign: Campaign) -> bool:
    others = Campaign.objects.filter(organization=campaign.organization).exclude(pk=campaign.pk)
    return (
        campaign.language == "es"
        or others.filter(Q(language="es") | (Q(title_es__isnull=False) & ~Q(title_es=""))).exists()
    )


def checklist(campaign: Campaign, today: datetime.date | None = None) -> list[Problem]:
    """What stops the draft going live; empty when it may be published."""
    today = today or timezone.localdate()
    problems = []
    call = CallAction.objects.filter(campaign=campaign).first()
    petition = PetitionAction.objects.filter(campaign=campaign).first()
    writes = list(campaign.write_actions.all())
    events = list(Event.objects.filter(campaign=campaign))
    fundraiser = Fundraiser.objects.filter(campaign=campaign).first()
    has_targets = campaign.campaign_targets.exists()
    if not (call or petition or writes or events or fundraiser):
        problems.append(Problem(_("Add at least one action.")))
    if call is not None:
        if not call.script.strip():
            problems.append(Problem(_("The call has no script.")))
        if call.target_mode == CallAction.TargetMode.FIXED and not has_targets:
            problems.append(Problem(_("The call has no one to call: add targets.")))
    for write in writes:
        if write.target_mode == WriteAction.TargetMode.FIXED and not has_targets:
            problems.append(
                Problem(_("“%(title)s” has no one to write to: add targets.") % {"title": write})
            )
    if campaign.deadline is not None and campaign.deadline < today:
        problems.append(Problem(_("The deadline is in the past.")))
    if fundraiser is not None and fundraiser.deadline < today:
        problems.append(Problem(_("The fundraiser's last day is in the past.")))
    chosen = {
        "call": call,
        "sign": petition,
        "write": writes,
        "rsvp": events,
        "give": fundraiser,
        "join": True,
    }
    if campaign.primary_action and not chosen.get(campaign.primary_action):
        problems.append(
            Problem(
                _("The action chosen for the top of the page (%(action)s) is not added yet.")
                % {"action": campaign.get_primary_action_display()}
            )
        )
    if not campaign.demands.exists():
        problems.append(Problem(_("Write at least one demand.")))
    if organization_uses_spanish(campaign):
        spanish = get_language_info("es")["name_translated"]
        for row in missing_texts(campaign):
            if spanish in row.languages:
                problems.append(
                    Problem(
                        _("No Spanish text: %(where)s (%(texts)s).")
                        % {"where": row.where, "texts": row.text},
                        row.edit_url,
                    )
                )
    return problems


class NotReady(Exception):
    pass


def publish(campaign: Campaign) -> None:
    """Makes the draft live; refused while the checklist finds anything. A second press
    changes nothing (the draft is already live)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != Campaign.Status.DRAFT:
            return
        if checklist(locked):
            raise NotReady
        locked.status = Campaign.Status.LIVE
        locked.save()
        Event.objects.filter(campaign=locked).update(is_published=True)
