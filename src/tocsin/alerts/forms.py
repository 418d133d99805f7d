"""The organizer's forms for an alert: its texts and button, its audience, a preview, a test,
and the time to send it."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.models import Campaign
from tocsin.core.dates import zone_choices
from tocsin.core.forms import CountryField, StorableEmailField
from tocsin.supporters.models import Activity, Tag

from . import actions, audience
from .models import Alert

# Texts that end up in a mail header, where a line break would start a header of its own.
ONE_LINE_FIELDS = ("subject", "preheader", "from_name", "button_label", "targets_fallback")


def _is_one_line_field(name: str) -> bool:
    return any(name == field or name.startswith(f"{field}_") for field in ONE_LINE_FIELDS)


def action_value(alert: Alert) -> str:
    """The alert's action as the select's value ("call:12")."""
    if not alert.action_kind:
        return ""
    return f"{alert.action_kind}:{alert.action_id or ''}"


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


class AlertForm(forms.ModelForm):
    """The alert's texts (one field per language: the admin is a TranslationAdmin), its
    sender and the action its button opens."""

    action = forms.ChoiceField(
        label=_("The button opens"),
        help_text=_("The action the alert asks for; each link carries the alert's source code."),
    )

    class Meta:
        model = Alert
        fields = ["organization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "action" not in self.fields:
            return  # shown read only (the alert went out, or the user may only view it)
        choices = self._action_choices()
        current = action_value(self.instance) if self.instance.pk else ""
        if current:
            self.fields["action"].initial = current
            offered = {value for value, _label in _flat(choices)}
            linked = actions.resolve(self.instance)
            if current not in offered and linked is not None:
                # Chosen when it was open (an event since over, a closed campaign): kept, so
                # saving the alert again does not fail on it.
                choices.insert(1, (current, linked.title))
        self.fields["action"].choices = choices

    def _organizations(self):
        if self.instance.organization_id:
            return [self.instance.organization]
        field = self.fields.get("organization")
        return list(field.queryset) if field is not None else []

    def _action_choices(self):
        organizations = self._organizations()
        choices: list = [("", "---------")]
        if len(organizations) == 1:
            return choices + actions.choices(organizations[0])
        # Several groups (the installation's administrator): one group of options each; the
        # choice is checked against the organization picked when the form is sent.
        for organization in organizations:
            options = actions.choices(organization)
            if options:
                choices.append((organization.name, options))
        return choices

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if (
                _is_one_line_field(name)
                and isinstance(value, str)
                and ("\n" in value or "\r" in value)
            ):
                self.add_error(
                    name, gettext("Write this on one line: it goes into the mail's headers.")
                )
        organization = cleaned.get("organization") or (
            self.instance.organization if self.instance.organization_id else None
        )
        choice = cleaned.get("action")
        if organization is not None and choice:
            try:
                kind, action_id, campaign = actions.parse_choice(organization, choice)
            except ValidationError as error:
                self.add_error("action", error)
            else:
                self.instance.action_kind = kind
                self.instance.action_id = action_id
                self.instance.campaign = campaign
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"


ACTION_KINDS = [
    Activity.Kind.CALLED,
    Activity.Kind.SIGNED,
    Activity.Kind.RSVP,
    Activity.Kind.GAVE,
    Activity.Kind.WROTE,
    Activity.Kind.JOINED,
]


class AudienceForm(forms.Form):
    """The filters of `audience.clean`, as fields. Each field left empty does not narrow."""

    country = CountryField(
        label=_("Country"),
        required=False,
        help_text=_("A name or two-letter code, e.g. United Kingdom or US."),
    )
    state = forms.CharField(
        label=_("State"),
        max_length=20,
        required=False,
        help_text=_("Two letters, e.g. WI."),
        widget=forms.TextInput(attrs={"list": "audience-states", "size": 6}),
    )
    district = forms.CharField(
        label=_("District or constituency"),
        max_length=40,
        required=False,
        help_text=_("e.g. WI-02."),
        widget=forms.TextInput(attrs={"list": "audience-districts", "size": 10}),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    tag = forms.ModelChoiceField(
        label=_("Tag or list"), queryset=Tag.objects.none(), required=False
    )
    source = forms.CharField(
        label=_("Source of first contact"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "audience-sources", "size": 16}),
    )
    joined_after = forms.DateField(label=_("Joined on or after"), required=False, widget=DateInput)
    joined_before = forms.DateField(
        label=_("Joined on or before"), required=False, widget=DateInput
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
        self.fields["tag"].queryset = Tag.objects.filter(organization=organization)
        campaigns = Campaign.objects.filter(organization=organization).order_by("-pk")
        for number in range(1, audience.MAX_ACTION_CONDITIONS + 1):
            self.fields[f"action_{number}_taken"] = forms.ChoiceField(
                label=_("Condition %(n)s") % {"n": number},
                choices=[("yes", _("has")), ("no", _("has not"))],
                required=False,
            )
            self.fields[f"action_{number}_kind"] = forms.ChoiceField(
                label=_("action"),
                choices=[("", _("(no condition)"))]
                + [(kind.value, kind.label) for kind in ACTION_KINDS],
                required=False,
            )
            self.fields[f"action_{number}_campaign"] = forms.ModelChoiceField(
                label=_("in the campaign"),
                queryset=campaigns,
                required=False,
                empty_label=_("any campaign"),
            )

    @classmethod
    def from_alert(cls, alert: Alert) -> "AudienceForm":
        filters = alert.audience or {}
        initial = {name: filters.get(name, "") for name in audience.PLACE_FILTERS}
        initial["tag"] = filters.get("tag")
        initial["joined_after"] = filters.get("joined_after")
        initial["joined_before"] = filters.get("joined_before")
        for number, condition in enumerate(filters.get("actions") or [], start=1):
            initial[f"action_{number}_kind"] = condition["kind"]
            initial[f"action_{number}_taken"] = "yes" if condition.get("taken", True) else "no"
            initial[f"action_{number}_campaign"] = condition.get("campaign")
        return cls(organization=alert.organization, initial=initial)

    def action_rows(self):
        """The bound fields of each "has / has not taken" condition, for the template."""
        return [
            [self[f"action_{number}_{part}"] for part in ("taken", "kind", "campaign")]
            for number in range(1, audience.MAX_ACTION_CONDITIONS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data: dict = {name: cleaned.get(name) or "" for name in audience.PLACE_FILTERS}
        data["tag"] = cleaned["tag"].pk if cleaned.get("tag") else ""
        data["actions"] = [
            {
                "kind": cleaned[f"action_{number}_kind"],
                "taken": cleaned.get(f"action_{number}_taken") != "no",
                "campaign": cleaned[f"action_{number}_campaign"].pk
                if cleaned.get(f"action_{number}_campaign")
                else "",
            }
            for number in range(1, audience.MAX_ACTION_CONDITIONS + 1)
            if cleaned.get(f"action_{number}_kind")
        ]
        for name in ("joined_after", "joined_before"):
            data[name] = cleaned.get(name) or ""
        after, before = cleaned.get("joined_after"), cleaned.get("joined_before")
        if after and before and after > before:
            raise ValidationError(
                gettext("“Joined on or after” comes after “joined on or before”.")
            )
        try:
            self.filters = audience.clean(self.organization.pk, data)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


class PreviewForm(forms.Form):
    """Whom to preview the alert for: someone of the organization's, by address, or a made-up
    person (the default)."""

    email = StorableEmailField(
        label=_("As received by"),
        required=False,
        help_text=_("The email address of one of your group's people; empty for a sample person."),
    )


class TestForm(forms.Form):
    language = forms.ChoiceField(label=_("In"))

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [(code, names.get(code, code)) for code in languages]


class ScheduleForm(forms.Form):
    """A time to send, read in the zone chosen (the dashboard's by default) and kept in UTC."""

    when = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    zone = forms.ChoiceField(label=_("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = settings.TOCSIN_DASHBOARD_TIME_ZONE
        self.fields["zone"].choices = zone_choices(default)
        self.fields["zone"].initial = default

    def clean(self):
        cleaned = super().clean()
        when, zone = cleaned.get("when"), cleaned.get("zone")
        if when is None or not zone:
            return cleaned
        try:
            place = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(gettext("Choose a time zone from the list.")) from None
        # The browser sends the wall-clock time the organizer typed: read it in their zone.
        local = when.replace(tzinfo=None) if timezone.is_aware(when) else when
        moment = timezone.make_aware(local, place).astimezone(datetime.UTC)
        if moment <= timezone.now():
            raise ValidationError(gettext("Choose a time in the future, or send it now."))
        cleaned["moment"] = moment
        return cleaned
