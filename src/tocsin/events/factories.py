import datetime

import factory
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory

from .models import Event, Rsvp, Session


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.LazyAttribute(lambda e: e.campaign.organization)
    title = factory.Sequence(lambda n: f"Solidarity festival {n}")
    slug = factory.Sequence(lambda n: f"festival-{n}")
    description = "Talks, music and a rally."
    time_zone = "Europe/London"
    organizer_name = "Events team"
    organizer_email = "events@example.org"
    max_guests = 2
    is_published = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=10)).replace(
            minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))
    venue_name = "Student Central"
    venue_address = "Malet Street, London WC1E 7HY"
    capacity = 50
    has_waitlist = True


class RsvpFactory(factory.django.DjangoModelFactory):
    """A row as it stands; use services.rsvp to go through the seat check."""

    class Meta:
        model = Rsvp

    session = factory.SubFactory(SessionFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    postcode = "N1 9GU"
    status = Rsvp.Status.CONFIRMED
