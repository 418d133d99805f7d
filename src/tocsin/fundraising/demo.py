"""The demo fighting fund: LFPLA's, beside its petition against spyware exports to Honduras."""

import datetime

from django.db import transaction
from django.utils import timezone

from tocsin.campaigns.models import Campaign
from tocsin.organizations.models import Organization

from . import services
from .models import Fundraiser, Gift

STORY = """\
Since the disputed election of November 2017, Honduras's security forces have answered
protest with live fire and mass arrests, and the British government has still licensed the
sale of spyware to the Honduran state.

This fund pays for the work behind the petition: printing and posting leaflets, hiring rooms
for meetings across the country, and helping Honduran human-rights defenders travel here to
speak for themselves. Every pound is raised from members, trade union branches and friends.

**Nothing comes from governments or companies.** That is what keeps us free to speak out.
"""

OFFLINE = """\
By bank transfer: Labour Friends of Progressive Latin America, sort code 00-00-00, account
00000000, reference FIGHTING FUND. (Demo details: please do not send money.)

By cheque: payable to "LFPLA", posted to the treasurer at the address on our membership card.
"""

# Already in before the demo starts: reference -> (source, pence, note). Sums to £8,104.
GIFTS = {
    "DEMO-BRANCH-COLLECTION": (Gift.Source.CASH, 112_350, "Collection at a branch meeting"),
    "DEMO-UNION-BRANCH": (Gift.Source.CHEQUE, 350_000, "Donation from a union branch"),
    "DEMO-STANDING-ORDERS": (Gift.Source.BANK_TRANSFER, 268_050, "Members' standing orders"),
    "DEMO-FESTIVAL-STALL": (Gift.Source.CASH, 80_000, "Bucket collection at a festival stall"),
}


@transaction.atomic
def load_fighting_fund() -> Fundraiser:
    """Create or refresh the fund. Running it again changes the deadline, never the gifts."""
    organization = Organization.objects.get(slug="lfpla")
    campaign = Campaign.objects.filter(slug="no-spyware-for-honduras").first()
    fundraiser, _created = Fundraiser.objects.update_or_create(
        slug="lfpla-fighting-fund",
        defaults={
            "organization": organization,
            "campaign": campaign,
            "title": "Fighting fund: stand with Honduras",
            "currency": "GBP",
            "goal": 1_800_000,
            "deadline": timezone.localdate() + datetime.timedelta(days=14),
            "suggested_amounts": "5, 10, 25, 50, 100",
            "min_amount": 100,
            "max_amount": 500_000,
            "allow_monthly": True,
            "story": STORY,
            "offline_instructions": OFFLINE,
            "is_accepting": True,
        },
    )
    for reference, (source, amount, note) in GIFTS.items():
        if not fundraiser.gifts.filter(reference=reference).exists():
            services.record_offline_gift(
                Gift(
                    fundraiser=fundraiser,
                    source=source,
                    amount=amount,
                    reference=reference,
                    note=note,
                )
            )
    services.forget_total(fundraiser)
    return fundraiser
