import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tocsin.core import switches
from tocsin.core.models import Switches
from tocsin.organizations.factories import OrganizerFactory

pytestmark = pytest.mark.django_db


def test_the_installation_has_one_row_of_switches_with_defaults():
    assert Switches.objects.count() == 1
    assert switches.current().signing_limits()["ip"] == [(60, 10), (3600, 100)]
    assert not switches.current().signing_paused


def test_a_saved_change_is_read_at_once_without_a_deploy():
    assert switches.current().count_refresh_seconds == 5
    row = Switches.objects.get()
    row.count_refresh_seconds = 30
    row.signing_paused = True
    row.save()
    assert switches.current().count_refresh_seconds == 30
    assert switches.current().signing_paused


def test_the_installation_administrator_edits_them_in_the_back_office(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-long-1234")
    client.force_login(admin)
    url = reverse("admin:core_switches_change", args=[Switches.objects.get().pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["challenge_everywhere"] = "on"
    assert client.post(url, data).status_code == 302
    assert switches.current().challenge_everywhere
    # One row only: no second one, and the row cannot be deleted.
    assert client.get(reverse("admin:core_switches_add")).status_code == 403
    assert client.get(reverse("admin:core_switches_delete", args=[1])).status_code == 403


def test_an_organizer_without_the_permission_cannot_flip_them(client):
    client.force_login(OrganizerFactory())
    url = reverse("admin:core_switches_change", args=[Switches.objects.get().pk])
    assert client.get(url).status_code == 403
