from django.apps import AppConfig


class OrganizeConfig(AppConfig):
    name = "tocsin.organize"

    def ready(self) -> None:
        from django.contrib import admin

        # The admin app comes before this one in INSTALLED_APPS, so a template named
        # admin/index.html here would never be found: the site is pointed at ours instead.
        admin.site.index_template = "organize/admin_index.html"
