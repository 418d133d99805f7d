import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign
from tocsin.core.dates import OFFERED_TIME_ZONES, zone_choices
from tocsin.fundraising.models import Fundraiser
from tocsin.fundraising.money import CURRENCY_CHOICES, MAX_MINOR, major_text, parse_amount
from tocsin.letters.models import WriteAction
from tocsin.organizations.models import Organization
from tocsin.targets.models import international_phone, validate_office_phone

from .services import split_demands

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IdsOfItsOwn:
    """Several of these forms share one page: each gets its own element ids, the same names."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s" if self.id_prefix else "id_%s")
        super().__init__(*args, **kwargs)


class BasicsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("What it asks"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown first and in shares."),
    )
    demands = forms.CharField(
        label=_("Demands"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line, in order. Numbers at the start of a line are not needed."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)
    country = forms.ChoiceField(
        label=_("Supporters live in"),
        choices=Campaign.Country.choices,
        help_text=_("Decides whether the page asks for a ZIP code or a postcode."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner groups to invite (optional)"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each is named on the page once one of its organizers accepts."),
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["partners"].queryset = Organization.objects.exclude(pk=organization.pk)

    def clean_demands(self) -> str:
        text = self.cleaned_data["demands"]
        demands = split_demands(text)
        if not demands:
            raise forms.ValidationError(_("Write at least one demand."))
        if any(len(d) > 500 for d in demands):
            raise forms.ValidationError(_("Keep each demand under 500 characters."))
        return text


class OrganizationChoiceForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organizing group"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CustomTargetForm(IdsOfItsOwn, forms.Form):
    id_prefix = "target"

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("e.g. Honduras Desk"))
    title = forms.CharField(
        label=_("Title or department"),
        max_length=200,
        required=False,
        help_text=_("e.g. US Department of State"),
    )
    phone = forms.CharField(label=_("Office phone"), max_length=40, required=False)
    city = forms.CharField(label=_("Office city"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email for letters"), required=False)

    def __init__(self, *args, country="US", **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_office_phone(phone, self.country)
            phone = international_phone(phone, self.country)
        return phone


class CallForm(IdsOfItsOwn, forms.Form):
    id_prefix = "call"

    title = forms.CharField(
        label=_("Title"), max_length=200, initial=_("Call your representatives")
    )
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    script = forms.CharField(
        label=_("Script"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What callers say. {title} and {name} are the person called."),
    )
    target_mode = forms.ChoiceField(
        label=_("Whom to call"),
        choices=CallAction.TargetMode.choices,
        initial=CallAction.TargetMode.FIXED,
        widget=forms.RadioSelect,
    )
    chambers = forms.ChoiceField(
        label=_("Which legislators, when looked up"),
        choices=CallAction.Chambers.choices,
        initial=CallAction.Chambers.BOTH,
    )
    share_text = forms.CharField(
        label=_("Post to share"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PetitionForm(IdsOfItsOwn, forms.Form):
    id_prefix = "petition"

    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Sign the petition"))
    text = forms.CharField(
        label=_("Petition text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What signers put their name to."),
    )
    goal = forms.IntegerField(
        label=_("Goal"),
        required=False,
        min_value=1,
        max_value=100_000_000,
        help_text=_("Empty: goals that step up as they are reached."),
    )


class WriteForm(IdsOfItsOwn, forms.Form):
    id_prefix = "write"

    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Write to them"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    letter = forms.CharField(
        label=_("Letter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Supporters may edit all of it. {name} is the person written to."),
    )
    target_mode = forms.ChoiceField(
        label=_("Whom to write to"),
        choices=WriteAction.TargetMode.choices,
        initial=WriteAction.TargetMode.FIXED,
        widget=forms.RadioSelect,
    )


class EventForm(IdsOfItsOwn, forms.Form):
    id_prefix = "event"

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    venue_name = forms.CharField(label=_("Venue"), max_length=200, required=False)
    venue_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1_000_000, initial=50)
    organizer_email = forms.EmailField(label=_("Contact email for questions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices()

    def clean(self) -> dict:
        data = super().clean()
        zone_key = data.get("time_zone")
        if zone_key not in OFFERED_TIME_ZONES:
            return data
        zone = zoneinfo.ZoneInfo(zone_key)
        # The times are typed as the place's clock reads them, whatever zone the site uses.
        for name in ("starts_at", "ends_at"):
            if data.get(name) is not None:
                data[name] = timezone.make_aware(
                    timezone.make_naive(data[name])
                    if timezone.is_aware(data[name])
                    else data[name],
                    zone,
                )
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class FundraiserForm(IdsOfItsOwn, forms.Form):
    """A fundraiser with the back office's defaults for everything not asked here (smallest
    and largest gift, monthly gifts off); amounts are typed in whole currency units."""

    id_prefix = "fundraiser"

    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Give to the fund"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="GBP")
    goal = forms.CharField(
        label=_("Goal"), max_length=20, help_text=_("In whole units of the currency, e.g. 5000")
    )
    deadline = forms.DateField(label=_("Last day for gifts"), widget=DATE_INPUT)
    suggested_amounts = forms.CharField(
        label=_("Suggested amounts"),
        max_length=200,
        required=False,
        initial="10, 25, 50",
        help_text=_("Amounts people can pick with one tap, separated by commas"),
    )
    story = forms.CharField(
        label=_("What the money is for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown above the amounts. Markdown."),
    )

    def clean(self) -> dict:
        data = super().clean()
        code = data.get("currency")
        if not code:
            return data
        if "goal" in data:
            try:
                goal = parse_amount(data["goal"], code)
            except ValueError:
                goal = 0
            if not 0 < goal <= MAX_MINOR * 100:
                self.add_error("goal", _("Write the goal as a whole amount, e.g. 5000."))
            else:
                data["goal"] = goal
        if data.get("deadline") and data["deadline"] < timezone.localdate():
            self.add_error("deadline", _("The last day must not be in the past."))
        # The same rule as the back office's: each amount between the default smallest and
        # largest gift.
        unsaved = Fundraiser(currency=code, suggested_amounts=data.get("suggested_amounts", ""))
        try:
            unsaved.suggested()
        except (ValueError, TypeError, KeyError):
            self.add_error(
                "suggested_amounts",
                _("Write amounts separated by commas, each between %(low)s and %(high)s.")
                % {
                    "low": major_text(unsaved.min_amount, code),
                    "high": major_text(unsaved.max_amount, code),
                },
            )
        return data


class MainActionForm(IdsOfItsOwn, forms.Form):
    id_prefix = "main"

    primary_action = forms.ChoiceField(
        label=_("The action at the top of the page"),
        choices=[
            ("", _("The first the campaign has (call, sign, RSVP, give, join)")),
            *Campaign._meta.get_field("primary_action").choices,
        ],
        required=False,
    )
