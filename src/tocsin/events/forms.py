import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import PlainTextField
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.services import clean_source


class RsvpForm(JoinForm):
    """Name, email, ZIP or postcode, guests, and a consent box per organization.

    Consent is optional: coming to an event does not mean agreeing to further mail.
    """

    consent_required = False

    # Filled in by the browser's script when it can: the supporter's own time zone, so mails
    # can show times in it too. Without the script it stays empty.
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The page's ?source= code, carried through the POST; never trusted beyond clean_source.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, event, source: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if source:
            self.initial["source"] = clean_source(source)
        if event.max_guests:
            # Inserted after the postcode, before the consent boxes.
            fields = list(self.fields.items())
            fields.insert(3, ("guests", self.guests_field(event.max_guests)))
            self.fields = dict(fields)

    @staticmethod
    def guests_field(limit: int) -> forms.IntegerField:
        wrong = _("Enter how many guests you are bringing, from 0 to %(limit)d.") % {"limit": limit}
        return forms.IntegerField(
            label=_("Guests you are bringing (0 to %(limit)d)") % {"limit": limit},
            min_value=0,
            max_value=limit,
            initial=0,
            error_messages={
                "required": wrong,
                "invalid": wrong,
                "min_value": wrong,
                "max_value": wrong,
            },
            widget=forms.NumberInput(attrs={"class": "zip", "inputmode": "numeric"}),
        )

    def clean_guests(self) -> int:
        return self.cleaned_data.get("guests") or 0

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))

    def clean_tz(self) -> str:
        value = self.cleaned_data.get("tz", "")
        return value if value in zoneinfo.available_timezones() else ""


class MessageForm(forms.Form):
    subject = PlainTextField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. Each person gets their own copy, with a link to cancel."),
    )
