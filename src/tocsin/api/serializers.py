"""What the API accepts in a POST, in Action Network's shapes, checked before any service runs.

Unknown fields are refused (400 naming them), at every level: OSDI lets a server ignore what
it does not know, but a field silently dropped is data an integration believes it stored.
Responses are not serializers: they are `representations`, one shape shared with webhooks.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.settings import api_settings

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Strict(serializers.Serializer):
    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({NON_FIELD: [_("Expected an object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {NON_FIELD: [_("Unknown field(s): %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        return super().to_internal_value(data)


class EmailIn(Strict):
    address = serializers.EmailField(max_length=254)
    primary = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(
        choices=["subscribed", "unsubscribed"],
        required=False,
        help_text=(
            "subscribed: a consent to the organization is recorded as pending and the person "
            "gets one mail with a button to confirm it (Tocsin never subscribes an address "
            "its owner has not confirmed)."
        ),
    )


class PostalIn(Strict):
    postal_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True)
    region = serializers.CharField(max_length=20, required=False, allow_blank=True)
    primary = serializers.BooleanField(required=False)


class PersonIn(Strict):
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email_addresses = EmailIn(many=True, allow_empty=False)
    postal_addresses = PostalIn(many=True, required=False)
    languages_spoken = serializers.ListField(
        child=serializers.ChoiceField(choices=["en", "es"]), required=False, max_length=2
    )

    def validate_email_addresses(self, value):
        if len(value) > 1 and sum(1 for e in value if e.get("primary")) != 1:
            raise serializers.ValidationError(_("Mark exactly one address primary."))
        return value

    def validate_postal_addresses(self, value):
        if len(value) > 5:
            raise serializers.ValidationError(_("At most five postal addresses."))
        return value


def person_fields(person: dict) -> dict:
    """The one address, name, postcode, country and language the services take."""
    emails = person["email_addresses"]
    email = next((e for e in emails if e.get("primary")), emails[0])
    postal = person.get("postal_addresses") or [{}]
    postal = next((p for p in postal if p.get("primary")), postal[0])
    name = " ".join(
        part for part in (person.get("given_name", ""), person.get("family_name", "")) if part
    )
    languages = person.get("languages_spoken") or []
    return {
        "email": email["address"],
        "subscribed": email.get("status") == "subscribed",
        "name": name.strip()[:200],
        "postcode": postal.get("postal_code", "").strip(),
        "country": postal.get("country", "").upper(),
        "language": languages[0] if languages else "en",
    }


class TagNames(serializers.ListField):
    child = serializers.CharField(max_length=100)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


class PersonSignupIn(Strict):
    """person_signup_helper."""

    person = PersonIn()
    add_tags = TagNames()


class SignatureIn(Strict):
    """record_signature_helper."""

    person = PersonIn()
    comments = serializers.CharField(max_length=500, required=False, allow_blank=True)
    add_tags = TagNames()


class AttendanceIn(Strict):
    """record_attendance_helper."""

    person = PersonIn()
    add_tags = TagNames()
    tocsin_session = serializers.CharField(
        required=False,
        help_text="tocsin:<id> of the session; needed when the event has more than one.",
    )
    tocsin_guests = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)

    def to_internal_value(self, data):
        # The wire names carry OSDI's extension prefix ("tocsin:session").
        if isinstance(data, dict):
            data = {k.replace("tocsin:", "tocsin_", 1): v for k, v in data.items()}
        return super().to_internal_value(data)


class PaymentIn(Strict):
    method = serializers.ChoiceField(choices=["cash", "cheque", "bank_transfer"])
    reference_number = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DecimalString(serializers.CharField):
    """OSDI writes amounts as decimal strings ("12.50"); a JSON number is taken too."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        try:
            value = Decimal(str(data))
        except InvalidOperation:
            raise serializers.ValidationError(_("Write the amount as 12.50.")) from None
        if not value.is_finite() or value <= 0:
            raise serializers.ValidationError(_("The amount must be more than zero."))
        return value


class DonationIn(Strict):
    """record_donation_helper: an offline gift (cash, cheque, bank transfer)."""

    person = PersonIn(required=False)
    amount = DecimalString()
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    payment = PaymentIn()
    action_date = serializers.DateField(required=False)
    add_tags = TagNames()


class TargetIn(Strict):
    tocsin_id = serializers.IntegerField(min_value=1)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = {k.replace("tocsin:", "tocsin_", 1): v for k, v in data.items()}
        return super().to_internal_value(data)


class OutreachIn(Strict):
    """record_outreach_helper: a reported call (type "phone")."""

    person = PersonIn(required=False)
    type = serializers.ChoiceField(choices=["phone"])
    targets = TargetIn(many=True, allow_empty=False, max_length=1)
    tocsin_office = serializers.IntegerField(min_value=1)
    tocsin_outcome = serializers.ChoiceField(
        choices=["talked", "voicemail", "busy", "voicemail_full"]
    )
    tocsin_answer = serializers.ChoiceField(
        choices=["", "yes", "undecided", "no"], required=False, default=""
    )
    tocsin_key = serializers.UUIDField(
        required=False, help_text="An idempotency key: the same key again records nothing."
    )
    add_tags = TagNames()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = {k.replace("tocsin:", "tocsin_", 1): v for k, v in data.items()}
        return super().to_internal_value(data)


class TagIn(Strict):
    name = serializers.CharField(max_length=100)


class Href(Strict):
    href = serializers.URLField(max_length=500)


class PersonLink(Strict):
    osdi_person = Href()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = {k.replace("osdi:", "osdi_", 1): v for k, v in data.items()}
        return super().to_internal_value(data)


class TaggingIn(Strict):
    _links = PersonLink()
