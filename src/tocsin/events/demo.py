"""The demo festival: an opening rally on a Friday evening, then a Saturday of talks at two
venues, one of them on Latin America. Safe to load again: it updates what it made before."""

import datetime
import zoneinfo

from django.db.models import Sum
from django.utils import timezone

from tocsin.campaigns.models import Campaign
from tocsin.organizations.models import Organization

from .models import Event, Rsvp, Session

LONDON = zoneinfo.ZoneInfo("Europe/London")
# When it really happened: Friday 27 and Saturday 28 July 2018. The demo keeps the season
# and the weekdays: the Friday of late July (24th to 30th, so Saturday is in July too).
RALLY_DAY = datetime.date(2018, 7, 27)
MIN_DAYS_AHEAD = 21

STUDENT_CENTRAL = ("Student Central", "Malet Street, London WC1E 7HY")
UNITE_HOUSE = ("Unite House", "128 Theobald's Road, London WC1X 8TN")

DESCRIPTION = """\
Two days of ideas from the left of the labour movement. Friday evening opens with a rally; \
on Saturday, talks and discussions fill two venues a short walk apart in Bloomsbury.

Labour Friends of Progressive Latin America brings the Saturday session on Latin America: \
Honduras since the disputed election, political prisoners, and why Britain should stop \
licensing spyware for the Honduran government. Our honorary president Chris Williamson is \
among the speakers.

Entry to each session is by RSVP, so that we know how many chairs to put out."""


def shifted_rally_day(today: datetime.date) -> datetime.date:
    """The first late-July Friday at least MIN_DAYS_AHEAD after today."""
    year = today.year
    while True:
        late_july = datetime.date(year, 7, 24)
        friday = late_july + datetime.timedelta(days=(4 - late_july.weekday()) % 7)
        if (friday - today).days >= MIN_DAYS_AHEAD:
            return friday
        year += 1


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def load_demo_events(organization: Organization, today: datetime.date | None = None) -> Event:
    friday = shifted_rally_day(today or timezone.localdate())
    saturday = friday + datetime.timedelta(days=1)
    campaign = Campaign.objects.filter(
        slug="no-spyware-for-honduras", organization=organization
    ).first()
    event, _created = Event.objects.update_or_create(
        slug="arise-festival",
        defaults={
            "organization": organization,
            "campaign": campaign,
            "title": "Arise: a festival of Labour's left ideas",
            "description": DESCRIPTION,
            "time_zone": "Europe/London",
            "organizer_name": "Festival team (demo)",
            "organizer_email": "festival@example.org",
            "max_guests": 2,
            "is_published": True,
        },
    )
    sessions = [
        ("Opening rally", _at(friday, 18, 30), _at(friday, 21), STUDENT_CENTRAL, 400),
        (
            "Saturday talks and discussions",
            _at(saturday, 10),
            _at(saturday, 17),
            STUDENT_CENTRAL,
            250,
        ),
        (
            "Latin America: solidarity with Honduras",
            _at(saturday, 10),
            _at(saturday, 17),
            UNITE_HOUSE,
            60,
        ),
    ]
    made = []
    for title, starts, ends, (venue, address), capacity in sessions:
        session, _created = Session.objects.update_or_create(
            event=event,
            title=title,
            defaults={
                "starts_at": starts,
                "ends_at": ends,
                "venue_name": venue,
                "venue_address": address,
                "capacity": capacity,
            },
        )
        made.append(session)
    latin_america = made[-1]
    if not latin_america.rsvps.exists():
        now = timezone.now()
        # Answered over the last three weeks, a few a day, so the dashboard shows a history.
        answered = [
            now - datetime.timedelta(days=(number * 7) % 20, hours=number)
            for number in range(1, 13)
        ]
        answers = Rsvp.objects.bulk_create(
            Rsvp(
                session=latin_america,
                name=f"Demo attendee {number}",
                email=f"demo-attendee-{number}@example.org",
                postcode="WC1X 8TN",
                guests=1 if number % 3 == 0 else 0,
                status=Rsvp.Status.CONFIRMED,
                confirmed_at=moment,
            )
            for number, moment in enumerate(answered, 1)
        )
        for answer, moment in zip(answers, answered, strict=True):
            answer.created_at = moment  # bulk_create stamped the present
        Rsvp.objects.bulk_update(answers, ["created_at"])
    for session in made:
        taken = (
            Rsvp.objects.confirmed().filter(session=session).aggregate(n=Sum("guests"))["n"] or 0
        )
        taken += Rsvp.objects.confirmed().filter(session=session).count()
        Session.objects.filter(pk=session.pk).update(seats_taken=taken)
    return event
