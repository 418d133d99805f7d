"""The floors the wrk benchmarks measure against, served beside the real site by the same
gunicorn, through the same middleware (sessions, CSRF, locale, security headers): the bare
GET of bare_urls and a bare insert."""

import bare_urls
from bench_floor.models import FloorRow
from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST


class FloorForm(forms.Form):
    key = forms.CharField(max_length=64)
    name = forms.CharField(max_length=100)
    email = forms.EmailField()


@require_POST
def bare_insert(request):
    """The least a view that stores a form can do: validate it, insert one row under a unique
    constraint (a repeated key counts once), redirect."""
    form = FloorForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        with transaction.atomic():
            FloorRow.objects.create(**form.cleaned_data)
    except IntegrityError:
        pass  # the same key again: already stored
    return HttpResponseRedirect("/")


urlpatterns = [path("bench/bare-insert/", bare_insert), *bare_urls.urlpatterns]
