import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.calls import services as calls
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Stance, StanceEvidence, TargetStance
from tocsin.districts.services import DistrictRef
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.targets.factories import CustomTargetFactory, LegislatorFactory, OfficeFactory
from tocsin.whip import services

pytestmark = pytest.mark.django_db

D = datetime.date
COSPONSORS = "https://www.congress.gov/bill/115th-congress/house-bill/1299/cosponsors"


@pytest.fixture
def whip():
    """Two groups with a campaign each; three Wisconsin members and one from Minnesota."""
    ours, theirs = OrganizationFactory(name="Our Group"), OrganizationFactory(name="Their Group")
    campaign = CampaignFactory(organization=ours, slug="hr-1299", title="Co-sponsor H.R. 1299")
    pocan = LegislatorFactory(name="Mark Pocan", bioguide_id="P000607", district=2)
    moore = LegislatorFactory(name="Gwen Moore", bioguide_id="M001160", district=4)
    gallagher = LegislatorFactory(
        name="Mike Gallagher", bioguide_id="G000579", district=8, party="Republican"
    )
    omar = LegislatorFactory(name="Ilhan Omar", bioguide_id="O000173", state="MN", district=5)
    for target in (pocan, moore, gallagher, omar):
        CampaignTargetFactory(campaign=campaign, target=target)
    return {
        "ours": ours,
        "theirs": theirs,
        "campaign": campaign,
        "their_campaign": CampaignFactory(organization=theirs, slug="theirs", title="Theirs"),
        "pocan": pocan,
        "moore": moore,
        "gallagher": gallagher,
        "omar": omar,
        "organizer": OrganizerFactory(organizations=[ours]),
        "their_organizer": OrganizerFactory(organizations=[theirs]),
    }


def current(campaign, target) -> str | None:
    row = TargetStance.objects.filter(campaign=campaign, target=target).first()
    return row.stance if row else None


# ---------------------------------------------------------------------------- history


def test_history_is_kept_and_the_current_stance_is_the_latest(whip):
    campaign, pocan = whip["campaign"], whip["pocan"]
    services.record_stance(campaign, pocan, Stance.UNDECIDED, stated_on=D(2018, 3, 1))
    assert current(campaign, pocan) == Stance.UNDECIDED
    latest = services.record_stance(
        campaign, pocan, Stance.SUPPORTS, stated_on=D(2018, 6, 28), source_url=COSPONSORS
    )
    assert current(campaign, pocan) == Stance.SUPPORTS
    # Older evidence found later joins the history without changing the current stance.
    services.record_stance(campaign, pocan, Stance.LEANS_NO, stated_on=D(2017, 1, 5))
    assert current(campaign, pocan) == Stance.SUPPORTS
    assert TargetStance.objects.get(campaign=campaign, target=pocan).evidence == latest
    assert [e.stance for e in services.history(campaign, pocan)] == [
        Stance.SUPPORTS,
        Stance.UNDECIDED,
        Stance.LEANS_NO,
    ]
    # Same day: the one recorded last wins.
    services.record_stance(campaign, pocan, Stance.LEANS_YES, stated_on=D(2018, 6, 28))
    assert current(campaign, pocan) == Stance.LEANS_YES


def test_deleting_the_latest_evidence_in_the_admin_restores_the_one_before(client, whip):
    campaign, moore = whip["campaign"], whip["moore"]
    services.record_stance(campaign, moore, Stance.UNDECIDED, stated_on=D(2018, 3, 1))
    mistake = services.record_stance(campaign, moore, Stance.OPPOSES, stated_on=D(2018, 4, 1))
    client.force_login(whip["organizer"])
    url = reverse("admin:campaigns_stanceevidence_delete", args=[mistake.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert current(campaign, moore) == Stance.UNDECIDED


def test_an_organizer_records_a_stance_in_the_admin(client, whip):
    client.force_login(whip["organizer"])
    response = client.post(
        reverse("admin:campaigns_stanceevidence_add"),
        {
            "campaign": whip["campaign"].pk,
            "target": whip["gallagher"].pk,
            "stance": Stance.LEANS_NO,
            "stated_on": "2018-05-02",
            "summary": "His office said he is unlikely to sign on.",
            "source_title": "Call to the Washington office",
            "source_url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = StanceEvidence.objects.get(target=whip["gallagher"])
    assert evidence.recorded_by == whip["organizer"]
    assert current(whip["campaign"], whip["gallagher"]) == Stance.LEANS_NO


# ---------------------------------------------------------------------------- CSV import


GOOD_CSV = f"""target_id,name,state,stance,date,source_url
P000607,,,supports,2018-06-28,{COSPONSORS}
,Gwen Moore,wi,Leaning yes,2018-06-20,
G000579,,,leans_no,06/01/2018,
""".encode()


def test_a_good_file_records_every_row_and_importing_it_again_records_nothing(whip):
    campaign = whip["campaign"]
    result = services.import_stances(campaign, GOOD_CSV, recorded_by=whip["organizer"])
    assert (result.recorded, result.unchanged) == (3, 0)
    assert current(campaign, whip["pocan"]) == Stance.SUPPORTS
    assert current(campaign, whip["moore"]) == Stance.LEANS_YES
    assert current(campaign, whip["gallagher"]) == Stance.LEANS_NO
    pocan = StanceEvidence.objects.get(target=whip["pocan"])
    assert (pocan.stated_on, pocan.source_url) == (D(2018, 6, 28), COSPONSORS)
    assert pocan.origin == StanceEvidence.Origin.IMPORT

    again = services.import_stances(campaign, GOOD_CSV)
    assert (again.recorded, again.unchanged) == (0, 3)
    assert StanceEvidence.objects.count() == 3


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("P000607,,,maybe,2018-06-28,", "“maybe” is not a stance"),
        ("P000607,,,supports,28 June,", "is not a date"),
        ("P000607,,,supports,2018-06-28,javascript:alert(1)", "not a web address"),
        ("X999999,,,supports,2018-06-28,", "no target has the id"),
        (",Nobody Atall,WI,supports,2018-06-28,", "no target called"),
        ("G000579,,,opposes,2018-06-02,", "already on line 2"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_nothing_is_applied(whip, bad_line, expected):
    data = (
        "target_id,name,state,stance,date,source_url\n"
        "G000579,,,supports,2018-06-01,\n"
        ",Gwen Moore,WI,undecided,2018-06-01,\n"
        f"{bad_line}\n"
    ).encode()
    with pytest.raises(services.StanceImportError) as refused:
        services.import_stances(whip["campaign"], data)
    assert [line for line, _message in refused.value.problems] == [4]
    assert expected in refused.value.problems[0][1]
    assert not StanceEvidence.objects.exists()
    assert not TargetStance.objects.exists()


def test_another_group_s_custom_target_cannot_be_named_in_an_import(whip):
    their_desk = CustomTargetFactory(organization=whip["theirs"], name="Their Desk", state="DC")
    data = f"target_id,stance,date\n{their_desk.pk},opposes,2018-01-01\n".encode()
    with pytest.raises(services.StanceImportError, match="line 2: no target has the id"):
        services.import_stances(whip["campaign"], data)


def test_the_command_imports_and_reports_bad_lines(whip, tmp_path, capsys):
    good = tmp_path / "cosponsors.csv"
    good.write_bytes(GOOD_CSV)
    call_command("import_stances", "hr-1299", str(good))
    assert "3 stances recorded" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"target_id,stance,date\nO000173,opposes,2018-01-01\nP000607,nope,2018-01-01\n")
    with pytest.raises(CommandError, match="line 3: “nope” is not a stance"):
        call_command("import_stances", "hr-1299", str(bad))
    assert current(whip["campaign"], whip["omar"]) is None
    with pytest.raises(CommandError, match="No campaign"):
        call_command("import_stances", "no-such-campaign", str(good))


def test_the_admin_upload_imports_for_our_campaign(client, whip):
    client.force_login(whip["organizer"])
    url = reverse("admin:campaigns_stanceevidence_import", args=[whip["campaign"].pk])
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("s.csv", b"target_id,stance\nP000607,supports\nZZZ,opposes\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Line 3" in response.content.decode()
    assert not StanceEvidence.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("s.csv", GOOD_CSV)})
    assert response.status_code == 302
    assert StanceEvidence.objects.filter(campaign=whip["campaign"]).count() == 3


# ---------------------------------------------------------------------------- permissions


def test_another_group_s_organizer_cannot_see_or_import_our_stances(client, whip):
    campaign = whip["campaign"]
    evidence = services.record_stance(
        campaign, whip["pocan"], Stance.SUPPORTS, summary="Our secret note on Pocan"
    )
    client.force_login(whip["their_organizer"])
    listing = client.get(reverse("admin:campaigns_stanceevidence_changelist"))
    assert listing.status_code == 200
    assert "Our secret note" not in listing.content.decode()
    assert "Co-sponsor H.R. 1299" not in listing.content.decode()  # not even in the filter
    change = client.get(reverse("admin:campaigns_stanceevidence_change", args=[evidence.pk]))
    assert change.status_code == 302  # "does not exist", as for a made-up id
    for name in ("import", "suggestions"):
        url = reverse(f"admin:campaigns_stanceevidence_{name}", args=[campaign.pk])
        assert client.get(url).status_code == 404
    upload = SimpleUploadedFile("s.csv", b"target_id,stance\nP000607,opposes\n")
    import_url = reverse("admin:campaigns_stanceevidence_import", args=[campaign.pk])
    assert client.post(import_url, {"file": upload}).status_code == 404
    confirm_url = reverse("admin:campaigns_stanceevidence_suggestions", args=[campaign.pk])
    assert client.post(confirm_url, {"target": whip["pocan"].pk}).status_code == 404
    # Recording evidence against our campaign is refused by the form.
    response = client.post(
        reverse("admin:campaigns_stanceevidence_add"),
        {
            "campaign": campaign.pk,
            "target": whip["pocan"].pk,
            "stance": "opposes",
            "stated_on": "2018-07-01",
        },
    )
    assert response.status_code == 200
    assert current(campaign, whip["pocan"]) == Stance.SUPPORTS
    assert StanceEvidence.objects.count() == 1


def test_a_supporter_without_an_account_reaches_no_organizer_page(client, whip):
    url = reverse("admin:campaigns_stanceevidence_import", args=[whip["campaign"].pk])
    assert client.get(url).status_code == 302
    assert "/admin/login/" in client.get(url).url


# ---------------------------------------------------------------------------- scoreboard


def scoreboard_section(html: str) -> str:
    start = html.index('id="whip"')
    return html[start : html.index("</section>", start)]


def test_the_scoreboard_groups_targets_by_stance_with_evidence_and_call_counts(client, whip):
    campaign = whip["campaign"]
    services.import_stances(campaign, GOOD_CSV)
    action = CallActionFactory(campaign=campaign)
    office = OfficeFactory(target=whip["pocan"])
    for outcome, count in ((Outcome.TALKED, 5), (Outcome.VOICEMAIL, 2), (Outcome.SKIPPED, 9)):
        for _ in range(count):
            CallReport.objects.create(
                action=action, target=whip["pocan"], office=office, outcome=outcome, place="WI-2"
            )

    html = scoreboard_section(client.get(campaign.get_absolute_url()).content.decode())
    order = [html.index(f'id="stance-{s}"') for s in ("supports", "leans_yes", "leans_no")]
    assert order == sorted(order)
    assert html.index("Mark Pocan") < html.index('id="stance-leans_yes"')
    assert html.index("Ilhan Omar") > html.index('id="stance-unknown"')  # nothing recorded
    pocan = html[html.index(f'id="target-{whip["pocan"].pk}"') :]
    pocan = pocan[: pocan.index("</li>")]
    assert f'href="{COSPONSORS}"' in pocan
    assert "<strong>7</strong>" in pocan  # skips are not calls
    assert "Democrat · WI-2" in pocan


def test_the_scoreboard_filters_by_state_and_party(client, whip):
    services.import_stances(whip["campaign"], GOOD_CSV)
    url = reverse("whip:scoreboard", args=["hr-1299"])
    html = scoreboard_section(
        client.get(url, {"state": "WI", "party": "Democrat"}).content.decode()
    )
    assert "Mark Pocan" in html
    assert "Gwen Moore" in html
    assert "Mike Gallagher" not in html
    assert "Ilhan Omar" not in html
    assert "Showing 2 of 4" in html
    html = scoreboard_section(client.get(url, {"party": "Republican"}).content.decode())
    assert "Mike Gallagher" in html
    assert "Mark Pocan" not in html

    refused = client.get(url, {"state": "TX"})
    assert refused.status_code == 400
    assert "showing everyone" in refused.content.decode()
    assert "Ilhan Omar" in refused.content.decode()


def test_each_target_has_an_anchor_and_a_page_with_its_history(client, whip):
    campaign, pocan = whip["campaign"], whip["pocan"]
    services.record_stance(
        campaign,
        pocan,
        Stance.UNDECIDED,
        stated_on=D(2018, 3, 1),
        summary="Still reading the bill.",
    )
    services.import_stances(campaign, GOOD_CSV)
    html = client.get(campaign.get_absolute_url()).content.decode()
    page_url = reverse("whip:target-stance", args=["hr-1299", pocan.pk])
    assert f'id="target-{pocan.pk}"' in html
    assert f'href="{page_url}"' in html
    page = client.get(page_url).content.decode()
    assert page.index("Supports") < page.index("Still reading the bill.")
    assert f"#target-{pocan.pk}" in page
    stranger = LegislatorFactory(name="Not On This List")
    assert (
        client.get(reverse("whip:target-stance", args=["hr-1299", stranger.pk])).status_code == 404
    )
    their_draft = CampaignFactory(organization=whip["theirs"], status="draft")
    services.record_stance(their_draft, pocan, Stance.OPPOSES)
    assert client.get(reverse("whip:scoreboard", args=[their_draft.slug])).status_code == 404


def test_new_stances_show_at_once_on_the_cached_pages_once_committed(
    client, whip, django_capture_on_commit_callbacks
):
    campaign = whip["campaign"]
    urls = [campaign.get_absolute_url(), reverse("whip:scoreboard", args=["hr-1299"])]
    for url in urls:
        assert 'id="stance-supports"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_stance(campaign, whip["moore"], Stance.SUPPORTS)
    for url in urls:
        assert 'id="stance-supports"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_stances(campaign, GOOD_CSV)
    for url in urls:
        assert 'id="stance-leans_no"' in client.get(url).content.decode()


def test_changes_to_targets_show_at_once_on_the_cached_pages(
    client, whip, django_capture_on_commit_callbacks
):
    campaign = whip["campaign"]
    urls = [campaign.get_absolute_url(), reverse("whip:scoreboard", args=["hr-1299"])]
    outsider = LegislatorFactory(name="Bryan Steil")
    services.record_stance(campaign, outsider, Stance.OPPOSES)  # shown, though not called

    def shown(name: str) -> list[bool]:
        return [name in client.get(url).content.decode() for url in urls]

    assert shown("Bryan Steil") == [True, True]
    with django_capture_on_commit_callbacks(execute=True):
        CampaignTargetFactory(campaign=campaign, target=LegislatorFactory(name="Tammy Baldwin"))
    assert shown("Tammy Baldwin") == [True, True]
    with django_capture_on_commit_callbacks(execute=True):
        whip["pocan"].name = "Mark W. Pocan"
        whip["pocan"].save()
    assert shown("Mark W. Pocan") == [True, True]
    with django_capture_on_commit_callbacks(execute=True):
        outsider.delete()
    assert shown("Bryan Steil") == [False, False]


# ---------------------------------------------------------------------------- the call flow


def test_a_stance_recorded_through_the_service_changes_who_is_called(whip):
    action = CallActionFactory(campaign=whip["campaign"], only_unsupportive=True)
    assert whip["pocan"] in calls.targets_for(action, None)
    services.record_stance(whip["campaign"], whip["pocan"], Stance.SUPPORTS)
    assert whip["pocan"] not in calls.targets_for(action, None)
    services.record_stance(whip["campaign"], whip["pocan"], Stance.LEANS_NO)
    assert whip["pocan"] in calls.targets_for(action, None)


def test_supporters_get_the_thank_you_script(whip):
    action = CallActionFactory(
        campaign=whip["campaign"],
        script="Please co-sponsor, {name}.",
        script_for_supporters="Thank you for co-sponsoring, {name}!",
    )
    assert calls.script_for(action, whip["moore"]) == "Please co-sponsor, Gwen Moore."
    services.record_stance(whip["campaign"], whip["moore"], Stance.SUPPORTS)
    assert calls.script_for(action, whip["moore"]) == "Thank you for co-sponsoring, Gwen Moore!"


def report(client, target, office, outcome="talked", **extra):
    return client.post(
        reverse("calls:report", args=["hr-1299"]),
        {
            "key": str(uuid.uuid4()),
            "position": "0",
            "total": "4",
            "target": target.pk,
            "office": office.pk,
            "outcome": outcome,
            **extra,
        },
    )


def test_callers_answers_become_a_suggestion_an_organizer_confirms(client, whip):
    campaign, moore = whip["campaign"], whip["moore"]
    CallActionFactory(campaign=campaign, target_mode=CallAction.TargetMode.FIXED)
    office = OfficeFactory(target=moore)
    assert report(client, moore, office, answer="yes").status_code == 302
    assert report(client, moore, office, answer="yes").status_code == 302
    assert report(client, moore, office, answer="no").status_code == 302
    assert report(client, moore, office).status_code == 302  # the one-tap flow, no answer
    assert report(client, moore, office, answer="perhaps").status_code == 400

    organizer = whip["organizer"]
    client.force_login(organizer)
    url = reverse("admin:campaigns_stanceevidence_suggestions", args=[campaign.pk])
    page = client.get(url).content.decode()
    row = page[page.index(f'data-target="{moore.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td><td>0</td><td>1</td>" in row
    assert "Supports" in row
    assert "Confirm as stance" in row

    assert client.post(url, {"target": moore.pk}).status_code == 302
    evidence = StanceEvidence.objects.get(campaign=campaign, target=moore)
    assert evidence.summary == "Reported by 2 callers."
    assert evidence.origin == StanceEvidence.Origin.CALLERS
    assert evidence.recorded_by == organizer
    assert current(campaign, moore) == Stance.SUPPORTS
    assert "Already recorded" in client.get(url).content.decode()
    assert client.post(url, {"target": whip["omar"].pk}).status_code == 404  # no answers


def test_an_answer_is_stored_on_the_report_and_counted_from_the_reports(whip):
    action = CallActionFactory(campaign=whip["campaign"])
    office = OfficeFactory(target=whip["pocan"])
    calls.report_call(
        action,
        key=uuid.uuid4(),
        target_id=whip["pocan"].pk,
        office_id=office.pk,
        outcome="talked",
        demand_ids=[],
        district=DistrictRef("WI", 2),
        answer="no",
    )
    assert action.reports.get().answer == "no"
    assert calls.answer_counts(action)[whip["pocan"].pk]["no"] == 1


# ---------------------------------------------------------------------------- any input


csv_cell = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(csv_cell, min_size=0, max_size=7), max_size=6),
    header=st.sampled_from(
        ["target_id,name,state,stance,date,source_url", "stance,date", "name,state,stance", ""]
    ),
)
def test_any_file_is_imported_whole_or_refused_with_line_numbers(whip, rows, header):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
    data = (header + "\n" + buffer.getvalue()).encode()
    before = StanceEvidence.objects.count()
    problems, recorded = [], 0
    try:
        recorded = services.import_stances(whip["campaign"], data).recorded
    except services.StanceImportError as refused:
        problems = refused.problems
        recorded = 0
        assert problems
    assert all(isinstance(line, int) and message for line, message in problems)
    assert StanceEvidence.objects.count() == before + recorded


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(state=st.text(max_size=12), party=st.text(max_size=12))
def test_any_filter_input_is_answered_without_an_error_page(client, whip, state, party):
    url = reverse("whip:scoreboard", args=["hr-1299"])
    response = client.get(url, {"state": state, "party": party})
    assert response.status_code in (200, 400)
