import datetime
import random

import pytest
from django.utils import timezone

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.factories import CampaignFactory
from tocsin.dashboard import rollups
from tocsin.events.factories import RsvpFactory, SessionFactory
from tocsin.events.models import Rsvp
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Gift
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.targets.factories import LegislatorFactory, OfficeFactory, SenatorFactory
from tocsin.targets.models import Office


class Scenario:
    """A campaign with raw rows at known hours and places, and what a count of them says."""

    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        self.organization = OrganizationFactory(name="River Defence League")
        self.organizer = OrganizerFactory(organizations=[self.organization])
        self.campaign = CampaignFactory(organization=self.organization, title="Save the river")
        self.now = timezone.now()
        base = rollups.floor_hour(self.now) - datetime.timedelta(hours=40)
        self.hours = [
            base + datetime.timedelta(hours=h, minutes=rng.randrange(60)) for h in (0, 1, 5, 20, 39)
        ]
        action = CallActionFactory(campaign=self.campaign)
        rep = LegislatorFactory(name="Ada Rivers", state="WI", district=2)
        senator = SenatorFactory(name="Ben Banks", state="WI")
        self.offices = {
            "rep-dc": OfficeFactory(target=rep),
            "rep-home": OfficeFactory(target=rep, kind=Office.Kind.DISTRICT, city="Madison"),
            "senator": OfficeFactory(target=senator),
        }
        self.calls = []
        places = ["WI-2", "WI-3", "WI", "", "WI-2", "AK"]
        outcomes = list(Outcome.values)
        for i in range(60):
            office = list(self.offices.values())[i % 3]
            self.calls.append(
                CallReport.objects.create(
                    action=action,
                    target=office.target,
                    office=office,
                    outcome=outcomes[i % len(outcomes)],
                    place=places[i % len(places)],
                )
            )
            CallReport.objects.filter(pk=self.calls[-1].pk).update(created_at=self.hours[i % 5])
            self.calls[-1].refresh_from_db()
        petition = PetitionFactory(campaign=self.campaign)
        self.signatures = []
        for i in range(45):
            self.signatures.append(
                Signature.objects.create(
                    petition=petition,
                    email=f"signer{i}@example.org",
                    name=f"Signer {i}",
                    postcode="53703",
                    district=["WI-2", "CA-12", "AK", ""][i % 4],
                    consents=[{"organization": self.organization.pk, "wording": "yes"}]
                    if i % 2 == 0
                    else [],
                    confirmed_at=self.hours[i % 5] if i % 9 else None,
                )
            )
        # Held for review: never counted.
        Signature.objects.create(
            petition=petition,
            email="held@example.org",
            name="Held",
            confirmed_at=self.hours[0],
            held_at=self.now,
        )
        session = SessionFactory(event__campaign=self.campaign)
        self.rsvps = []
        for i in range(7):
            rsvp = RsvpFactory(
                session=session,
                guests=i % 2,
                status=Rsvp.Status.CANCELLED if i == 6 else Rsvp.Status.CONFIRMED,
            )
            Rsvp.objects.filter(pk=rsvp.pk).update(created_at=self.hours[i % 5])
            rsvp.refresh_from_db()
            self.rsvps.append(rsvp)
        fundraiser = FundraiserFactory(campaign=self.campaign, currency="USD")
        self.gifts = []
        for i in range(5):
            gift = GiftFactory(
                fundraiser=fundraiser, amount=1000 * (i + 1), refunded_amount=500 if i == 0 else 0
            )
            Gift.objects.filter(pk=gift.pk).update(created_at=self.hours[(i * 2) % 5])
            gift.refresh_from_db()
            self.gifts.append(gift)

    def refresh(self):
        rollups.refresh(None)

    # What counting the raw rows says.
    def counted_calls(self):
        return [c for c in self.calls if c.outcome != Outcome.SKIPPED]

    def counted_signatures(self):
        return [s for s in self.signatures if s.confirmed_at]

    def counted_rsvps(self):
        return [r for r in self.rsvps if r.status != Rsvp.Status.CANCELLED]


@pytest.fixture
def scenario(db):
    return Scenario()
