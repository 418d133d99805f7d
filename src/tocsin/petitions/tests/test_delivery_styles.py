"""The printable delivery page is styled under the site's own Content-Security-Policy."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.targets.factories import CustomTargetFactory

pytestmark = pytest.mark.django_db


def test_the_delivery_page_uses_only_styles_its_csp_allows(client):
    petition = PetitionFactory()
    target = CustomTargetFactory(organization=petition.campaign.organization)
    CampaignTargetFactory(campaign=petition.campaign, target=target)
    client.force_login(OrganizerFactory(organizations=[petition.campaign.organization]))
    response = client.get(reverse("petitions:delivery-page", args=[petition.pk, target.pk]))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    style_src = re.search(r"style-src ([^;]*)", policy).group(1).split()
    html = response.content.decode()
    if "'unsafe-inline'" not in style_src:
        # A <style> element or a style attribute without the page's nonce would be blocked.
        nonces = {f"'nonce-{n}'" for n in re.findall(r'<style[^>]*nonce="([^"]+)"', html)}
        assert not re.search(r"<style(?![^>]*nonce=)", html)
        assert not re.search(r"\sstyle=", html)
        assert nonces <= set(style_src)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets, "the page is styled by a stylesheet"
    assert "'self'" in style_src
    for href in sheets:
        assert href.startswith("/static/")
        assert finders.find(href.removeprefix("/static/")), href
