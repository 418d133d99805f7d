from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "tocsin.alerts"
    verbose_name = _("Action alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The email provider's tracking events (bounces, complaints) → the suppression list.
        from . import receipts, webhooks  # noqa: F401

        # Which alerts a person was sent: in their data export, unlinked by their erasure.
        receipts.register()
