from django.contrib.admin.apps import AdminConfig


class TocsinAdminConfig(AdminConfig):
    """Installed instead of "django.contrib.admin", so that `admin.site` is Tocsin's site, whose
    view-on-site shortcut respects organizations."""

    default_site = "tocsin.organizations.sites.TocsinAdminSite"
