from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "tocsin.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tocsin.core import personal_data
        from tocsin.core.signals import happened

        from . import services
        from .models import Delivery

        happened.connect(services.on_happened, dispatch_uid="webhooks-on-happened")
        personal_data.register(
            "webhooks",
            export=services.export_deliveries,
            erase=services.erase_deliveries,
            models=[Delivery],
        )
