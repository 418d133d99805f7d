"""The OSDI 1.2 representation of one row, as Action Network's API shapes it (HAL+JSON).

One function per resource, each taking one row and returning a plain dict: the API's views
and the webhooks' payloads both use these, so a resource has one shape everywhere. The
signatures are stable: `name(row, *, base_url=None) -> dict`.

`base_url` is the site's root ("https://act.example.org", no trailing slash); by default
`settings.TOCSIN_BASE_URL`. Links point into `/api/v1/`. Identifiers are `tocsin:<id>`;
outreaches, which are two kinds of row (a call report, a letter), are `tocsin:call-<id>` and
`tocsin:letter-<id>`.

Related rows are read through `.all()`, so a list view prefetches them (`consents`,
`taggings__tag`) and pays no query per row; a person also takes them as the plain lists
`api_consents` and `api_taggings` (`Prefetch(…, to_attr=…)`, see `api.views.people_of`),
which spares the list a related manager and a queryset per row. Dates are ISO 8601 in UTC
("…Z").

Fields that OSDI does not define carry the `tocsin:` prefix, as Action Network prefixes its
own (`action_network:…`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from tocsin.fundraising.money import CURRENCIES

API_PREFIX = "/api/v1"


def api_root(base_url: str | None = None) -> str:
    return (base_url if base_url is not None else settings.TOCSIN_BASE_URL).rstrip("/") + API_PREFIX


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """An aware datetime as UTC ISO 8601 with a Z; a date as YYYY-MM-DD; None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def latest(*values):
    """The latest of the dates given that are set (modified_date when a row has no
    updated_at of its own)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def identifier(pk: int | str) -> str:
    return f"tocsin:{pk}"


def _href(root: str, path: str) -> dict:
    return {"href": f"{root}/{path}"}


def split_name(name: str) -> tuple[str, str]:
    """Tocsin keeps one name; OSDI has given and family names. The last word is the family
    name (what Action Network's own forms do with one field); one word is a given name."""
    name = (name or "").strip()
    if " " not in name:
        return name, ""
    given, family = name.rsplit(" ", 1)
    return given, family


# --- people, tags, taggings ----------------------------------------------------------------


def _email_status(supporter, consents) -> str:
    if supporter.mail_refused_reason == "bounced":
        return "bouncing"
    if supporter.mail_refused_reason == "complained":
        return "spam complaint"
    if any(c.confirmed_at and not c.withdrawn_at for c in consents):
        return "subscribed"
    return "unsubscribed"


def consent(row) -> dict:
    """One consent as it appears inside a person (not a resource of its own)."""
    if row.withdrawn_at:
        status = "withdrawn"
    elif row.confirmed_at:
        status = "current"
    else:
        status = "pending"
    return {
        "status": status,
        "wording": row.wording,
        "language": row.language,
        "method": row.method,
        "source": row.source,
        "given_date": iso(row.given_at),
        "confirmed_date": iso(row.confirmed_at),
        "withdrawn_date": iso(row.withdrawn_at),
    }


def person(supporter, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    # The consents this person gave their own organization (a person is one organization's).
    consents = getattr(supporter, "api_consents", None)
    if consents is None:
        consents = supporter.consents.all()
    consents = [c for c in consents if c.organization_id == supporter.organization_id]
    taggings = getattr(supporter, "api_taggings", None)
    if taggings is None:
        taggings = supporter.taggings.all()
    tag_names = sorted(t.tag.name for t in taggings)
    given, family = split_name(supporter.name)
    emails = []
    if supporter.email:
        emails.append(
            {
                "primary": True,
                "address": supporter.email,
                "status": _email_status(supporter, consents),
            }
        )
    postal = []
    if supporter.postcode or supporter.country or supporter.state:
        postal.append(
            {
                "primary": True,
                "postal_code": supporter.postcode,
                "region": supporter.state,
                "country": supporter.country,
                "tocsin:district": supporter.district,
            }
        )
    self_href = f"{root}/people/{supporter.pk}"
    return {
        "identifiers": [identifier(supporter.pk)],
        "created_date": iso(supporter.created_at),
        "modified_date": iso(
            latest(supporter.created_at, supporter.email_confirmed_at, supporter.last_action_at)
        ),
        "given_name": given,
        "family_name": family,
        "email_addresses": emails,
        "postal_addresses": postal,
        "languages_spoken": [supporter.language] if supporter.language else [],
        "tocsin:source": supporter.source,
        "tocsin:email_confirmed_date": iso(supporter.email_confirmed_at),
        "tocsin:last_action_date": iso(supporter.last_action_at),
        "tocsin:erased": supporter.erased_at is not None,
        "tocsin:consents": [consent(c) for c in consents],
        "tocsin:tags": tag_names,
        "_links": {
            "self": {"href": self_href},
            "osdi:taggings": {"href": f"{self_href}/taggings"},
            "osdi:signatures": {"href": f"{self_href}/signatures"},
            "osdi:attendances": {"href": f"{self_href}/attendances"},
            "osdi:donations": {"href": f"{self_href}/donations"},
            "osdi:outreaches": {"href": f"{self_href}/outreaches"},
        },
    }


def tag(row, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    self_href = f"{root}/tags/{row.pk}"
    return {
        "identifiers": [identifier(row.pk)],
        "name": row.name,
        "tocsin:kind": row.kind,
        "_links": {"self": {"href": self_href}, "osdi:taggings": {"href": f"{self_href}/taggings"}},
    }


def tagging(row, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    return {
        "identifiers": [identifier(row.pk)],
        "created_date": iso(row.created_at),
        "modified_date": iso(row.created_at),
        "item_type": "osdi:person",
        "tocsin:how": row.how,
        "_links": {
            "self": _href(root, f"tags/{row.tag_id}/taggings/{row.pk}"),
            "osdi:tag": _href(root, f"tags/{row.tag_id}"),
            "osdi:person": _href(root, f"people/{row.supporter_id}"),
        },
    }


def _person_link(root: str, supporter_id) -> dict:
    return {"osdi:person": _href(root, f"people/{supporter_id}")} if supporter_id else {}


def _referrer(source: str) -> dict:
    return {"source": source} if source else {}


# --- petitions and signatures --------------------------------------------------------------


def petition(row, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    site = root[: -len(API_PREFIX)]
    campaign = row.campaign
    self_href = f"{root}/petitions/{row.pk}"
    return {
        "identifiers": [identifier(row.pk)],
        "created_date": iso(campaign.created_at),
        "modified_date": iso(campaign.updated_at),
        "title": row.title,
        "petition_text": row.text,
        "target": [],
        "browser_url": site + campaign.get_absolute_url(),
        "tocsin:collecting": row.is_collecting,
        "tocsin:goal": row.goal,
        "tocsin:campaign": campaign.slug,
        "_links": {
            "self": {"href": self_href},
            "osdi:signatures": {"href": f"{self_href}/signatures"},
            "osdi:record_signature_helper": {"href": f"{self_href}/signatures"},
        },
    }


def _signature_status(row) -> str:
    if row.invalidated_at:
        return "invalidated"
    if row.held_at:
        return "held"
    if row.confirmed_at:
        return "confirmed"
    return "unconfirmed"


def signature(sig, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    return {
        "identifiers": [identifier(sig.pk)],
        "created_date": iso(sig.created_at),
        "modified_date": iso(latest(sig.created_at, sig.confirmed_at, sig.invalidated_at)),
        "comments": sig.comment,
        "referrer_data": _referrer(sig.source),
        "tocsin:status": _signature_status(sig),
        "tocsin:confirmed_date": iso(sig.confirmed_at),
        "_links": {
            "self": _href(root, f"petitions/{sig.petition_id}/signatures/{sig.pk}"),
            "osdi:petition": _href(root, f"petitions/{sig.petition_id}"),
            **_person_link(root, sig.supporter_id),
        },
    }


# --- events and attendances ----------------------------------------------------------------


def event(row, *, base_url: str | None = None) -> dict:
    """An event with its sessions; start and end are the first session's start and the last
    session's end."""
    root = api_root(base_url)
    site = root[: -len(API_PREFIX)]
    sessions = sorted(row.sessions.all(), key=lambda s: s.starts_at)
    self_href = f"{root}/events/{row.pk}"
    first = sessions[0] if sessions else None
    return {
        "identifiers": [identifier(row.pk)],
        "created_date": iso(row.created_at),
        "modified_date": iso(row.created_at),
        "title": row.title,
        "description": row.description,
        "browser_url": site + row.get_absolute_url(),
        "start_date": iso(first.starts_at) if first else None,
        "end_date": iso(sessions[-1].ends_at) if sessions else None,
        "status": "confirmed" if row.is_published else "tentative",
        "location": {"venue": first.venue_name, "address_lines": [first.venue_address]}
        if first and (first.venue_name or first.venue_address)
        else {},
        "tocsin:sessions": [
            {
                "identifiers": [identifier(s.pk)],
                "title": s.title,
                "start_date": iso(s.starts_at),
                "end_date": iso(s.ends_at),
                "capacity": s.capacity,
                "seats_taken": s.seats_taken,
            }
            for s in sessions
        ],
        "_links": {
            "self": {"href": self_href},
            "osdi:attendances": {"href": f"{self_href}/attendances"},
            "osdi:record_attendance_helper": {"href": f"{self_href}/attendances"},
        },
    }


def attendance(rsvp, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    event_id = rsvp.session.event_id
    status = {
        "confirmed": "accepted",
        "waitlisted": "tentative",
        "pending": "needs action",
        "cancelled": "declined",
    }.get(rsvp.status, rsvp.status)
    return {
        "identifiers": [identifier(rsvp.pk)],
        "created_date": iso(rsvp.created_at),
        "modified_date": iso(
            latest(
                rsvp.created_at,
                rsvp.confirmed_at,
                rsvp.waitlisted_at,
                rsvp.cancelled_at,
                rsvp.attended_at,
            )
        ),
        "status": status,
        "attended": rsvp.attended_at is not None,
        "referrer_data": _referrer(rsvp.source),
        "tocsin:status": rsvp.status,
        "tocsin:guests": rsvp.guests,
        "tocsin:session": identifier(rsvp.session_id),
        "_links": {
            "self": _href(root, f"events/{event_id}/attendances/{rsvp.pk}"),
            "osdi:event": _href(root, f"events/{event_id}"),
            **_person_link(root, rsvp.supporter_id),
        },
    }


# --- fundraising pages and donations -------------------------------------------------------


def _amount(minor: int, currency: str) -> str:
    """Minor units as OSDI's decimal string: "12.50", or "1250" for a currency without
    minor units (JPY)."""
    exponent = CURRENCIES[currency.upper()].exponent if currency.upper() in CURRENCIES else 2
    if exponent == 0:
        return str(minor)
    unit = 10**exponent
    return f"{minor // unit}.{minor % unit:0{exponent}d}"


def fundraising_page(row, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    site = root[: -len(API_PREFIX)]
    self_href = f"{root}/fundraising_pages/{row.pk}"
    return {
        "identifiers": [identifier(row.pk)],
        "created_date": iso(row.created_at),
        "modified_date": iso(row.updated_at),
        "title": row.title,
        "description": row.story,
        "browser_url": site + row.get_absolute_url(),
        "currency": row.currency.upper(),
        "tocsin:goal": _amount(row.goal, row.currency),
        "tocsin:accepting": row.is_accepting,
        "_links": {
            "self": {"href": self_href},
            "osdi:donations": {"href": f"{self_href}/donations"},
            "osdi:record_donation_helper": {"href": f"{self_href}/donations"},
        },
    }


def donation(gift, *, base_url: str | None = None) -> dict:
    root = api_root(base_url)
    return {
        "identifiers": [identifier(gift.pk)],
        "created_date": iso(gift.created_at),
        "modified_date": iso(gift.created_at),
        "currency": gift.currency.upper(),
        "amount": _amount(gift.net, gift.currency),
        "recipients": [{"display_name": "", "amount": _amount(gift.net, gift.currency)}],
        "payment": {
            "method": "Credit Card" if gift.source == "stripe" else gift.get_source_display(),
            "reference_number": gift.reference,
        },
        "action_date": iso(gift.received_on),
        "referrer_data": _referrer(gift.source_code),
        "tocsin:gross_amount": _amount(gift.amount, gift.currency),
        "tocsin:refunded_amount": _amount(gift.refunded_amount, gift.currency),
        "tocsin:monthly": gift.monthly,
        "tocsin:offline": gift.source != "stripe",
        "_links": {
            "self": _href(root, f"fundraising_pages/{gift.fundraiser_id}/donations/{gift.pk}"),
            "osdi:fundraising_page": _href(root, f"fundraising_pages/{gift.fundraiser_id}"),
            **_person_link(root, gift.supporter_id),
        },
    }


# --- advocacy campaigns and outreaches -----------------------------------------------------


def advocacy_campaign(campaign, *, base_url: str | None = None) -> dict:
    """A campaign with a call action or write actions; its outreaches are the calls reported
    and the letters written."""
    root = api_root(base_url)
    site = root[: -len(API_PREFIX)]
    self_href = f"{root}/advocacy_campaigns/{campaign.pk}"
    return {
        "identifiers": [identifier(campaign.pk)],
        "created_date": iso(campaign.created_at),
        "modified_date": iso(campaign.updated_at),
        "title": campaign.title,
        "description": campaign.summary,
        "browser_url": site + campaign.get_absolute_url(),
        "tocsin:status": campaign.status,
        "_links": {
            "self": {"href": self_href},
            "osdi:outreaches": {"href": f"{self_href}/outreaches"},
            "osdi:record_outreach_helper": {"href": f"{self_href}/outreaches"},
        },
    }


def outreach_id(row) -> str:
    """call-<id> or letter-<id>: the id of an outreach in its URL and identifier."""
    return f"{'letter' if hasattr(row, 'body') else 'call'}-{row.pk}"


def outreach(call_report_or_letter, *, base_url: str | None = None) -> dict:
    """A reported call (type "phone") or a letter (type "email"). A call report is anonymous
    unless its caller left an address afterwards; it never carries a phone number."""
    root = api_root(base_url)
    row = call_report_or_letter
    oid = outreach_id(row)
    if hasattr(row, "body"):  # a letter
        campaign_id = row.action.campaign_id
        data: dict[str, Any] = {
            "type": "email",
            "subject": row.subject,
            "message": row.body,
            "modified_date": iso(latest(row.created_at, row.confirmed_at, row.sent_at)),
            "tocsin:state": row.state,
            "tocsin:delivery": row.method,
        }
    else:
        campaign_id = row.action.campaign_id
        data = {
            "type": "phone",
            "modified_date": iso(row.created_at),
            "tocsin:outcome": row.outcome,
            "tocsin:answer": row.answer,
            "tocsin:place": row.place,
        }
    target = row.target
    return {
        "identifiers": [identifier(oid)],
        "created_date": iso(row.created_at),
        **data,
        "targets": [{"title": target.title, "given_name": target.name, "tocsin:id": target.pk}],
        "referrer_data": _referrer(row.source),
        "_links": {
            "self": _href(root, f"advocacy_campaigns/{campaign_id}/outreaches/{oid}"),
            "osdi:advocacy_campaign": _href(root, f"advocacy_campaigns/{campaign_id}"),
            **_person_link(root, row.supporter_id),
        },
    }
