from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "tocsin.letters"
    verbose_name = _("Letters to targets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tocsin.core import personal_data

        from . import webhooks  # noqa: F401  (connects the bounce receiver)
        from .models import Letter
        from .personal_data import erase_letters, export_letters

        personal_data.register(
            "letters", export=export_letters, erase=erase_letters, models=[Letter]
        )
