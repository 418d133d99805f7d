"""Keeping members of Congress in step with the congress-legislators dataset (CC0), and the
offices a campaign shows.

The three files are read and checked first; then every change is written in one
transaction. Members and offices the dataset no longer lists are marked inactive, never
deleted (campaigns and call records point at them), and corrections (a corrected phone number,
a hidden office, each an organization's own or the administrator's for everyone) survive every
sync.
"""

from dataclasses import dataclass, field

import yaml
from django.db import transaction
from django.utils import timezone

from tocsin.core.datasources import DatasetError, read_text, resolve
from tocsin.districts.models import DatasetImport
from tocsin.districts.states import STATES

from .models import Chamber, Office, SocialAccount, Target
from .signals import targets_changed

UPSTREAM = "https://unitedstates.github.io/congress-legislators/"
FILES = {
    "current": "legislators-current.yaml",
    "offices": "legislators-district-offices.yaml",
    "social": "legislators-social-media.yaml",
}
# A full Congress has 535 voting members and 6 delegates; far fewer means a cut-off file.
MIN_MEMBERS = 400

SOCIAL_NETWORKS = {
    "twitter": SocialAccount.Network.X,
    "bluesky": SocialAccount.Network.BLUESKY,
    "mastodon": SocialAccount.Network.MASTODON,
    "facebook": SocialAccount.Network.FACEBOOK,
    "instagram": SocialAccount.Network.INSTAGRAM,
    "youtube": SocialAccount.Network.YOUTUBE,
}


@dataclass
class LegislatorSyncResult:
    created: int = 0
    updated: int = 0
    retired: int = 0
    offices: int = 0
    offices_retired: int = 0
    social_accounts: int = 0
    members_by_chamber: dict[str, int] = field(default_factory=dict)


def offices_for(target: Target, organization) -> list[Office]:
    """The offices of `target` that supporters see and call on `organization`'s campaigns, in
    order: listed, not hidden by the administrator nor by the organization, each with the
    number to call as `effective_phone` (the organization's correction, else the
    administrator's, else the dataset's). `organization` may be an id."""
    return list(Office.objects.shown_to(organization).filter(target=target))


def _load_yaml(location: str) -> list:
    try:
        documents = yaml.load(
            read_text(location),
            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),  # noqa: S506 (safe loaders only)
        )
    except yaml.YAMLError as error:
        raise DatasetError(f"{location} is not valid YAML: {error}") from error
    if not isinstance(documents, list):
        raise DatasetError(f"{location} is not a list of legislators")
    return documents


def _bioguide(entry: dict, location: str) -> str:
    try:
        bioguide = entry["id"]["bioguide"]
    except (KeyError, TypeError) as error:
        raise DatasetError(f"{location}: an entry has no bioguide id") from error
    if not isinstance(bioguide, str) or not bioguide.isalnum() or len(bioguide) > 10:
        raise DatasetError(f"{location}: {bioguide!r} is not a bioguide id")
    return bioguide


def title_for(chamber: str, state: str) -> str:
    if chamber == Chamber.SENATE:
        return "Senator"
    if state == "PR":
        return "Resident Commissioner"
    if not STATES[state].has_senators:
        return "Delegate"
    return "Representative"


def _member_fields(entry: dict, location: str) -> dict:
    bioguide = _bioguide(entry, location)
    try:
        term = entry["terms"][-1]
        name = entry["name"]
        chamber = {"sen": Chamber.SENATE, "rep": Chamber.HOUSE}[term["type"]]
        state = term["state"]
    except (KeyError, IndexError, TypeError) as error:
        raise DatasetError(f"{location}: {bioguide} has no usable current term") from error
    if state not in STATES:
        raise DatasetError(f"{location}: {bioguide} has an unknown state {state!r}")
    full_name = name.get("official_full") or " ".join(
        part for part in (name.get("first"), name.get("last")) if part
    )
    if not full_name:
        raise DatasetError(f"{location}: {bioguide} has no name")
    return {
        "bioguide_id": bioguide,
        "kind": Target.Kind.LEGISLATOR,
        "organization": None,
        "name": full_name[:200],
        "title": title_for(chamber, state),
        "chamber": chamber,
        "state": state,
        "district": int(term.get("district") or 0) if chamber == Chamber.HOUSE else None,
        "senate_rank": term.get("state_rank") or "",
        "party": term.get("party") or "",
        "contact_form_url": (term.get("contact_form") or "")[:500],
        "website": (term.get("url") or "")[:500],
        "is_active": True,
        "washington_office": {
            "address": (term.get("address") or term.get("office") or "")[:300],
            "phone": str(term.get("phone") or "")[:40],
        },
    }


def _district_offices(entries: list, location: str) -> dict[str, list[dict]]:
    offices: dict[str, list[dict]] = {}
    for entry in entries:
        bioguide = _bioguide(entry, location)
        for position, office in enumerate(entry.get("offices") or [], start=1):
            if not isinstance(office, dict) or not office.get("id"):
                raise DatasetError(f"{location}: an office of {bioguide} has no id")
            address = ", ".join(
                str(office[key]) for key in ("building", "address", "suite") if office.get(key)
            )
            offices.setdefault(bioguide, []).append(
                {
                    "source_key": str(office["id"])[:100],
                    "kind": Office.Kind.DISTRICT,
                    "position": position,
                    "address": address[:300],
                    "city": str(office.get("city") or "")[:100],
                    "state": str(office.get("state") or "")[:2],
                    "postal_code": str(office.get("zip") or "")[:12],
                    "phone": str(office.get("phone") or "")[:40],
                    "latitude": _coordinate(office.get("latitude"), 90),
                    "longitude": _coordinate(office.get("longitude"), 180),
                    "hours": str(office.get("hours") or "")[:200],
                }
            )
    return offices


def _coordinate(value, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit else None


def _social_accounts(entries: list, location: str) -> dict[str, dict[str, str]]:
    accounts = {}
    for entry in entries:
        bioguide = _bioguide(entry, location)
        social = entry.get("social") or {}
        accounts[bioguide] = {
            network: str(social[key])[:200]
            for key, network in SOCIAL_NETWORKS.items()
            if social.get(key)
        }
    return accounts


def read_dataset(source: str | None, allow_partial: bool) -> tuple[list[dict], dict, dict, str]:
    locations = {
        key: resolve(source, f"congress/{name}", UPSTREAM + name) for key, name in FILES.items()
    }
    current = _load_yaml(locations["current"])
    members = [_member_fields(entry, locations["current"]) for entry in current]
    if len(members) < MIN_MEMBERS and not allow_partial:
        raise DatasetError(
            f"{locations['current']} lists only {len(members)} members of Congress (expected "
            f"over {MIN_MEMBERS}); it looks truncated. Use --allow-partial if that is intended."
        )
    offices = _district_offices(_load_yaml(locations["offices"]), locations["offices"])
    social = _social_accounts(_load_yaml(locations["social"]), locations["social"])
    return members, offices, social, locations["current"]


def sync_legislators(
    source: str | None = None, *, allow_partial: bool = False
) -> LegislatorSyncResult:
    members, district_offices, social, location = read_dataset(source, allow_partial)
    result = LegislatorSyncResult()
    now = timezone.now()
    with transaction.atomic():
        existing = {t.bioguide_id: t for t in Target.objects.filter(bioguide_id__isnull=False)}
        offices_by_key = {o.source_key: o for o in Office.objects.filter(source_key__isnull=False)}
        # New rows go in by the batch (a first sync writes thousands); existing rows are saved
        # one by one, and only when the dataset changed them.
        new_targets: list[Target] = []
        rows_by_member: list[tuple[Target, list[dict], dict[str, str]]] = []
        for fields in members:
            washington = fields.pop("washington_office")
            bioguide = fields["bioguide_id"]
            target = existing.get(bioguide)
            if target is None:
                target = Target(**fields, synced_at=now)
                new_targets.append(target)
                result.created += 1
            else:
                changed = [name for name, value in fields.items() if getattr(target, name) != value]
                for name in changed:
                    setattr(target, name, fields[name])
                target.synced_at = now
                target.save(update_fields=[*changed, "synced_at"])
                result.updated += bool(changed)
            result.members_by_chamber[target.chamber] = (
                result.members_by_chamber.get(target.chamber, 0) + 1
            )
            office_rows = [
                {
                    "source_key": f"{bioguide}-washington",
                    "kind": Office.Kind.WASHINGTON,
                    "position": 0,
                    "city": "Washington",
                    "state": "DC",
                    "postal_code": "",
                    "latitude": None,
                    "longitude": None,
                    "hours": "",
                    **washington,
                },
                *district_offices.get(bioguide, []),
            ]
            rows_by_member.append((target, office_rows, social.get(bioguide, {})))
        Target.objects.bulk_create(new_targets)
        created_ids = {target.pk for target in new_targets}

        seen_offices: set[str] = set()
        new_offices: list[Office] = []
        new_accounts: list[SocialAccount] = []
        for target, office_rows, accounts in rows_by_member:
            for row in office_rows:
                key = row["source_key"]
                if key in seen_offices:
                    continue
                seen_offices.add(key)
                office = offices_by_key.get(key)
                if office is None:
                    new_offices.append(Office(target=target, is_active=True, **row))
                else:
                    # Corrections (phone_override, hidden, OfficeCorrection) are not in `row`.
                    wanted = {**row, "target_id": target.pk, "is_active": True}
                    changed = [
                        name for name, value in wanted.items() if getattr(office, name) != value
                    ]
                    for name in changed:
                        setattr(office, name, wanted[name])
                    if changed:
                        office.save(update_fields=changed)
                result.offices += 1
            if target.pk in created_ids:
                new_accounts += [
                    SocialAccount(target=target, network=network, handle=handle, from_dataset=True)
                    for network, handle in accounts.items()
                ]
                result.social_accounts += len(accounts)
                continue
            SocialAccount.objects.filter(target=target, from_dataset=True).exclude(
                network__in=accounts.keys()
            ).delete()
            for network, handle in accounts.items():
                account, created = SocialAccount.objects.get_or_create(
                    target=target,
                    network=network,
                    defaults={"handle": handle, "from_dataset": True},
                )
                # An account an organizer entered by hand is theirs; syncing leaves it alone.
                if not created and account.from_dataset and account.handle != handle:
                    account.handle = handle
                    account.save(update_fields=["handle"])
                result.social_accounts += 1
        Office.objects.bulk_create(new_offices)
        SocialAccount.objects.bulk_create(new_accounts)
        # Rows made in bulk send no post_save: say once which members gained offices.
        gained = {office.target_id for office in new_offices} - created_ids
        if gained:
            transaction.on_commit(
                lambda: targets_changed.send(sender=Target, target_ids=sorted(gained))
            )
        current_ids = {fields["bioguide_id"] for fields in members}
        result.retired = (
            Target.objects.legislators()
            .filter(is_active=True, bioguide_id__isnull=False)
            .exclude(bioguide_id__in=current_ids)
            .update(is_active=False)
        )
        result.offices_retired = (
            # Members of Congress's offices only: the UK sync keeps its own (targets.uk).
            Office.objects.filter(
                source_key__isnull=False, is_active=True, target__bioguide_id__isnull=False
            )
            .exclude(source_key__in=seen_offices)
            .update(is_active=False)
        )
        DatasetImport.objects.update_or_create(
            dataset="legislators",
            defaults={"source": location[:500], "rows": len(members), "imported_at": now},
        )
    return result
