"""What an alert did: how its mail went (the recipients' states and the providers' events)
and what it brought in (the actions that came back with its source code, by kind and place).

Delivery is counted one way, `AlertRecipient.objects.filter(alert=…).counts()`. Actions are
the organization's `supporters.Activity` rows whose source is the alert's code: every link of
the alert carries it, so an action taken from the mail (or from a forward of it) has it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from tocsin.supporters.models import Activity

from .models import Alert, AlertRecipient

# The delivery figures shown, in this order.
DELIVERY = ["sent", "failed", "bounced", "complained", "unsubscribed", "unknown"]


def delivery_labels() -> dict[str, str]:
    return {
        "sent": _("sent"),
        "failed": _("failed"),
        "bounced": _("bounced"),
        "complained": _("marked as spam"),
        "unsubscribed": _("unsubscribed"),
        "unknown": _("unknown (a worker stopped while sending)"),
    }


@dataclass(frozen=True)
class PlaceRow:
    country: str
    state: str
    district: str
    actions: int
    people: int


@dataclass
class Results:
    counts: dict[str, int]
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # kind, label, actions
    by_place: list[PlaceRow] = field(default_factory=list)
    people_acted: int = 0

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def actions(self) -> int:
        return sum(n for _kind, _label, n in self.by_kind)

    @property
    def conversion(self) -> float | None:
        """The share of people sent the alert who acted from it, at most 1 (forwards can
        bring in more people than were sent it); None before anything was sent."""
        return conversion(self.people_acted, self.sent)

    def delivery(self) -> list[tuple[str, str, int]]:
        labels = delivery_labels()
        return [(name, labels[name], self.counts.get(name, 0)) for name in DELIVERY]


def conversion(people_acted: int, sent: int) -> float | None:
    if not sent:
        return None
    return min(1.0, people_acted / sent)


def brought_in(alert: Alert):
    """The actions that came back with the alert's source code, in its organization."""
    return Activity.objects.filter(organization_id=alert.organization_id, source=alert.source_code)


def people_acted(alert: Alert) -> int:
    return brought_in(alert).aggregate(n=Count("supporter", distinct=True))["n"]


def delivery_counts(alert: Alert) -> dict[str, int]:
    return AlertRecipient.objects.filter(alert=alert).counts()


def results(alert: Alert) -> Results:
    actions = brought_in(alert)
    kinds = dict(Activity.Kind.choices)
    by_kind = [
        (item["kind"], str(kinds.get(item["kind"], item["kind"])), item["n"])
        for item in actions.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    ]
    by_place = [
        PlaceRow(
            item["supporter__country"],
            item["supporter__state"],
            item["supporter__district"],
            item["actions"],
            item["people"],
        )
        for item in actions.values("supporter__country", "supporter__state", "supporter__district")
        .annotate(actions=Count("pk"), people=Count("supporter", distinct=True))
        .order_by("-actions", "supporter__country", "supporter__state", "supporter__district")
    ]
    return Results(
        counts=delivery_counts(alert),
        by_kind=by_kind,
        by_place=by_place,
        people_acted=people_acted(alert),
    )


def unknown_recipients(alert: Alert):
    """The recipients whose worker stopped while sending to them: they may or may not have
    had the mail, and are never sent it again."""
    return (
        AlertRecipient.objects.filter(alert=alert, state=AlertRecipient.State.UNKNOWN)
        .select_related("supporter")
        .order_by("claimed_at", "pk")
    )


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def export(alert: Alert, *, with_names: bool = False):
    """The results page as CSV rows (for core.spreadsheets.csv_lines): the delivery figures,
    the actions by kind, by place, the conversion, then each recipient whose mail is unknown
    (by recipient number, and name only for those who may see people)."""
    figures = results(alert)
    header = [
        _("section"),
        _("what"),
        _("country"),
        _("state"),
        _("district or constituency"),
        _("number"),
        _("people"),
    ]

    def rows():
        for _name, label, number in figures.delivery():
            yield [_("delivery"), label, "", "", "", number, ""]
        for _kind, label, number in figures.by_kind:
            yield [_("actions by kind"), label, "", "", "", number, ""]
        for place in figures.by_place:
            yield [
                _("actions by place"),
                _("actions"),
                place.country,
                place.state,
                place.district,
                place.actions,
                place.people,
            ]
        yield [_("conversion"), _("people who acted"), "", "", "", figures.people_acted, ""]
        share = percent(figures.conversion)
        yield [_("conversion"), _("share of those sent it"), "", "", "", share, ""]
        for recipient in unknown_recipients(alert).iterator(chunk_size=500):
            who = f"#{recipient.pk}"
            if with_names and recipient.supporter is not None:
                who = f"{recipient.supporter} (#{recipient.pk})"
            if recipient.claimed_at:
                who += " · " + _("claimed at %(when)s UTC") % {
                    "when": recipient.claimed_at.astimezone(datetime.UTC).strftime(
                        "%Y-%m-%d %H:%M:%S"
                    )
                }
            yield [_("unknown"), who, "", "", "", 1, ""]

    return header, rows()
