from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "tocsin.supporters"
    verbose_name = _("Supporters")

    def ready(self) -> None:
        from tocsin.core import personal_data

        from .models import Activity, Consent, Supporter, Tag, Tagging
        from .services import erase_supporters, export_supporters

        personal_data.register(
            "supporters",
            export=export_supporters,
            erase=erase_supporters,
            models=[Supporter, Consent, Tag, Tagging, Activity],
        )
