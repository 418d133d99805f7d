"""Issue 18: what an alert did. Delivery from its recipients' states and the providers' events;
the actions that came back with its source code in its own organization, by kind and place;
the conversion (capped at all of those sent it); the recipients whose mail is unknown; the
same as formula-safe CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.alerts import results
from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.campaigns.factories import organizer_allowed
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.services import record_activity

pytestmark = pytest.mark.django_db

State, Event = AlertRecipient.State, AlertRecipient.Event


@pytest.fixture
def sent_alert(make_alert, make_person, campaign):
    """An alert sent to five people: three delivered (one of them later unsubscribed, one
    bounced), one failed, one unknown; two of them acted from it, one twice."""
    alert = make_alert(status=Alert.Status.SENT, started_at=timezone.now())
    people = [
        make_person("ana@example.net", "Ana", country="US", state="WI", district="WI-02"),
        make_person("bo@example.net", "Bo", country="US", state="WI", district="WI-02"),
        make_person("cy@example.net", "Cy", country="US", state="WI", district="WI-03"),
        make_person("di@example.net", "Di", country="US", state="OH", district="OH-03"),
        make_person("ed@example.net", '=HYPERLINK("http://evil")', country="US", state="OH"),
    ]
    states = [
        (State.SENT, Event.UNSUBSCRIBED),
        (State.SENT, ""),
        (State.SENT, Event.BOUNCED),
        (State.FAILED, ""),
        (State.UNKNOWN, ""),
    ]
    for person, (state, event) in zip(people, states, strict=True):
        AlertRecipient.objects.create(
            alert=alert,
            supporter=person,
            language="en",
            state=state,
            event=event,
            claimed_at=timezone.now(),
        )
    code = alert.source_code
    record_activity(people[0], "called", campaign=campaign, source=code)
    record_activity(people[0], "signed", campaign=campaign, source=code)
    record_activity(people[2], "called", campaign=campaign, source=code)
    record_activity(people[1], "called", campaign=campaign, source="oped")  # not this alert's
    # The same code in another organization is not this alert's.
    elsewhere = SupporterFactory(organization=OrganizationFactory(name="Elsewhere"))
    record_activity(elsewhere, "called", source=code)
    return alert, people


def test_results_count_delivery_and_what_the_alert_brought_in(sent_alert):
    alert, _people = sent_alert
    figures = results.results(alert)
    delivery = {name: number for name, _label, number in figures.delivery()}
    assert delivery == {
        "sent": 3,
        "failed": 1,
        "bounced": 1,
        "complained": 0,
        "unsubscribed": 1,
        "unknown": 1,
    }
    assert [(kind, n) for kind, _label, n in figures.by_kind] == [("called", 2), ("signed", 1)]
    assert [(p.state, p.district, p.actions, p.people) for p in figures.by_place] == [
        ("WI", "WI-02", 2, 1),
        ("WI", "WI-03", 1, 1),
    ]
    assert figures.people_acted == 2
    assert figures.conversion == pytest.approx(2 / 3)


def test_conversion_is_capped_and_empty_before_anything_is_sent():
    assert results.conversion(12, 10) == 1.0
    assert results.conversion(0, 0) is None
    assert results.percent(None) == ""
    assert results.percent(0.25) == "25.0%"


def test_the_results_page_names_unknown_recipients_only_to_those_who_may_see_people(
    client, sent_alert
):
    alert, _people = sent_alert
    url = reverse("admin:alerts_alert_results", args=[alert.pk])
    unknown = AlertRecipient.objects.get(alert=alert, state=State.UNKNOWN)

    client.force_login(
        organizer_allowed([alert.organization], "alerts.view_alert", "supporters.view_supporter")
    )
    page = client.get(url).content.decode()
    assert f"#{unknown.pk}" in page
    assert "HYPERLINK" in page  # the unknown recipient's name
    assert "66.7%" in page

    client.force_login(organizer_allowed([alert.organization], "alerts.view_alert"))
    page = client.get(url).content.decode()
    assert f"#{unknown.pk}" in page
    assert "HYPERLINK" not in page


def test_the_csv_holds_the_same_figures_and_no_cell_runs_as_a_formula(client, sent_alert):
    alert, _people = sent_alert
    client.force_login(
        organizer_allowed([alert.organization], "alerts.view_alert", "supporters.view_supporter")
    )
    response = client.get(reverse("admin:alerts_alert_results_csv", args=[alert.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "section"
    by_section = {}
    for row in rows[1:]:
        by_section.setdefault(row[0], []).append(row)
    delivery = {row[1]: row[5] for row in by_section["delivery"]}
    assert delivery["sent"] == "3"
    assert delivery["bounced"] == "1"
    assert {row[1]: row[5] for row in by_section["actions by kind"]} == {
        "called": "2",
        "signed": "1",
    }
    assert [row[2:7] for row in by_section["actions by place"]] == [
        ["US", "WI", "WI-02", "2", "1"],
        ["US", "WI", "WI-03", "1", "1"],
    ]
    assert by_section["conversion"][1][5] == "66.7%"
    [unknown] = by_section["unknown"]
    assert unknown[1].startswith("'=HYPERLINK")  # shown as text, never run
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_the_list_shows_each_alerts_sent_count_and_conversion(client, sent_alert):
    alert, _people = sent_alert
    client.force_login(organizer_allowed([alert.organization], "alerts.view_alert"))
    listing = client.get(reverse("admin:alerts_alert_changelist")).content.decode()
    assert "Call Senator Baldwin today" in listing
    assert '<td class="field-sent">3</td>' in listing
    assert '<td class="field-conversion">66.7%</td>' in listing
