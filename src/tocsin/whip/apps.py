from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhipConfig(AppConfig):
    """The whip count: where each target stands on a campaign's ask. Its models live in
    campaigns (Stance, StanceEvidence, TargetStance) because the call flow reads them."""

    name = "tocsin.whip"
    verbose_name = _("Whip count")

    def ready(self) -> None:
        from . import signals

        signals.connect()
