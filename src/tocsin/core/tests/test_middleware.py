"""The middleware that builds per process what Django's and django-csp's build per request."""

from dataclasses import asdict

import pytest
from csp.constants import HEADER, NONCE, SELF
from csp.decorators import csp_update
from csp.middleware import PolicyParts
from csp.utils import build_policy
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tocsin.core.middleware import ContentSecurityPolicyMiddleware, LazyMessageMiddleware


def test_the_policy_built_once_is_the_one_django_csp_builds(settings):
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(RequestFactory().get("/"))
    assert response[HEADER] == build_policy(**asdict(PolicyParts()))
    assert "frame-ancestors 'none'" in response[HEADER]


def test_a_view_that_changes_the_policy_still_gets_its_change():
    @csp_update({"img-src": ["https://tiles.example.org"]})
    def view(request):
        return HttpResponse("ok")

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert "https://tiles.example.org" in response[HEADER]


def test_a_page_that_asks_for_a_nonce_gets_it_in_the_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    nonce = response.content.decode().split("nonce='")[1].split("'")[0]
    assert f"script-src 'self' 'nonce-{nonce}'" in response[HEADER]


@pytest.mark.django_db
def test_a_message_shown_after_a_redirect_reaches_the_next_page(client):
    user = get_user_model().objects.create_superuser("organizer", "o@example.org", "pw-123456789")
    client.force_login(user)
    response = client.post(reverse("admin:auth_group_add"), {"name": "Phone bank"}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any("Phone bank" in text for text in shown), shown


def test_a_request_that_never_uses_messages_sets_no_message_cookie():
    request = RequestFactory().get("/")

    def view(request):
        return HttpResponse("ok")

    response = LazyMessageMiddleware(view)(request)
    assert "messages" not in response.cookies


def test_a_message_added_is_stored_for_the_next_request():
    from django.contrib.sessions.middleware import SessionMiddleware

    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)

    def view(request):
        messages.info(request, "Saved.")
        return HttpResponse("ok")

    response = LazyMessageMiddleware(view)(request)
    assert response.cookies["messages"].value
