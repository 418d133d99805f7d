"""Things that happened in an organization that another system may want to hear about.

Domain services send `happened` inside their own transactions, at the moment the thing is
true (a signature confirmed, a gift recorded)::

    happened.send(sender=None, organization=campaign.organization,
                  event="signature.confirmed", instance=signature)

`organization` is the organization (or its id) the event belongs to; `event` one of EVENTS;
`instance` the row it is about. Receivers (the webhooks app) connect in their AppConfig.ready()
and do their work in the sender's transaction: a rolled-back action sends nothing. Core
imports no app, so the list of events lives here as plain names.
"""

from django.dispatch import Signal

happened = Signal()

EVENTS = (
    "person.joined",
    "person.unsubscribed",
    "signature.confirmed",
    "call.reported",
    "letter.reported",
    "rsvp.made",
    "rsvp.cancelled",
    "donation.succeeded",
    "donation.refunded",
)
