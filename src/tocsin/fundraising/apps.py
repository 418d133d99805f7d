from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "tocsin.fundraising"
    verbose_name = _("Fundraising")
