from django.http import HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.http import require_POST


@require_POST
def bare_post(request):
    """A POST through the same middleware (sessions, CSRF, locale) that does no work."""
    return HttpResponseRedirect("/")


urlpatterns = [path("bench/bare-post/", bare_post), path("", include("tocsin.urls"))]
