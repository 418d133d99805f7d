from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "tocsin.pages"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from . import signals

        signals.connect()
