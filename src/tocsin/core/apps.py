from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tocsin.core"
    verbose_name = _("Installation")

    def ready(self):
        from . import staff_sessions, switches

        switches.connect()
        staff_sessions.connect()
