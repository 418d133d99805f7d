import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_limits import sign_from

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "a@example.org": "198.51.100.7",
    "b@example.org": "198.51.101.200",
    "c@example.org": "198.51.103.1",
    "d@example.org": "198.51.104.1",
    "e@example.org": "203.0.113.9",
    "f@example.org": "2001:db8:5:1::42",
    "g@example.org": "2001:db8:6::1",
}


@pytest.fixture
def signed(client):
    petition = PetitionFactory()
    for email, address in ADDRESSES.items():
        assert sign_from(client, petition, email, address).status_code == 302
    return petition


def found(client, petition, search) -> set[str]:
    client.force_login(OrganizerFactory(organizations=[petition.campaign.organization]))
    response = client.get(reverse("admin:petitions_signature_changelist"), {"q": search})
    assert response.status_code == 200
    return {s.email for s in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("search", "emails"),
    [
        ("198.51.100.7", {"a@example.org"}),
        ("198.51.100.0/24", {"a@example.org"}),
        ("198.51.100.0/22", {"a@example.org", "b@example.org", "c@example.org"}),
        ("198.51.0.0/16", {"a@example.org", "b@example.org", "c@example.org", "d@example.org"}),
        ("198.51.100.0/28", {"a@example.org"}),
        ("203.0.113.8/31", {"e@example.org"}),
        ("2001:db8:5::/48", {"f@example.org"}),
        ("2001:db8::/32", {"f@example.org", "g@example.org"}),
        ("2001:db8:0:0:0:0:0:42", set()),
        ("2001:db8:5:1::42", {"f@example.org"}),
    ],
)
def test_an_organizer_finds_signatures_by_address_or_range(client, signed, search, emails):
    assert found(client, signed, search) == emails


def test_no_address_is_stored_only_hashes(signed):
    stored = " ".join(
        " ".join(str(value) for value in row)
        for row in Signature.objects.values_list(
            "ip_hash", "ip_network_hash", "ip_block_hash", "name", "email", "comment"
        )
    )
    for address in ADDRESSES.values():
        for part in (address, address.rsplit(".", 1)[0], address.rsplit(":", 2)[0]):
            assert part not in stored


def test_a_range_too_wide_to_search_finds_nothing_and_says_why(client, signed):
    client.force_login(OrganizerFactory(organizations=[signed.campaign.organization]))
    url = reverse("admin:petitions_signature_changelist")
    response = client.get(url, {"q": "0.0.0.0/0"}, follow=True)
    assert response.context["cl"].result_list.count() == 0
    assert "too wide" in response.content.decode()


def test_a_range_found_is_invalidated_in_bulk_and_the_count_follows(client, signed):
    for signature in Signature.objects.all():
        services.confirm(signature)
    assert services.confirmed_count(signed) == len(ADDRESSES)
    client.force_login(OrganizerFactory(organizations=[signed.campaign.organization]))
    url = reverse("admin:petitions_signature_changelist")
    response = client.get(url, {"q": "198.51.0.0/16"})
    chosen = [s.pk for s in response.context["cl"].result_list]
    client.post(url + "?q=198.51.0.0/16", {"action": "invalidate", "_selected_action": chosen})
    assert services.public_count(signed).confirmed == len(ADDRESSES) - 4


def test_erasing_a_signer_forgets_where_they_signed_from(signed):
    signature = Signature.objects.get(email="a@example.org")
    services.erase_signer(signature.pk)
    signature.refresh_from_db()
    assert (signature.ip_hash, signature.ip_network_hash, signature.ip_block_hash) == ("", "", "")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    search=st.one_of(
        st.text(max_size=60),
        st.builds("{}/{}".format, st.ip_addresses().map(str), st.integers(-5, 140)),
    )
)
def test_any_search_is_answered_without_an_error_page(client, signed, search):
    client.force_login(OrganizerFactory(organizations=[signed.campaign.organization]))
    response = client.get(reverse("admin:petitions_signature_changelist"), {"q": search})
    assert response.status_code == 200


@given(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
def test_the_hashes_kept_for_an_address_are_those_a_range_search_looks_for(address):
    """Each stored hash is the one a search for that address's own /32 (or /128), /24 (/48)
    and /16 (/32) computes: otherwise a range would miss signatures from inside it."""
    from tocsin.petitions import moderation

    kept = moderation.address_hashes(str(address))
    for field, v4_size, v6_size in moderation.STORED_SIZES:
        size = v6_size if address.version == 6 else v4_size
        network = moderation.parse_range(f"{address}/{size}")
        assert kept[field] == moderation._piece_hash(field, network)
