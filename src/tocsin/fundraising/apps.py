from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "tocsin.fundraising"
    verbose_name = _("Fundraising")

    def ready(self) -> None:
        from tocsin.core import personal_data

        from .models import Gift
        from .services import erase_gifts, export_gifts

        personal_data.register("fundraising", export=export_gifts, erase=erase_gifts, models=[Gift])
