from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tocsin.districts.states import STATES
from tocsin.targets.models import PARTY_NAMES


class ScoreboardFilterForm(forms.Form):
    """State and party filters for the whip count; the choices are what the scoreboard holds.

    A UK whip count (`uk=True`) has no state filter, and its parties are named as they are
    (Labour, Reform UK): the US datasets' spellings are never looked up for them."""

    state = forms.ChoiceField(label=_("State"), required=False)
    party = forms.ChoiceField(label=_("Party"), required=False)

    def __init__(self, *args, states=(), parties=(), uk=False, **kwargs):
        super().__init__(*args, **kwargs)
        if uk:
            del self.fields["state"]
        else:
            self.fields["state"].choices = [("", _("All states"))] + [
                (code, STATES[code].name if code in STATES else code) for code in sorted(states)
            ]
        self.fields["party"].choices = [("", _("All parties"))] + [
            (party, party if uk else PARTY_NAMES.get(party, party)) for party in sorted(parties)
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = gettext(
                "No target on this list matches that filter; showing everyone."
            )


class StanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "First line: target_id (Bioguide ID or Tocsin id) or name and state, stance, date, "
            "source_url; optional source_title, publisher, summary. One problem refuses the "
            "whole file."
        ),
    )
