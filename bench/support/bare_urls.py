"""The site's URLs plus a bare GET, for benchmarks only: the yardstick that pages are measured
against, a view through the same middleware that does no work. (Not /healthz, which may grow
checks of its own.) The in-process benches (dashboard.py, lookup.py) use this URLconf;
gunicorn's benches use bench_urls, which adds the bare insert."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

BARE_GET = "/bench/bare-get/"


@require_GET
def bare_get(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_GET.strip("/") + "/", bare_get), path("", include("tocsin.urls"))]
