"""Actions and new supporters by source code (`?source=`), per campaign: what each partner's
link, op-ed or share brought in.

Read from the people's side, not from the rollups: an action's source sits on its `Activity`
(one row per action a person took), a new supporter's on the `Consent` they gave through the
campaign. Only the campaign's own organization's rows are counted: its audience, not its
partners'. A consent counts as a new supporter once its address is confirmed (a consent
waiting for that is shown apart), as the rest of Tocsin counts it."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tocsin.campaigns.models import Campaign
from tocsin.supporters.models import Activity, Consent

# The timeline's kinds shown as columns, in the order of the campaign page's actions.
ACTIVITY_KINDS = [
    Activity.Kind.CALLED,
    Activity.Kind.SIGNED,
    Activity.Kind.RSVP,
    Activity.Kind.GAVE,
    Activity.Kind.WROTE,
    Activity.Kind.JOINED,
]


@dataclass
class SourceRow:
    source: str  # blank: no code (typed in, a bookmark, a link without ?source=)
    actions: dict[str, int] = field(default_factory=dict)
    supporters: int = 0
    waiting: int = 0

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())

    def counts(self) -> list[int]:
        return [self.actions.get(kind, 0) for kind in ACTIVITY_KINDS]


def by_source(campaign: Campaign) -> list[SourceRow]:
    """One row per source code seen on the campaign, the busiest first."""
    rows: dict[str, SourceRow] = defaultdict(lambda: SourceRow(""))
    activities = (
        Activity.objects.filter(
            organization_id=campaign.organization_id, campaign=campaign, kind__in=ACTIVITY_KINDS
        )
        .values("source", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in activities:
        rows[item["source"]].actions[item["kind"]] = item["n"]
    consents = (
        Consent.objects.filter(
            organization_id=campaign.organization_id, campaign=campaign, method="form"
        )
        .values("source")
        .annotate(
            confirmed=Count("supporter", distinct=True, filter=Q(confirmed_at__isnull=False)),
            waiting=Count(
                "supporter",
                distinct=True,
                filter=Q(confirmed_at__isnull=True, withdrawn_at__isnull=True),
            ),
        )
        .order_by()
    )
    for item in consents:
        rows[item["source"]].supporters += item["confirmed"]
        rows[item["source"]].waiting += item["waiting"]
    for source, row in rows.items():
        row.source = source
    return sorted(rows.values(), key=lambda r: (-(r.total_actions + r.supporters), r.source))


def header() -> list[str]:
    return [
        _("source"),
        *[str(Activity.Kind(kind).label) for kind in ACTIVITY_KINDS],
        _("new supporters (address confirmed)"),
        _("waiting for confirmation"),
    ]


def export(campaign: Campaign):
    """The CSV export: the same rows as the dashboard's table."""
    return header(), (
        [row.source or _("(none)"), *row.counts(), row.supporters, row.waiting]
        for row in by_source(campaign)
    )
