"""CSV exports, streamed row by row: a million rows never sit in memory at once.

Names and addresses appear only for people who agreed to hear from the campaign's
organization: the consent recorded with their signature or RSVP, not withdrawn since; for a
gift, a current consent of the donor's address. Everyone else is a row without them.
New columns go last, so that a spreadsheet built on an export keeps working.
"""

import datetime

from django.db import models
from django.utils.translation import gettext as _

from tocsin.calls.models import CallReport
from tocsin.campaigns.models import Campaign
from tocsin.events.models import Rsvp
from tocsin.fundraising.models import Gift
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Consent

from . import services, sources
from .models import ACTION_KINDS, Kind

CHUNK = 2000


def _local(moment: datetime.datetime | None, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _kind_names() -> list[str]:
    return [str(Kind(kind).label) for kind in ACTION_KINDS]


def _withdrawn(organization_id: int, email_field: str):
    """The person withdrew consent from the organization and gave none again since."""
    consents = Consent.objects.filter(
        organization_id=organization_id, supporter__email=models.OuterRef(email_field)
    )
    return models.Exists(consents.filter(withdrawn_at__isnull=False)) & ~models.Exists(
        consents.filter(withdrawn_at__isnull=True)
    )


def _consenting(organization_id: int, email_field: str):
    """The person's consent to the organization is confirmed and not withdrawn: an answer
    ticked on a form counts only once its address is confirmed."""
    return models.Exists(
        Consent.objects.current().filter(
            organization_id=organization_id, supporter__email=models.OuterRef(email_field)
        )
    )


def _consented(record: list, organization_id: int) -> bool:
    return any(
        isinstance(item, dict) and item.get("organization") == organization_id
        for item in record or []
    )


def _consent_cells(consented: bool, personal: list) -> list:
    """The "consented" column, then the personal columns, blank without consent."""
    return [_("yes") if consented else _("no"), *(personal if consented else [""] * len(personal))]


# ---------------------------------------------------------------------------- from rollups


def hours(campaign: Campaign):
    board = services.dashboard(campaign)
    tz = board.zone
    return [_("hour (%(zone)s)") % {"zone": tz.key}, *_kind_names()], (
        [label.strftime("%Y-%m-%d %H:00"), *counts] for label, counts in _all_hours(campaign, tz)
    )


def _all_hours(campaign: Campaign, tz):
    from .models import HourlyRollup

    per_hour: dict = {}
    for kind, hour, count in (
        HourlyRollup.objects.for_campaign(campaign)
        .exclude(kind=Kind.VIEW)
        .values_list("kind", "hour", "count")
        .order_by("hour")
    ):
        per_hour.setdefault(hour, dict.fromkeys(ACTION_KINDS, 0))[kind] += count
    for hour in sorted(per_hour):
        yield hour.astimezone(tz), [per_hour[hour][kind] for kind in ACTION_KINDS]


def days(campaign: Campaign):
    board = services.dashboard(campaign)
    return [_("day"), *_kind_names()], (
        [day.isoformat(), *counts] for day, counts in board.daily.rows()
    )


def targets(campaign: Campaign):
    from tocsin.calls.models import Outcome

    board = services.dashboard(campaign)
    header = [
        _("target"),
        _("office"),
        *[str(label) for label in Outcome.labels],
        _("busy or full (%)"),
    ]

    def rows():
        for line in board.targets:
            for office in line.offices:
                yield [
                    str(line.target),
                    str(office.office),
                    *[office.outcomes.get(value, 0) for value in Outcome.values],
                    "" if office.dead_percent is None else office.dead_percent,
                ]

    return header, rows()


def places(campaign: Campaign):
    districts, states, unknown = services.places(campaign)
    constituencies = services.constituencies(campaign)
    header = [
        _("level"),
        _("place"),
        _("name"),
        _("calls"),
        _("signatures"),
        _("MP"),
        _("letters"),
    ]

    def rows():
        levels = (
            (_("district"), districts),
            (_("state"), states),
            (_("constituency"), constituencies),
        )
        for level, items in levels:
            for row in items:
                yield [level, row.place, row.name, row.calls, row.signatures, row.mp, row.letters]
        yield [
            _("unknown"),
            "",
            "",
            unknown.get(Kind.CALL, 0),
            unknown.get(Kind.SIGNATURE, 0),
            "",
            unknown.get(Kind.LETTER, 0),
        ]

    return header, rows()


def letter_targets(campaign: Campaign):
    return [_("target"), _("letters")], (
        [str(line.target), line.letters] for line in services.letter_targets(campaign)
    )


# ---------------------------------------------------------------------------- raw rows


def signatures(campaign: Campaign):
    tz, org = services.zone(), campaign.organization_id
    header = [
        _("confirmed"),
        _("district"),
        _("country"),
        _("consented"),
        _("name"),
        _("email"),
        _("ZIP or postcode"),
        _("comment"),
    ]
    rows = (
        Signature.objects.counted()
        .filter(petition__campaign=campaign)
        .annotate(withdrawn=_withdrawn(org, "email"))
        .order_by("pk")
        .values_list(
            "confirmed_at",
            "district",
            "country",
            "consents",
            "withdrawn",
            "name",
            "email",
            "postcode",
            "comment",
        )
    )

    def lines():
        for confirmed, district, country, consents, withdrawn, *personal in rows.iterator(
            chunk_size=CHUNK
        ):
            ok = _consented(consents, org) and not withdrawn
            yield [_local(confirmed, tz), district, country, *_consent_cells(ok, personal)]

    return header, lines()


def rsvps(campaign: Campaign):
    tz, org = services.zone(), campaign.organization_id
    header = [
        _("answered"),
        _("event"),
        _("session"),
        _("status"),
        _("people"),
        _("consented"),
        _("name"),
        _("email"),
        _("ZIP or postcode"),
    ]
    rows = (
        Rsvp.objects.filter(session__event__campaign=campaign)
        .annotate(consenting=_consenting(org, "email"))
        .order_by("pk")
        .values_list(
            "created_at",
            "session__event__title",
            "session__title",
            "status",
            "guests",
            "consenting",
            "name",
            "email",
            "postcode",
        )
    )
    statuses = dict(Rsvp.Status.choices)

    def lines():
        for (
            answered,
            event,
            session,
            status,
            guests,
            ok,
            *personal,
        ) in rows.iterator(chunk_size=CHUNK):
            yield [
                _local(answered, tz),
                event,
                session,
                statuses.get(status, status),
                guests + 1,
                *_consent_cells(ok, personal),
            ]

    return header, lines()


def gifts(campaign: Campaign):
    tz, org = services.zone(), campaign.organization_id
    header = [
        _("recorded"),
        _("fundraiser"),
        _("how it was given"),
        _("currency"),
        _("amount (minor units)"),
        _("refunded (minor units)"),
        _("monthly"),
        _("consented"),
        _("donor's name"),
        _("donor's email"),
    ]
    current = Consent.objects.current().filter(
        organization_id=org, supporter__email=models.OuterRef("donor_email")
    )
    rows = (
        Gift.objects.filter(fundraiser__campaign=campaign)
        .annotate(ok=models.Exists(current))
        .order_by("pk")
        .values_list(
            "created_at",
            "fundraiser__title",
            "source",
            "currency",
            "amount",
            "refunded_amount",
            "monthly",
            "ok",
            "donor_name",
            "donor_email",
        )
    )
    sources = dict(Gift.Source.choices)

    def lines():
        for (
            recorded,
            fundraiser,
            source,
            cur,
            amount,
            refunded,
            monthly,
            ok,
            *personal,
        ) in rows.iterator(chunk_size=CHUNK):
            yield [
                _local(recorded, tz),
                fundraiser,
                sources.get(source, source),
                cur,
                amount,
                refunded,
                _("yes") if monthly else "",
                *_consent_cells(ok, personal),
            ]

    return header, lines()


def calls(campaign: Campaign):
    tz = services.zone()
    header = [_("reported"), _("target"), _("office"), _("outcome"), _("place")]
    rows = (
        CallReport.objects.filter(action__campaign=campaign)
        .order_by("pk")
        .values_list(
            "created_at", "target__name", "office__kind", "office__city", "outcome", "place"
        )
    )
    from tocsin.calls.models import Outcome
    from tocsin.targets.models import Office

    outcomes, kinds = dict(Outcome.choices), dict(Office.Kind.choices)

    def lines():
        for reported, target, office_kind, city, outcome, place in rows.iterator(chunk_size=CHUNK):
            office = f"{kinds.get(office_kind, office_kind)} {city}".strip()
            yield [_local(reported, tz), target, office, outcomes.get(outcome, outcome), place]

    return header, lines()


# What an export of people's rows needs beyond the dashboard's own permission: the same
# permission that lists those rows in the back office.
PERMISSIONS = {
    "signatures": ["petitions.view_signature"],
    "rsvps": ["events.view_rsvp"],
    "gifts": ["fundraising.view_gift"],
    "calls": ["calls.view_callreport"],
}

EXPORTS = {
    "hours": hours,
    "days": days,
    "targets": targets,
    "places": places,
    "signatures": signatures,
    "rsvps": rsvps,
    "gifts": gifts,
    "calls": calls,
    "letter-targets": letter_targets,
    "sources": sources.export,
}
