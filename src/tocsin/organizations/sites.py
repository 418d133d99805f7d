"""The back office's admin site: Django's, with a view-on-site shortcut that respects
organizations."""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path


class TocsinAdminSite(admin.AdminSite):
    def get_urls(self):
        # Django's shortcut redirects any staff user to any object's public address, so an
        # organizer could learn the slug of another organization's draft from its id.
        urls = [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
        shortcut = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [shortcut, *urls]

    def view_on_site(self, request, content_type_id, object_id):
        if not request.user.is_superuser and not self.lists(request, content_type_id, object_id):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def lists(self, request, content_type_id, object_id) -> bool:
        """Whether this user's back office lists the object."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            return False
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            return False
        try:
            return model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValidationError, ValueError):
            return False
