from django import forms
from django.utils.translation import gettext_lazy as _

from . import transport
from .models import EVENT_LABELS


class EndpointForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address on the internet; Tocsin posts each event to it."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("Which system receives these, for your colleagues."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=list(EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None or len(organizations) <= 1:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            _scheme, host, port = transport.check_url(url)
            # Checked again at every delivery: the name may point elsewhere by then.
            transport.resolve(host, port)
        except transport.Refused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return url
