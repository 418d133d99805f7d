from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import (
    POSTCODE_PATTERN,
    URL_PATTERN,
    PlainTextField,
    StorableEmailField,
    clean_text,
)

from .limits import HourlyLimit
from .services import ConsentChoice, consent_wording

TRAP_MESSAGE = _(
    "We could not accept this form: a field meant to stay empty was filled in. "
    "Please reload the page and try again."
)
TOO_MANY_MESSAGE = _(
    "Too many forms have been sent from your connection in the last hour. Please try again later."
)


class JoinForm(forms.Form):
    name = PlainTextField(
        label=_("Your name"),
        max_length=200,
        error_messages={
            "required": _("Please tell us your name."),
            "max_length": _("That name is too long: %(limit_value)d characters at most."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = StorableEmailField(
        label=_("Email"),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("That does not look like an email address, e.g. name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = PlainTextField(
        label=_("ZIP or postcode"),
        max_length=12,
        error_messages={
            "required": _("Please enter your ZIP code or postcode."),
            "max_length": _("That ZIP or postcode is too long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "zip"}),
    )
    # A field people never see (supporters/includes/field.html hides it): bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    # Joining needs a consent to at least one group; answering for an event does not.
    consent_required = True

    def __init__(self, *args, organizations, limit: HourlyLimit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        self.limit = limit
        for organization in organizations:
            self.fields[self.consent_field_name(organization)] = forms.BooleanField(
                label=consent_wording(organization), required=False
            )

    @staticmethod
    def consent_field_name(organization) -> str:
        return f"consent_{organization.pk}"

    @property
    def consent_fields(self):
        return [self[self.consent_field_name(o)] for o in self.organizations]

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please tell us your name."))
        if URL_PATTERN.search(name) or "<" in name or ">" in name:
            raise forms.ValidationError(_("Please enter your name, not a web address or code."))
        return name

    def clean_postcode(self) -> str:
        postcode = clean_text(self.cleaned_data["postcode"]).upper()
        if not POSTCODE_PATTERN.match(postcode):
            raise forms.ValidationError(
                _("Enter a ZIP code like 53703 or a postcode like SW1A 1AA.")
            )
        return postcode

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.consent_required and not any(
            cleaned.get(self.consent_field_name(o)) for o in self.organizations
        ):
            raise forms.ValidationError(_("Tick at least one group you would like to hear from."))
        if cleaned.get("website"):
            raise forms.ValidationError(TRAP_MESSAGE, code="trap")
        # Last, and only for a form that would be stored: mistakes do not use up the hour.
        if self.limit is not None and not self.errors and not self.limit.allows_one_more():
            raise forms.ValidationError(TOO_MANY_MESSAGE, code="too_many")
        return cleaned

    def chosen_consents(self) -> list[ConsentChoice]:
        return [
            ConsentChoice(
                organization=o, wording=str(self.fields[self.consent_field_name(o)].label)
            )
            for o in self.organizations
            if self.cleaned_data.get(self.consent_field_name(o))
        ]
