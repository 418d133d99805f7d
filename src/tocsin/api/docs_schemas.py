"""The shapes of the API's answers, for the OpenAPI document only: one named component per
resource (Person, Tag, …) and one per collection page (PersonCollection, …).

These serializers never serialize anything: the views answer with `representations`. Keys
with a colon ("tocsin:source", "osdi:taggings") are why the classes are built with `type()`.
tests/test_schema_and_keys.py checks every component's keys against what the matching
representation returns for a real row, so the two cannot drift apart.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers as s


def shape(name: str, fields: dict, doc: str = ""):
    """A serializer class named `name` (the component's name) with these fields."""
    return type(name, (s.Serializer,), {**fields, "__doc__": doc or None})


def _text(help_text: str = "", **kwargs):
    return s.CharField(help_text=help_text, **kwargs)


def _date(help_text: str = ""):
    return s.DateTimeField(allow_null=True, help_text=help_text or "ISO 8601, UTC.")


def _one_of(choices: list[str], help_text: str = ""):
    """A string from `choices`. (drf-spectacular makes every enum a component named after
    its field, so a field named "tocsin:…" must not have one: the name would be invalid.)"""
    field = extend_schema_field({"type": "string", "enum": choices})(
        type("OneOf", (s.CharField,), {})
    )
    return field(help_text=help_text)


def _texts(help_text: str = ""):
    return s.ListField(child=s.CharField(), help_text=help_text)


Link = shape("Link", {"href": _text()}, "A HAL link.")


def _links(name: str, names: list[str], optional: tuple[str, ...] = ()):
    fields = {n: Link(required=n not in optional) for n in ["self", *names]}
    return shape(name, fields)(help_text="HAL links.")


def _common(created: bool = True) -> dict:
    fields = {"identifiers": _texts("tocsin:<id>.")}
    if created:
        fields |= {"created_date": _date(), "modified_date": _date()}
    return fields


Referrer = shape("ReferrerData", {"source": _text(required=False)})

# --- people, tags, taggings ----------------------------------------------------------------

EmailAddress = shape(
    "EmailAddress",
    {
        "primary": s.BooleanField(),
        "address": _text(),
        "status": _one_of(["subscribed", "unsubscribed", "bouncing", "spam complaint"]),
    },
)
PostalAddress = shape(
    "PostalAddress",
    {
        "primary": s.BooleanField(),
        "postal_code": _text(),
        "region": _text(),
        "country": _text(),
        "tocsin:district": _text(allow_null=True),
    },
)
ConsentShape = shape(
    "PersonConsent",
    {
        "status": _one_of(["current", "pending", "withdrawn"]),
        "wording": _text(),
        "language": _text(),
        "method": _text(),
        "source": _text(),
        "given_date": _date(),
        "confirmed_date": _date(),
        "withdrawn_date": _date(),
    },
)
Person = shape(
    "Person",
    {
        **_common(),
        "given_name": _text(),
        "family_name": _text(),
        "email_addresses": s.ListField(child=EmailAddress()),
        "postal_addresses": s.ListField(child=PostalAddress()),
        "languages_spoken": _texts(),
        "tocsin:source": _text(),
        "tocsin:email_confirmed_date": _date(),
        "tocsin:last_action_date": _date(),
        "tocsin:erased": s.BooleanField(),
        "tocsin:consents": s.ListField(child=ConsentShape()),
        "tocsin:tags": _texts("Tag names."),
        "_links": _links(
            "PersonLinks",
            [
                "osdi:taggings",
                "osdi:signatures",
                "osdi:attendances",
                "osdi:donations",
                "osdi:outreaches",
            ],
        ),
    },
    "A person (OSDI osdi:person).",
)
TagShape = shape(
    "Tag",
    {
        **_common(created=False),
        "name": _text(),
        "tocsin:kind": _text(),
        "_links": _links("TagLinks", ["osdi:taggings"]),
    },
    "A tag (OSDI osdi:tag).",
)
Tagging = shape(
    "Tagging",
    {
        **_common(),
        "item_type": _text("osdi:person."),
        "tocsin:how": _text(),
        "_links": _links("TaggingLinks", ["osdi:tag", "osdi:person"]),
    },
    "A tag on a person (OSDI osdi:tagging).",
)

# --- petitions, events, fundraising, advocacy ----------------------------------------------

Petition = shape(
    "Petition",
    {
        **_common(),
        "title": _text(),
        "petition_text": _text(),
        "target": s.ListField(child=s.DictField()),
        "browser_url": _text(),
        "tocsin:collecting": s.BooleanField(),
        "tocsin:goal": s.IntegerField(allow_null=True),
        "tocsin:campaign": _text("The campaign's slug."),
        "_links": _links("PetitionLinks", ["osdi:signatures", "osdi:record_signature_helper"]),
    },
    "A petition (OSDI osdi:petition).",
)
Signature = shape(
    "Signature",
    {
        **_common(),
        "comments": _text(),
        "referrer_data": Referrer(),
        "tocsin:status": _text("One of: unconfirmed, confirmed, held, invalidated."),
        "tocsin:confirmed_date": _date(),
        "_links": _links("SignatureLinks", ["osdi:petition", "osdi:person"], ("osdi:person",)),
    },
    "A signature (OSDI osdi:signature).",
)
Location = shape("EventLocation", {"venue": _text(), "address_lines": _texts()})
Session = shape(
    "EventSession",
    {
        "identifiers": _texts(),
        "title": _text(),
        "start_date": _date(),
        "end_date": _date(),
        "capacity": s.IntegerField(allow_null=True),
        "seats_taken": s.IntegerField(),
    },
)
Event = shape(
    "Event",
    {
        **_common(),
        "title": _text(),
        "description": _text(),
        "browser_url": _text(),
        "start_date": _date("The first session's start."),
        "end_date": _date("The last session's end."),
        "status": _one_of(["confirmed", "tentative"]),
        "location": Location(help_text="The first session's venue; empty when it has none."),
        "tocsin:sessions": s.ListField(child=Session()),
        "_links": _links("EventLinks", ["osdi:attendances", "osdi:record_attendance_helper"]),
    },
    "An event (OSDI osdi:event).",
)
Attendance = shape(
    "Attendance",
    {
        **_common(),
        "status": _one_of(["accepted", "tentative", "needs action", "declined"]),
        "attended": s.BooleanField(),
        "referrer_data": Referrer(),
        "tocsin:status": _text(),
        "tocsin:guests": s.IntegerField(),
        "tocsin:session": _text("The session's identifier."),
        "_links": _links("AttendanceLinks", ["osdi:event", "osdi:person"], ("osdi:person",)),
    },
    "An answer to an event (OSDI osdi:attendance).",
)
FundraisingPage = shape(
    "FundraisingPage",
    {
        **_common(),
        "title": _text(),
        "description": _text(),
        "browser_url": _text(),
        "currency": _text("ISO 4217."),
        "tocsin:goal": _text("A decimal string."),
        "tocsin:accepting": s.BooleanField(),
        "_links": _links("FundraisingPageLinks", ["osdi:donations", "osdi:record_donation_helper"]),
    },
    "A fundraising page (OSDI osdi:fundraising_page).",
)
Recipient = shape("DonationRecipient", {"display_name": _text(), "amount": _text()})
Payment = shape("DonationPayment", {"method": _text(), "reference_number": _text()})
Donation = shape(
    "Donation",
    {
        **_common(),
        "currency": _text("ISO 4217."),
        "amount": _text("Net of refunds, a decimal string."),
        "recipients": s.ListField(child=Recipient()),
        "payment": Payment(),
        "action_date": s.DateField(allow_null=True),
        "referrer_data": Referrer(),
        "tocsin:gross_amount": _text(),
        "tocsin:refunded_amount": _text(),
        "tocsin:monthly": s.BooleanField(),
        "tocsin:offline": s.BooleanField(),
        "_links": _links(
            "DonationLinks", ["osdi:fundraising_page", "osdi:person"], ("osdi:person",)
        ),
    },
    "A donation (OSDI osdi:donation).",
)
AdvocacyCampaign = shape(
    "AdvocacyCampaign",
    {
        **_common(),
        "title": _text(),
        "description": _text(),
        "browser_url": _text(),
        "tocsin:status": _text(),
        "_links": _links(
            "AdvocacyCampaignLinks", ["osdi:outreaches", "osdi:record_outreach_helper"]
        ),
    },
    "A campaign with a call action or write actions (OSDI osdi:advocacy_campaign).",
)
Target = shape(
    "OutreachTarget", {"title": _text(), "given_name": _text(), "tocsin:id": s.IntegerField()}
)
Outreach = shape(
    "Outreach",
    {
        **_common(),
        "type": _one_of(["phone", "email"], help_text="phone: a call; email: a letter."),
        "subject": _text("Letters only.", required=False),
        "message": _text("Letters only.", required=False),
        "tocsin:state": _text("Letters only.", required=False),
        "tocsin:delivery": _text("Letters only.", required=False),
        "tocsin:outcome": _text("Calls only.", required=False),
        "tocsin:answer": _text("Calls only.", required=False),
        "tocsin:place": _text("Calls only.", required=False),
        "targets": s.ListField(child=Target()),
        "referrer_data": Referrer(),
        "_links": _links(
            "OutreachLinks", ["osdi:advocacy_campaign", "osdi:person"], ("osdi:person",)
        ),
    },
    "A reported call or a letter (OSDI osdi:outreach); identifiers are tocsin:call-<id> "
    "or tocsin:letter-<id>.",
)

# --- collections -----------------------------------------------------------------------------


def collection(item, plural: str):
    """The OSDI page of `item`s: the envelope, with the items under _embedded["osdi:<plural>"]."""
    name = item.__name__
    links = shape(
        f"{name}CollectionLinks",
        {
            "self": Link(),
            "next": Link(required=False, help_text="Not on the last page."),
            "previous": Link(required=False, help_text="Not on the first page."),
            f"osdi:{plural}": s.ListField(child=Link(), help_text="Each item's self link."),
        },
    )
    embedded = shape(f"{name}CollectionEmbedded", {f"osdi:{plural}": s.ListField(child=item())})
    return shape(
        f"{name}Collection",
        {
            "total_pages": s.IntegerField(help_text="1 at least."),
            "per_page": s.IntegerField(help_text="25 by default, 100 at most."),
            "page": s.IntegerField(help_text="This page's number, from 1."),
            "total_records": s.IntegerField(help_text="Rows in every page together."),
            "_links": links(),
            "_embedded": embedded(),
        },
        f"One page of osdi:{plural}.",
    )


# resource name (as in representations) -> (item shape, collection shape, plural)
RESOURCES = {
    name: (item, collection(item, plural), plural)
    for name, item, plural in [
        ("person", Person, "people"),
        ("tag", TagShape, "tags"),
        ("tagging", Tagging, "taggings"),
        ("petition", Petition, "petitions"),
        ("signature", Signature, "signatures"),
        ("event", Event, "events"),
        ("attendance", Attendance, "attendances"),
        ("fundraising_page", FundraisingPage, "fundraising_pages"),
        ("donation", Donation, "donations"),
        ("advocacy_campaign", AdvocacyCampaign, "advocacy_campaigns"),
        ("outreach", Outreach, "outreaches"),
    ]
}


def one(resource: str) -> OpenApiResponse:
    """The answer that is one `resource` ("person")."""
    item, _page, _plural = RESOURCES[resource]
    return OpenApiResponse(item, description=f"HAL+JSON (OSDI 1.2): one osdi:{resource}.")


def page(resource: str) -> OpenApiResponse:
    """The answer that is a page of `resource`s."""
    _item, page_shape, plural = RESOURCES[resource]
    return OpenApiResponse(page_shape, description=f"HAL+JSON (OSDI 1.2): a page of osdi:{plural}.")
