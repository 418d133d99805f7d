import uuid
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from tocsin.campaigns.forms import PlaceCleaning
from tocsin.districts.services import DistrictRef, InvalidZip, normalize_zip
from tocsin.supporters.forms import PlainTextField, clean_text

from .models import CALLER_ANSWER_VALUES, OUTCOME_VALUES, CallerAnswer


class CallPlaceForm(PlaceCleaning, forms.Form):
    """Where the supporter is: carried from page to page in the query string, never stored."""

    zip = forms.CharField(
        label=_("Your ZIP code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "zip"}
        ),
    )
    district = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    town = PlainTextField(
        label=_("Your town (optional, for the script)"),
        required=False,
        max_length=60,
        error_messages={
            "max_length": _("Please shorten the town name to %(limit_value)d characters.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


def tried_offices(text: str) -> list[int]:
    """Offices already tried in this round, from the query string or the form."""
    parts = text[:200].split(",")
    return [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 12][:20]


class ReportForm(CallPlaceForm):
    """Renders the outcome form: the state the page carries, and a checkbox per demand.
    What comes back is read by ReportInput."""

    key = forms.UUIDField(widget=forms.HiddenInput)
    position = forms.IntegerField(widget=forms.HiddenInput)
    total = forms.IntegerField(required=False, widget=forms.HiddenInput)
    target = forms.IntegerField(widget=forms.HiddenInput)
    office = forms.IntegerField(widget=forms.HiddenInput)
    tried = forms.CharField(required=False, widget=forms.HiddenInput)
    demands = forms.TypedMultipleChoiceField(
        label=_("What did you raise?"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    answer = forms.ChoiceField(
        label=_("Will they support it? (optional)"),
        required=False,
        choices=CallerAnswer.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, demands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demands"].choices = [(d.pk, d.text) for d in demands]


class InvalidReport(ValueError):
    """`field` says what was wrong; the message is written for the supporter."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReportInput:
    """A submitted outcome, read without a Form instance: this is the busiest POST of a
    campaign, and building a bound form costs more than everything else it does. ReportForm
    renders the same fields."""

    key: uuid.UUID
    position: int
    total: int | None
    target: int
    office: int
    outcome: str
    demands: tuple[int, ...]
    zip: str
    district: DistrictRef | None
    town: str
    tried: tuple[int, ...]
    answer: str = ""

    @classmethod
    def parse(cls, data) -> "ReportInput":
        def number(name: str, *, required: bool = True, upper: int = 10**12) -> int | None:
            text = data.get(name, "")
            if not text and not required:
                return None
            if not (text.isascii() and text.isdigit() and len(text) <= 12 and int(text) <= upper):
                raise InvalidReport(name, _("That report was garbled. Please try again."))
            return int(text)

        try:
            key = uuid.UUID(data.get("key", "")[:40])
        except ValueError as error:
            raise InvalidReport("key", _("That report was garbled. Please try again.")) from error
        outcome = data.get("outcome", "")
        if outcome not in OUTCOME_VALUES:
            raise InvalidReport("outcome", _("Tap how the call went."))
        demands = data.getlist("demands") if hasattr(data, "getlist") else []
        if len(demands) > 50 or not all(
            d.isascii() and d.isdigit() and len(d) < 12 for d in demands
        ):
            raise InvalidReport("demands", _("That report was garbled. Please try again."))
        zip_code = ""
        if data.get("zip"):
            try:
                zip_code = normalize_zip(data["zip"])
            except InvalidZip as error:
                raise InvalidReport("zip", str(error)) from error
        district = None
        if data.get("district"):
            try:
                district = DistrictRef.parse(data["district"][:10])
            except ValueError as error:
                raise InvalidReport("district", _("That district is not one we know.")) from error
        answer = data.get("answer", "")
        if answer and answer not in CALLER_ANSWER_VALUES:
            raise InvalidReport("answer", _("That report was garbled. Please try again."))
        town = clean_text(data.get("town", ""))
        if len(town) > 60:
            raise InvalidReport("town", _("Please shorten the town name to 60 characters."))
        return cls(
            key=key,
            position=number("position", upper=100),
            total=number("total", required=False, upper=101),
            target=number("target"),
            office=number("office"),
            outcome=outcome,
            demands=tuple(int(d) for d in demands),
            zip=zip_code,
            district=district,
            town=town,
            tried=tuple(tried_offices(data.get("tried", ""))),
            answer=answer,
        )
