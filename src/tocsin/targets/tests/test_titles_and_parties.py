"""Members' titles and parties in the reader's language (issue 15, finding 7)."""

import pytest
from django.utils import translation

from tocsin.targets.factories import CustomTargetFactory, LegislatorFactory
from tocsin.targets.models import LEGISLATOR_TITLES, PARTY_NAMES
from tocsin.targets.services import title_for

pytestmark = pytest.mark.django_db


def test_puerto_rico_has_a_resident_commissioner_and_dc_a_delegate():
    assert title_for("house", "PR") == "Resident Commissioner"
    assert title_for("house", "DC") == "Delegate"
    assert title_for("house", "GU") == "Delegate"
    assert title_for("house", "WI") == "Representative"
    member = LegislatorFactory(state="PR", district=0, title=title_for("house", "PR"))
    assert member.display_title == "Resident Commissioner"


def test_party_and_title_are_translated_through_the_catalogue(monkeypatch):
    member = LegislatorFactory(party="Democrat", title="Representative")
    with translation.override("es"):
        # What the Spanish catalogue will hold (the lead fills it): the lookup must go there.
        catalog = translation.trans_real.translation("es")._catalog._catalogs[0]
        monkeypatch.setitem(catalog, "party\x04Democrat", "Demócrata")
        monkeypatch.setitem(catalog, "member of Congress\x04Representative", "Representante")
        assert member.party_name == "Demócrata"
        assert member.display_title == "Representante"


def test_other_parties_and_custom_titles_stay_as_written():
    assert LegislatorFactory(party="Labour").party_name == "Labour"
    desk = CustomTargetFactory(title="Senator")  # a custom target's title is the organizer's
    assert desk.display_title == "Senator"
    assert set(PARTY_NAMES) >= {"Democrat", "Republican", "Independent"}
    assert set(LEGISLATOR_TITLES) == {
        "Senator",
        "Representative",
        "Delegate",
        "Resident Commissioner",
        "MP",
    }
