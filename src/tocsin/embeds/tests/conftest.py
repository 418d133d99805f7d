import pytest

from tocsin.calls.factories import CallActionFactory
from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory

PARTNER = "https://partner.example"


@pytest.fixture
def embeddable(db):
    """A live campaign with a petition (no postcode asked) and a call to one desk, which
    https://partner.example may frame."""
    petition = PetitionFactory(ask_postcode=False, campaign__embed_origins=PARTNER + "\n")
    campaign = petition.campaign
    action = CallActionFactory(campaign=campaign)
    desk = CustomTargetFactory()
    office = OfficeFactory(target=desk)
    CampaignTargetFactory(campaign=campaign, target=desk)
    return {"campaign": campaign, "petition": petition, "call": action, "office": office}
