from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.core.emails import normalize_email
from tocsin.core.forms import EMAIL_TOO_LONG, validate_storable_email
from tocsin.supporters.services import ConsentChoice, clean_source, consent_wording

from .models import Fundraiser, Gift
from .money import MAX_MINOR, format_money, major_text, parse_amount


def amount_format_error():
    return _("Write the amount in numbers only, for example 25 or 25.50.")


class GiveForm(forms.Form):
    """Pick a suggested amount or write another; monthly if the fundraiser offers it; and,
    optionally, a box per organization asking to hear from it, as every action form has. The
    donor's name and address are asked by Stripe's page, not here."""

    amount = forms.ChoiceField(
        label=_("Choose an amount"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Pick one of the amounts shown, or write another amount.")
        },
    )
    other_amount = forms.CharField(
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    monthly = forms.BooleanField(label=_("Give this every month"), required=False)
    # The page's ?source= code, carried through the POST; never trusted beyond clean_source.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, fundraiser: Fundraiser, organizations=(), source: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fundraiser = fundraiser
        self.organizations = list(organizations)
        for organization in self.organizations:
            self.fields[self.consent_field_name(organization)] = forms.BooleanField(
                label=consent_wording(organization), required=False
            )
        if source:
            self.initial["source"] = clean_source(source)
        self.suggested = fundraiser.suggested() if _valid_suggestions(fundraiser) else []
        self.fields["amount"].choices = [
            (str(minor), format_money(minor, fundraiser.currency)) for minor in self.suggested
        ]
        if not self.suggested:
            del self.fields["amount"]
        symbol = fundraiser.currency_info.symbol
        self.fields["other_amount"].label = (
            _("Or write another amount (%(symbol)s)") % {"symbol": symbol}
            if self.suggested
            else _("Amount (%(symbol)s)") % {"symbol": symbol}
        )
        if not fundraiser.allow_monthly:
            del self.fields["monthly"]

    @staticmethod
    def consent_field_name(organization) -> str:
        return f"consent_{organization.pk}"

    @property
    def consent_fields(self):
        return [self[self.consent_field_name(o)] for o in self.organizations]

    def chosen_consents(self) -> list[ConsentChoice]:
        return [
            ConsentChoice(o, str(self.fields[self.consent_field_name(o)].label))
            for o in self.organizations
            if self.cleaned_data.get(self.consent_field_name(o))
        ]

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))

    def clean(self) -> dict:
        data = super().clean()
        other = (data.get("other_amount") or "").strip()
        choice = data.get("amount") or ""
        fundraiser = self.fundraiser
        if other:
            try:
                minor = parse_amount(other, fundraiser.currency)
            except ValueError:
                self.add_error("other_amount", amount_format_error())
                return data
        elif choice:
            minor = int(choice)  # only the suggested amounts pass the choice field
        else:
            raise forms.ValidationError(_("Pick an amount or write one in."))
        if minor < fundraiser.min_amount:
            raise forms.ValidationError(
                _("The smallest gift we can take online is %(amount)s.")
                % {"amount": format_money(fundraiser.min_amount, fundraiser.currency)}
            )
        if minor > fundraiser.max_amount:
            raise forms.ValidationError(
                _(
                    "The largest gift we can take online is %(amount)s. For more, please "
                    "use the offline details below or get in touch."
                )
                % {"amount": format_money(fundraiser.max_amount, fundraiser.currency)}
            )
        data["minor"] = minor
        data["monthly"] = bool(data.get("monthly"))
        return data


def _valid_suggestions(fundraiser: Fundraiser) -> bool:
    try:
        fundraiser.suggested()
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- back office

MONEY_HELP = _("In the fundraiser's currency, e.g. 18000 or 18,000.50.")


class FundraiserAdminForm(forms.ModelForm):
    """Organizers write amounts as they say them (18,000), stored as minor units."""

    money_fields = ("goal", "min_amount", "max_amount")
    goal = forms.CharField(label=_("goal"), max_length=30, help_text=MONEY_HELP)
    min_amount = forms.CharField(
        label=_("smallest gift"), max_length=30, initial="1", help_text=MONEY_HELP
    )
    max_amount = forms.CharField(
        label=_("largest online gift"), max_length=30, initial="10000", help_text=MONEY_HELP
    )

    class Meta:
        model = Fundraiser
        fields = [
            "organization",
            "campaign",
            "title",
            "slug",
            "is_accepting",
            "currency",
            "goal",
            "deadline",
            "suggested_amounts",
            "min_amount",
            "max_amount",
            "allow_monthly",
            "story",
            "offline_instructions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.money_fields:
                value = getattr(self.instance, name)
                self.initial[name] = major_text(value, self.instance.currency)

    def clean(self) -> dict:
        data = super().clean()
        code = data.get("currency")
        changed = self.instance.pk and code and code != self.instance.currency
        if changed and self.instance.gifts.exists():
            self.add_error(
                "currency",
                _("Gifts were recorded in %(code)s; the currency must stay.")
                % {"code": self.instance.currency},
            )
        if not code:
            return data
        for name in self.money_fields:
            if name not in data:
                continue
            try:
                value = parse_amount(data[name], code)
            except ValueError:
                self.add_error(name, amount_format_error())
                continue
            if not 0 < value <= MAX_MINOR * 1000:
                self.add_error(name, _("Enter an amount above zero."))
                continue
            data[name] = value
        return data


class OfflineGiftForm(forms.ModelForm):
    """Cash, a cheque or a bank transfer an organizer received."""

    amount = forms.CharField(label=_("amount"), max_length=30, help_text=MONEY_HELP)

    class Meta:
        model = Gift
        fields = [
            "fundraiser",
            "source",
            "amount",
            "donor_name",
            "donor_email",
            "reference",
            "note",
            "received_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" not in self.fields:
            return  # a recorded gift's page: its fields are read-only, not in the form
        self.fields["source"].choices = [
            (value, label) for value, label in Gift.Source.choices if value in Gift.OFFLINE_SOURCES
        ]
        self.fields["donor_name"].help_text = _("Optional. Leave empty for an anonymous gift.")
        self.fields["donor_email"].error_messages["max_length"] = EMAIL_TOO_LONG

    def clean_donor_email(self) -> str:
        """Stored as every app stores an address, so the donor's data can be found by it."""
        email = self.cleaned_data.get("donor_email", "")
        if not email:
            return ""
        validate_storable_email(email)
        return normalize_email(email)

    def clean(self) -> dict:
        data = super().clean()
        fundraiser = data.get("fundraiser")
        if fundraiser is None or "amount" not in data:
            return data
        try:
            amount = parse_amount(data["amount"], fundraiser.currency)
        except ValueError:
            self.add_error("amount", amount_format_error())
            return data
        if not 0 < amount <= MAX_MINOR:
            self.add_error(
                "amount",
                _("Enter an amount above zero and at most %(most)s.")
                % {"most": format_money(MAX_MINOR, fundraiser.currency)},
            )
            return data
        data["amount"] = amount
        self.instance.currency = fundraiser.currency
        return data
