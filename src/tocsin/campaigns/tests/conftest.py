import pytest
from django.core.management import call_command

from tocsin.districts.models import DatasetImport, DistrictBoundary, ZipDistrict
from tocsin.districts.services import reset_indexes
from tocsin.targets.models import Target


@pytest.fixture(scope="module")
def congress_data(django_db_setup, django_db_blocker, shared_data_dir):
    """Real members of Congress, ZIP table and boundaries, loaded once for the module."""
    with django_db_blocker.unblock():
        call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
        call_command("sync_districts", source=str(shared_data_dir), verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (ZipDistrict, DistrictBoundary, DatasetImport):
            model.objects.all().delete()
        Target.objects.all().delete()
        reset_indexes()
