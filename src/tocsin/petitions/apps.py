from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "tocsin.petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from . import intake, signals  # noqa: F401 (intake registers its journal)

        signals.connect()
