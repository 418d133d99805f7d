from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "tocsin.petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from . import signals

        signals.connect()

        from tocsin.core import personal_data

        from .models import Signature
        from .personal_data import erase_signatures, export_signatures

        personal_data.register(
            "petitions", export=export_signatures, erase=erase_signatures, models=[Signature]
        )
