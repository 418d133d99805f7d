"""The people list's filters: place, consent, tag or list, source, an action taken or not
taken, and when they joined. Each choice list is drawn from the people the user may see."""

import datetime
import hashlib

from django.contrib import admin
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.scoping import organizations_where

from .models import Activity, Consent, Tag


def visible_organizations(request):
    # Where the user's role lets them see people (not where they only volunteer).
    return organizations_where(request.user, "supporters.view_supporter")


# How long a filter's choices (the states, countries and sources found among the people) are
# reused: working them out reads every person of the organization, and a new value showing up
# a minute late in the sidebar harms nobody.
CHOICES_CACHE_SECONDS = 60


def cached_choices(request, model_admin, field_name: str, **narrowed) -> list[tuple[str, str]]:
    """The distinct non-empty values of one of the people's fields among those the user may
    see (narrowed by `narrowed`), cached briefly per user's set of organizations."""
    if request.user.is_superuser:
        scope = "all"
    else:
        scope = ",".join(str(pk) for pk in model_admin.organization_ids(request))
    digest = hashlib.sha256(
        repr((scope, field_name, sorted(narrowed.items()))).encode()
    ).hexdigest()
    key = f"tocsin:people-choices:{digest}"
    values = cache.get(key)
    if values is None:
        values = list(
            model_admin.get_queryset(request)
            .filter(**narrowed)
            .exclude(**{field_name: ""})
            .order_by(field_name)
            .values_list(field_name, flat=True)
            .distinct()[:300]
        )
        cache.set(key, values, CHOICES_CACHE_SECONDS)
    return [(v, v) for v in values]


class DistinctValueFilter(admin.SimpleListFilter):
    """The distinct values of one of the people's own fields."""

    field_name = ""

    def lookups(self, request, model_admin):
        return cached_choices(request, model_admin, self.field_name)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class CountryFilter(DistinctValueFilter):
    title = _("country")
    parameter_name = field_name = "country"


class StateFilter(DistinctValueFilter):
    title = _("state")
    parameter_name = field_name = "state"


class DistrictFilter(DistinctValueFilter):
    title = _("district or constituency")
    parameter_name = field_name = "district"

    def lookups(self, request, model_admin):
        state = request.GET.get("state")
        if not state:
            return []  # choose a state first: a list of every district is no help
        return cached_choices(request, model_admin, "district", state=state[:20])


class SourceFilter(DistinctValueFilter):
    title = _("source of first contact")
    parameter_name = field_name = "source"


class OrganizationFilter(admin.SimpleListFilter):
    title = _("organization")
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        organizations = visible_organizations(request)
        if organizations.count() < 2:
            return []
        return [(str(o.pk), o.name) for o in organizations]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(organization_id=int(self.value()))
        return queryset


class ConsentStateFilter(admin.SimpleListFilter):
    title = _("consent")
    parameter_name = "consent"

    def lookups(self, request, model_admin):
        return [
            ("current", _("current")),
            ("pending", _("waiting for confirmation")),
            ("withdrawn", _("withdrawn")),
            ("none", _("never given")),
        ]

    def queryset(self, request, queryset):
        consents = Consent.objects.filter(supporter=OuterRef("pk"))
        if self.value() == "current":
            return queryset.filter(Exists(consents.current()))
        if self.value() == "pending":
            return queryset.filter(Exists(consents.pending()))
        if self.value() == "withdrawn":
            return queryset.filter(Exists(consents.filter(withdrawn_at__isnull=False))).exclude(
                Exists(consents.open())
            )
        if self.value() == "none":
            return queryset.exclude(Exists(consents))
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = _("tag or list")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Tag.objects.filter(organization__in=visible_organizations(request))
        return [(str(t.pk), f"{t.name} ({t.get_kind_display()})") for t in tags]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(taggings__tag_id=int(self.value()))
        return queryset


class FormFilter(admin.ListFilter):
    """A filter drawn as a small GET form (a choice of action and campaign, a date), which
    keeps the rest of the query string."""

    parameters: tuple[str, ...] = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            value = params.pop(name, None)
            if isinstance(value, list):
                value = value[-1]
            self.values[name] = (value or "").strip()
        self.others = [
            (k, v) for k, v in request.GET.items() if k not in self.parameters and k != "p"
        ]

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        return []


class ActionFilter(FormFilter):
    title = _("action taken or not taken")
    template = "admin/supporters/filters/action.html"
    parameters = ("action", "action_campaign", "action_taken")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.kinds = Activity.Kind.choices
        campaigns = Activity._meta.get_field("campaign").related_model.objects
        # The campaigns of the user's organizations (campaigns is a higher layer: its model is
        # reached through the foreign key, not imported).
        self.campaigns = list(
            campaigns.filter(organization__in=visible_organizations(request))
            .order_by("title")
            .values_list("pk", "title")
        )

    def queryset(self, request, queryset):
        kind = self.values["action"]
        if kind not in dict(self.kinds):
            return queryset
        # Led by the organization, as the index on (organization, kind, campaign, supporter)
        # is: the database finds who took the action from the index, not from each person's
        # timeline.
        done = Activity.objects.filter(
            organization=OuterRef("organization"), supporter=OuterRef("pk"), kind=kind
        )
        campaign = self.values["action_campaign"]
        if campaign.isdigit():
            done = done.filter(campaign_id=int(campaign))
        if self.values["action_taken"] == "no":
            return queryset.exclude(Exists(done))
        return queryset.filter(Exists(done))


class JoinedFilter(FormFilter):
    title = _("joined")
    template = "admin/supporters/filters/joined.html"
    parameters = ("joined_after", "joined_before")

    def queryset(self, request, queryset):
        after = parse_day(self.values["joined_after"])
        before = parse_day(self.values["joined_before"])
        if after:
            queryset = queryset.filter(created_at__date__gte=after)
        if before:
            queryset = queryset.filter(created_at__date__lte=before)
        return queryset


def parse_day(text: str) -> datetime.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None
