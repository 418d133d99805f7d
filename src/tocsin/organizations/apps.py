from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "tocsin.organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tocsin.core import personal_data

        from . import services
        from .models import Invitation, Membership
        from .roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="tocsin-organizers-group")
        # However a membership changes (these pages, the admin's inline, a factory), the
        # user's groups follow its role.
        post_save.connect(
            services.membership_changed, sender=Membership, dispatch_uid="tocsin-membership-saved"
        )
        post_delete.connect(
            services.membership_changed,
            sender=Membership,
            dispatch_uid="tocsin-membership-deleted",
        )
        user_logged_in.connect(services.record_session, dispatch_uid="tocsin-user-session")
        personal_data.register(
            "organizations",
            export=services.export_invitations,
            erase=services.erase_invitations,
            models=[Invitation],
        )
