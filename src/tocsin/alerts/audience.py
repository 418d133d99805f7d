"""Who an alert goes to: the organization's people with a current consent to it, whose mail
is not refused, narrowed by the alert's filters. One function builds the query, for the count
the organizer sees before sending, the count at send time and the recipients materialised."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tocsin.supporters.models import Activity, Consent, Supporter, Tag

# The filters an alert's `audience` may hold, each a string (or, for "actions", a list of
# {"kind", "campaign", "taken"}); an absent or empty filter does not narrow.
PLACE_FILTERS = ("country", "state", "district", "language", "source")
MAX_ACTION_CONDITIONS = 3


def people(organization_id: int, filters: dict) -> QuerySet:
    """The people the filters pick. `filters` is trusted to have been through `clean`."""
    current_consent = Consent.objects.current().filter(
        supporter=OuterRef("pk"), organization_id=organization_id
    )
    queryset = Supporter.objects.filter(
        organization_id=organization_id,
        email__isnull=False,
        erased_at__isnull=True,
        mail_refused_at__isnull=True,
    ).filter(Exists(current_consent))
    for name in PLACE_FILTERS:
        value = filters.get(name)
        if value:
            queryset = queryset.filter(**{name: value})
    if filters.get("tag"):
        queryset = queryset.filter(
            Exists(
                Supporter.tags.through.objects.filter(
                    supporter=OuterRef("pk"), tag_id=filters["tag"]
                )
            )
        )
    for condition in filters.get("actions") or []:
        done = Activity.objects.filter(
            organization_id=organization_id, supporter=OuterRef("pk"), kind=condition["kind"]
        )
        if condition.get("campaign"):
            done = done.filter(campaign_id=condition["campaign"])
        queryset = (
            queryset.filter(Exists(done))
            if condition.get("taken", True)
            else (queryset.exclude(Exists(done)))
        )
    if filters.get("joined_after"):
        queryset = queryset.filter(created_at__date__gte=filters["joined_after"])
    if filters.get("joined_before"):
        queryset = queryset.filter(created_at__date__lte=filters["joined_before"])
    return queryset


def count(alert) -> int:
    return people(alert.organization_id, alert.audience).count()


def clean(organization_id: int, data: dict) -> dict:
    """The filters as stored: only known names, values of the right type, a tag and
    campaigns of this organization. Raises ValidationError with a message for the organizer."""
    if not isinstance(data, dict):
        raise ValidationError(_("The audience could not be read."))
    cleaned: dict = {}
    for name in PLACE_FILTERS:
        value = data.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value) > 64:
            raise ValidationError(_("One of the audience's filters could not be read."))
        cleaned[name] = value.strip().upper() if name in ("country", "state") else value.strip()
    tag = data.get("tag")
    if tag not in (None, ""):
        try:
            tag = int(tag)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose a tag or list from the list.")) from None
        if not Tag.objects.filter(pk=tag, organization_id=organization_id).exists():
            raise ValidationError(_("Choose a tag or list from the list."))
        cleaned["tag"] = tag
    actions = data.get("actions") or []
    if not isinstance(actions, list) or len(actions) > MAX_ACTION_CONDITIONS:
        raise ValidationError(
            _("At most %(n)s conditions on actions.") % {"n": MAX_ACTION_CONDITIONS}
        )
    kinds = dict(Activity.Kind.choices)
    cleaned_actions = []
    for condition in actions:
        if not isinstance(condition, dict) or condition.get("kind") not in kinds:
            raise ValidationError(_("Choose an action from the list."))
        item = {"kind": condition["kind"], "taken": bool(condition.get("taken", True))}
        campaign = condition.get("campaign")
        if campaign not in (None, ""):
            try:
                campaign = int(campaign)
            except (TypeError, ValueError):
                raise ValidationError(_("Choose a campaign from the list.")) from None
            campaigns = Activity._meta.get_field("campaign").related_model.objects
            if not campaigns.filter(pk=campaign, organization_id=organization_id).exists():
                raise ValidationError(_("Choose a campaign from the list."))
            item["campaign"] = campaign
        cleaned_actions.append(item)
    if cleaned_actions:
        cleaned["actions"] = cleaned_actions
    for name in ("joined_after", "joined_before"):
        value = data.get(name)
        if value in (None, ""):
            continue
        day = _day(value)
        if day is None:
            raise ValidationError(_("Write the date as YYYY-MM-DD."))
        cleaned[name] = day.isoformat()
    return cleaned


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        return None
