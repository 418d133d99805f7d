import pytest
import yaml
from django.core.management import CommandError, call_command

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.districts.models import DatasetImport
from tocsin.targets.models import Chamber, Office, SocialAccount, Target

pytestmark = pytest.mark.django_db

FILES = (
    "legislators-current.yaml",
    "legislators-district-offices.yaml",
    "legislators-social-media.yaml",
)


def sync(source, **options):
    call_command("sync_legislators", source=str(source), verbosity=0, **options)


@pytest.fixture
def congress_dir(shared_data_dir):
    return shared_data_dir / "congress"


@pytest.fixture
def editable_copy(tmp_path, congress_dir):
    """A copy of the dataset the test can cut down, as the next upstream release might."""
    documents = {}
    for name in FILES:
        text = (congress_dir / name).read_text()
        documents[name] = yaml.load(text, Loader=yaml.CSafeLoader)

    def write(keep=lambda entry: True):
        for name, entries in documents.items():
            kept = [entry for entry in entries if keep(entry)]
            (tmp_path / name).write_text(yaml.dump(kept, Dumper=yaml.CSafeDumper))
        return tmp_path

    return write


def test_members_offices_and_accounts_come_from_the_dataset(congress_dir):
    sync(congress_dir)
    members = Target.objects.legislators().active()
    assert members.filter(chamber=Chamber.SENATE).count() == 100
    assert members.filter(chamber=Chamber.HOUSE).count() > 430

    baldwin = Target.objects.get(bioguide_id="B001230")
    assert (baldwin.name, baldwin.title, baldwin.state) == ("Tammy Baldwin", "Senator", "WI")
    offices = list(baldwin.offices.shown())
    assert offices[0].kind == Office.Kind.WASHINGTON
    assert offices[0].phone == "202-224-5653"
    assert {o.city for o in offices[1:]} >= {"Milwaukee", "Madison"}
    assert all(o.state == "WI" for o in offices[1:])
    assert baldwin.social_accounts.filter(network=SocialAccount.Network.X).exists()

    assert Target.objects.get(state="DC", chamber=Chamber.HOUSE).title == "Delegate"
    assert Target.objects.get(state="PR", chamber=Chamber.HOUSE).title == "Resident Commissioner"
    # Members without an official full name fall back to first and last name.
    assert Target.objects.get(bioguide_id="M001246").name == "Analilia Mejia"
    assert DatasetImport.objects.get(dataset="legislators").rows == members.count()


def test_a_second_sync_keeps_the_administrators_corrections(congress_dir):
    sync(congress_dir)
    office = Office.objects.get(source_key="B001230-washington")
    office.phone_override = "202-555-0199"
    office.save()
    district_office = Office.objects.filter(target__bioguide_id="B001230").exclude(pk=office.pk)[0]
    district_office.hidden = True
    district_office.save()
    offices_before = Office.objects.count()

    sync(congress_dir)

    office.refresh_from_db()
    district_office.refresh_from_db()
    assert office.phone_override == "202-555-0199"
    assert office.effective_phone == "202-555-0199"
    assert office.phone == "202-224-5653"
    assert district_office.hidden
    assert Office.objects.count() == offices_before  # updated in place, not duplicated


def test_members_who_leave_are_kept_inactive_and_campaigns_still_point_at_them(
    congress_dir, editable_copy
):
    sync(congress_dir)
    baldwin = Target.objects.get(bioguide_id="B001230")
    link = CampaignTargetFactory(campaign=CampaignFactory(), target=baldwin)

    source = editable_copy(keep=lambda entry: entry["id"]["bioguide"] != "B001230")
    sync(source)

    baldwin.refresh_from_db()
    assert not baldwin.is_active
    assert not baldwin.offices.filter(is_active=True).exists()
    link.refresh_from_db()
    assert link.target == baldwin
    assert baldwin not in Target.objects.senators_for("WI")
    assert Target.objects.senators_for("WI").count() == 1

    sync(congress_dir)  # back in the data: active again
    baldwin.refresh_from_db()
    assert baldwin.is_active


def test_a_truncated_file_changes_nothing(congress_dir, tmp_path):
    sync(congress_dir)
    before = Target.objects.filter(is_active=True).count()
    for name in FILES:
        text = (congress_dir / name).read_text()
        (tmp_path / name).write_text(text[: len(text) // 3] if name == FILES[0] else text)
    with pytest.raises(CommandError, match="Nothing was changed"):
        sync(tmp_path)
    assert Target.objects.filter(is_active=True).count() == before


def test_a_cut_down_list_is_refused_unless_asked_for(editable_copy):
    source = editable_copy(keep=lambda entry: entry["id"]["bioguide"] < "C")
    with pytest.raises(CommandError, match="truncated"):
        sync(source)
    assert not Target.objects.exists()
    sync(source, allow_partial=True)
    assert 0 < Target.objects.count() < 400


def test_garbage_is_a_clear_error(tmp_path):
    for name in FILES:
        (tmp_path / name).write_text("- id: {bioguide: '<script>'}\n")
    with pytest.raises(CommandError, match="not a bioguide id"):
        sync(tmp_path, allow_partial=True)
    assert not Target.objects.exists()
