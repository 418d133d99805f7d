"""Conversion is a share of views, so it never reads over 100% (issue 15, finding 9)."""

import dataclasses

import pytest
from django.urls import reverse

from tocsin.dashboard import services

pytestmark = pytest.mark.django_db


def with_views(board, views: int, actions: int):
    return dataclasses.replace(board, views=views, actions_since_views=actions)


def test_a_rate_only_while_actions_do_not_outnumber_views(scenario):
    scenario.refresh()
    board = services.dashboard(scenario.campaign)
    assert with_views(board, 0, 5).conversion_percent is None
    assert with_views(board, 200, 50).conversion_percent == 25.0
    assert with_views(board, 50, 50).conversion_percent == 100.0
    over = with_views(board, 5, 107)
    assert over.conversion_percent is None
    assert over.actions_outnumber_views


def test_the_page_shows_both_numbers_instead_of_2140_percent(scenario, client, monkeypatch):
    scenario.refresh()
    board = with_views(services.dashboard(scenario.campaign), 5, 107)
    monkeypatch.setattr(services, "dashboard", lambda *args, **kwargs: board)
    client.force_login(scenario.organizer)
    page = client.get(reverse("dashboard:campaign", args=[scenario.campaign.pk])).content.decode()
    assert "107 actions from 5 counted views" in page
    assert "became actions" not in page
    assert "2140" not in page
