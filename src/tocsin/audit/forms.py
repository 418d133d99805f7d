from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Entry

# What `event` says on entries written by tocsin.core.audit.record, in words.
EVENTS = {
    "export": _("Export downloaded"),
    "person_export": _("Person's data exported"),
    "person_erase": _("Person's data erased"),
    "alert_sent": _("Alert sent"),
    "signatures_released": _("Signatures released"),
    "signatures_invalidated": _("Signatures invalidated"),
    "signatures_restored": _("Signatures restored"),
    "second_factor_added": _("Second factor added"),
    "second_factor_removed": _("Second factor removed"),
    "second_factor_reset": _("Colleague's second factor reset"),
}

EDITS = {
    str(Entry.Action.CREATE): _("Created"),
    str(Entry.Action.UPDATE): _("Changed"),
    str(Entry.Action.DELETE): _("Deleted"),
}


def describe(entry) -> str:
    if entry.event:
        return str(EVENTS.get(entry.event, entry.event))
    return str(EDITS.get(str(entry.action), entry.get_action_display()))


class LogFilterForm(forms.Form):
    """The filters above the list: every one optional, and a bad value is reported, never
    acted on."""

    who = forms.ModelChoiceField(
        label=_("Who"), queryset=get_user_model().objects.none(), required=False
    )
    kind = forms.ModelChoiceField(
        label=_("What kind of thing"), queryset=ContentType.objects.none(), required=False
    )
    action = forms.ChoiceField(label=_("What happened"), required=False)
    since = forms.DateField(
        label=pgettext_lazy("first day of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, entries):
        super().__init__(data)
        # Only the people and kinds of thing the visible entries name: a filter list is no
        # way to learn another organization's organizers.
        self.fields["who"].queryset = get_user_model().objects.filter(
            pk__in=entries.exclude(actor=None).values("actor")
        )
        self.fields["who"].label_from_instance = lambda user: user.get_username()
        self.fields["kind"].queryset = ContentType.objects.filter(
            pk__in=entries.values("content_type")
        )
        self.fields["kind"].label_from_instance = lambda kind: str(
            kind.model_class()._meta.verbose_name if kind.model_class() else kind.model
        ).capitalize()
        self.fields["action"].choices = [
            ("", _("Anything")),
            *EDITS.items(),
            *EVENTS.items(),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def apply(self, entries):
        data = self.cleaned_data
        if data.get("who"):
            entries = entries.filter(actor=data["who"])
        if data.get("kind"):
            entries = entries.filter(content_type=data["kind"])
        action = data.get("action")
        if action in EDITS:
            entries = entries.filter(action=int(action), event="")
        elif action in EVENTS:
            entries = entries.filter(event=action)
        if data.get("since"):
            entries = entries.filter(timestamp__date__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(timestamp__date__lte=data["until"])
        return entries
