"""A supporter import reads countries as people write them ("UK", "United Kingdom", "Reino
Unido" are all GB); a country nobody knows is that row's error, and nothing is imported."""

import pytest

from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.imports import apply_file, check_file
from tocsin.supporters.models import Supporter

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_country_names_and_common_codes_are_stored_as_iso_codes(tmp_path):
    group = OrganizationFactory()
    path = write(
        tmp_path,
        "email,name,country\n"
        "uk@example.org,A,UK\n"
        "name@example.org,B,United Kingdom\n"
        "spanish@example.org,C,Reino Unido\n"
        "lower@example.org,D,gb\n"
        "usa@example.org,E,USA\n"
        "blank@example.org,F,\n",
    )
    assert check_file(path).errors == []
    apply_file(path, group)
    stored = dict(Supporter.objects.filter(organization=group).values_list("email", "country"))
    assert stored == {
        "uk@example.org": "GB",
        "name@example.org": "GB",
        "spanish@example.org": "GB",
        "lower@example.org": "GB",
        "usa@example.org": "US",
        "blank@example.org": "",
    }


@pytest.mark.parametrize("country", ["Atlantis", "ZZ", "Republic of Nowhere", "x" * 300])
def test_an_unknown_country_is_a_clear_error_on_its_row(tmp_path, country):
    path = write(tmp_path, f"email,country\ngood@example.org,GB\nbad@example.org,{country}\n")
    check = check_file(path)
    assert [line for line, _message in check.errors] == [3]
    message = check.errors[0][1]
    assert message.startswith("Unknown country “" + country[:40] + "”")
    assert "United Kingdom" in message
