"""Who represents a place: the two senators of its state and the member for its district."""

from dataclasses import dataclass, field

from tocsin.districts.services import DistrictRef

from .models import Target


@dataclass
class Delegation:
    district: DistrictRef
    senators: list[Target] = field(default_factory=list)
    house_members: list[Target] = field(default_factory=list)

    @property
    def seat_is_vacant(self) -> bool:
        return not self.house_members

    @property
    def members(self) -> list[Target]:
        return [*self.house_members, *self.senators]


def delegation_for(district: DistrictRef) -> Delegation:
    """DC and the territories have a delegate in the House and no senators.

    Their offices depend on the campaign's organization: read them with offices_for()."""
    house_members = list(
        Target.objects.house_members_for(district.state, district.district).prefetch_related(
            "social_accounts"
        )
    )
    senators = []
    if district.has_senators:
        senators = list(
            Target.objects.senators_for(district.state).prefetch_related("social_accounts")
        )
    return Delegation(district=district, senators=senators, house_members=house_members)


def house_members_by_district(districts) -> dict[DistrictRef, list[Target]]:
    """The House member(s) for each candidate district, in one query."""
    found: dict[DistrictRef, list[Target]] = {d: [] for d in districts}
    states = {d.state for d in districts}
    for member in Target.objects.active().legislators().filter(chamber="house", state__in=states):
        ref = DistrictRef(member.state, member.district or 0)
        if ref in found:
            found[ref].append(member)
    return found
