from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tocsin.core import views as core_views

admin.site.site_header = _("Tocsin back office")
admin.site.site_title = _("Tocsin")
admin.site.index_title = _("Campaigns, targets and supporters")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("language/<str:code>/", core_views.switch_language, name="switch-language"),
    # No two apps' paths overlap, so the order only decides how many patterns a request is
    # tried against: the pages a spike hits come first.
    path("", include("tocsin.campaigns.urls")),
    path("", include("tocsin.petitions.urls")),
    path("", include("tocsin.calls.urls")),
    path("", include("tocsin.events.urls")),
    path("", include("tocsin.fundraising.urls")),
    path("", include("tocsin.dashboard.urls")),
    path("supporters/", include("tocsin.supporters.urls")),
    path("admin/", admin.site.urls),
]
