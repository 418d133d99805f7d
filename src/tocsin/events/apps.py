from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tocsin.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from tocsin.core import personal_data

        from .models import Rsvp
        from .services import erase_rsvps, export_rsvps

        personal_data.register("events", export=export_rsvps, erase=erase_rsvps, models=[Rsvp])
