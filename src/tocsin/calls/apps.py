from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "tocsin.calls"
    verbose_name = _("Call-in actions")

    def ready(self) -> None:
        from . import signals

        signals.connect()
