from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "tocsin.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from .roles import ensure_organizers_group

        post_migrate.connect(ensure_organizers_group, dispatch_uid="tocsin-organizers-group")
