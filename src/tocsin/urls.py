from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tocsin.core import views as core_views

admin.site.site_header = _("Tocsin back office")
admin.site.site_title = _("Tocsin")
admin.site.index_title = _("Campaigns, targets and supporters")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("language/<str:code>/", core_views.switch_language, name="switch-language"),
    path("", include("tocsin.pages.urls")),
    path("", include("tocsin.campaigns.urls")),
    path("", include("tocsin.petitions.urls")),
    path("", include("tocsin.calls.urls")),
    path("", include("tocsin.whip.urls")),
    path("", include("tocsin.events.urls")),
    path("", include("tocsin.fundraising.urls")),
    path("", include("tocsin.letters.urls")),
    path("", include("tocsin.dashboard.urls")),
    path("supporters/", include("tocsin.supporters.urls")),
    path("alerts/", include("tocsin.alerts.urls")),
    path("organize/", include("tocsin.organizations.urls")),  # members/, password/
    path("organize/", include("tocsin.organize.urls")),
    path("organize/audit/", include("tocsin.audit.urls")),
    path("signin/", include("tocsin.signin.urls")),
    # Passkeys' JSON endpoints, under the names django-otp-webauthn's scripts look up.
    path("signin/passkeys/", include("tocsin.signin.webauthn_urls")),
    path("", include("tocsin.embeds.urls")),
    path("api/", include("tocsin.api.urls")),
    path("organize/webhooks/", include("tocsin.webhooks.urls")),
    path("organize/api-keys/", include("tocsin.api.keys_urls")),
    # The email provider's signed tracking webhooks (bounces, complaints): django-anymail.
    path("anymail/", include("anymail.urls")),
    path("admin/", admin.site.urls),
]
