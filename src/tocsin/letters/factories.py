import factory

from tocsin.campaigns.factories import CampaignFactory

from .models import LetterVariant, WriteAction


class WriteActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WriteAction

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"write-{n}")
    title = "Write to the minister"
    subject = "Stop the export of spyware"
    letter = (
        "Dear {title} {name},\n\n"
        "As a resident of {town}, I ask you to stop the export of spyware.\n\n"
        "Yours sincerely,\n{supporter_name}"
    )


class LetterVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterVariant

    action = factory.SubFactory(WriteActionFactory)
    target = factory.SubFactory("tocsin.targets.factories.CustomTargetFactory")
    letter = "Dear {name},\n\nThank you for speaking up.\n\n{supporter_name}"
