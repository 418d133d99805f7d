from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tocsin.core"
    verbose_name = _("Core")

    def ready(self):
        from . import journal

        request_finished.connect(journal.after_request, dispatch_uid="tocsin.core.journal")
