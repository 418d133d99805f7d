from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tocsin.audit"
    verbose_name = _("Record of changes")

    def ready(self):
        from auditlog.signals import pre_log

        from .tracking import skip_supporters_own_rows

        pre_log.connect(skip_supporters_own_rows, dispatch_uid="audit.skip_supporters_own_rows")
