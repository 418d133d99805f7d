from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tocsin.dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from tocsin.calls.services import reports_folded

        from . import rollups

        reports_folded.connect(rollups.calls_folded, dispatch_uid="dashboard-calls-folded")
