"""Whom a supporter in a UK constituency calls: their MP where the action looks people up,
and the campaign's ministers and custom targets as the organizer placed them."""

import datetime
import uuid

import pytest

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.districts.services import DistrictRef
from tocsin.districts.uk import ConstituencyRef
from tocsin.targets.factories import (
    LegislatorFactory,
    MinisterFactory,
    MPFactory,
    OfficeFactory,
    WestminsterOfficeFactory,
)

pytestmark = pytest.mark.django_db

WESTMINSTER = ConstituencyRef("E14001172", "Cities of London and Westminster")
MANCHESTER_CENTRAL = ConstituencyRef("E14001352", "Manchester Central")


@pytest.fixture
def uk():
    mp = MPFactory(name="Rachel Blake", constituency=WESTMINSTER.code)
    other_mp = MPFactory(name="Lucy Powell", constituency=MANCHESTER_CENTRAL.code)
    former = MPFactory(name="Former Member", constituency=WESTMINSTER.code, is_active=False)
    minister = MinisterFactory(name="Home Secretary Person")
    us_member = LegislatorFactory(name="Rep Two", state="WI", district=2)
    for person in (mp, other_mp, former, minister):
        WestminsterOfficeFactory(target=person)
    OfficeFactory(target=us_member)
    return {"mp": mp, "other_mp": other_mp, "minister": minister, "us_member": us_member}


def action_with_minister(uk, **fields):
    action = CallActionFactory(**fields)
    CampaignTargetFactory(campaign=action.campaign, target=uk["minister"])
    return action


def names(targets):
    return [target.name for target in targets]


@pytest.mark.parametrize(
    ("mode", "chambers", "placement", "expected"),
    [
        ("lookup", "both", "first", ["Rachel Blake"]),
        ("lookup", "house", "first", ["Rachel Blake"]),
        # An MP is no senator: an action for senators only finds nobody in the UK.
        ("lookup", "senate", "first", []),
        ("fixed", "both", "first", ["Home Secretary Person"]),
        ("both", "both", "first", ["Home Secretary Person", "Rachel Blake"]),
        ("both", "both", "last", ["Rachel Blake", "Home Secretary Person"]),
        ("both", "both", "fallback", ["Rachel Blake"]),
        ("both", "senate", "fallback", ["Home Secretary Person"]),
    ],
)
def test_a_constituency_finds_its_mp_and_the_campaigns_ministers(
    uk, mode, chambers, placement, expected
):
    action = action_with_minister(
        uk, target_mode=mode, chambers=chambers, custom_placement=placement
    )
    assert names(services.targets_for(action, WESTMINSTER)) == expected


def test_each_place_finds_its_own_representatives(uk):
    action = action_with_minister(uk, target_mode="both", chambers="both")
    assert names(services.targets_for(action, MANCHESTER_CENTRAL)) == [
        "Home Secretary Person",
        "Lucy Powell",
    ]
    # A US place finds no MP, and a UK one no member of Congress.
    assert names(services.targets_for(action, DistrictRef("WI", 2))) == [
        "Home Secretary Person",
        "Rep Two",
    ]
    unknown = ConstituencyRef("E14009999", "Nowhere")
    assert names(services.targets_for(action, unknown)) == ["Home Secretary Person"]


def test_a_vacant_seat_falls_back_to_the_campaigns_targets(uk):
    uk["mp"].is_active = False
    uk["mp"].save()
    action = action_with_minister(uk, target_mode="both", custom_placement="fallback")
    assert names(services.targets_for(action, WESTMINSTER)) == ["Home Secretary Person"]


def test_the_mp_is_called_on_the_commons_switchboard_in_london_time(uk):
    action = CallActionFactory(target_mode=CallAction.TargetMode.LOOKUP)
    [line] = services.lines_for(action, uk["mp"], WESTMINSTER)
    assert line.tel_uri == "tel:+442072193000"
    assert line.label == "Westminster"

    # 09:30 in London is 04:30 in New York: open in London, by London's clock.
    morning = datetime.datetime(2026, 12, 2, 9, 30, tzinfo=datetime.UTC)
    clock = services.office_clock(line.office, morning)
    assert (clock.local_time.hour, clock.local_time.minute, clock.likely_open) == (9, 30, True)
    assert str(clock.local_time.tzinfo) == "Europe/London"


def report(action, target, place):
    office = target.offices.get()
    return services.report_call(
        action,
        key=uuid.uuid4(),
        target_id=target.pk,
        office_id=office.pk,
        outcome=Outcome.TALKED,
        demand_ids=[],
        district=place,
    )


def test_a_call_to_the_supporters_mp_is_recorded_under_their_seat(uk):
    action = CallActionFactory(target_mode=CallAction.TargetMode.LOOKUP)
    assert report(action, uk["mp"], WESTMINSTER)
    # Kept by its code, as people's records keep their seat.
    assert CallReport.objects.get().place == "E14001172"


@pytest.mark.parametrize(
    ("whom", "place"),
    [
        ("other_mp", WESTMINSTER),  # another seat's MP
        ("mp", DistrictRef("WI", 2)),  # an MP for a US place
        ("us_member", WESTMINSTER),  # a member of Congress for a UK place
        ("minister", WESTMINSTER),  # a minister the campaign did not choose
    ],
)
def test_a_call_to_someone_the_place_does_not_call_is_refused(uk, whom, place):
    action = CallActionFactory(target_mode=CallAction.TargetMode.BOTH)
    with pytest.raises(services.ReportRefused):
        report(action, uk[whom], place)
    assert not CallReport.objects.exists()


def test_a_senators_only_action_does_not_take_calls_to_mps(uk):
    action = CallActionFactory(target_mode=CallAction.TargetMode.LOOKUP, chambers="senate")
    with pytest.raises(services.ReportRefused):
        report(action, uk["mp"], WESTMINSTER)


def test_a_chosen_minister_is_called_from_anywhere(uk):
    action = action_with_minister(uk, target_mode=CallAction.TargetMode.FIXED)
    assert report(action, uk["minister"], WESTMINSTER)
    assert report(action, uk["minister"], None)
    assert CallReport.objects.count() == 2
