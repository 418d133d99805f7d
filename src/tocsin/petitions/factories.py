import factory

from tocsin.campaigns.factories import CampaignFactory

from .models import PetitionAction


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PetitionAction

    campaign = factory.SubFactory(CampaignFactory)
    title = "Stop exporting tools of repression"
    text = "We ask the ministers to grant no more licences."
    ask_postcode = True
