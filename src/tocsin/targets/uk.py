"""Keeping the UK's MPs and ministers in step with the public data.

MPs come from the Department for Education's `mp_lookup.csv` (UK Parliament Members API,
Open Parliament Licence), one per Westminster constituency with their parliamentary email;
ministers from `uk_ministers_current.csv`, built from the Institute for Government's Ministers
Database (CC BY 4.0), one row per post. Both files are read and checked first; then every
change is written in one transaction, as for members of Congress (targets.services): people
who leave are marked inactive, never deleted (campaigns and call records point at them), and
corrections to their offices (an organization's OfficeCorrection, the administrator's
phone_override or hidden) survive every sync, because an office is found again by its key.

No open list of MPs' direct lines exists: every MP's office is the House of Commons, reached
through its switchboard, which puts callers through to any member's office.
"""

import csv
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tocsin.core.datasources import DatasetError, open_text, resolve
from tocsin.districts.models import DatasetImport

from .models import Chamber, Office, Target

# Upstream regenerates this file automatically; TOCSIN_UK_MPS_URL points elsewhere.
MPS_UPSTREAM = (
    "https://raw.githubusercontent.com/dfe-analytical-services/mp-lookup/main/mp_lookup.csv"
)
MPS_FILE = "uk/mp_lookup.csv"
# Built for Tocsin from the IfG database, with no upstream URL of its own: read from the data
# directory (or TOCSIN_UK_MINISTERS_URL) when there is one, otherwise ministers stay as they are.
MINISTERS_FILE = "uk/uk_ministers_current.csv"

# The Commons has 650 seats; far fewer rows means a cut-off file.
MIN_MPS = 600
MIN_MINISTERS = 60

COMMONS_SWITCHBOARD = "+44 20 7219 3000"
COMMONS_OFFICE = {"address": "House of Commons", "city": "London", "postal_code": "SW1A 0AA"}
LORDS_OFFICE = {"address": "House of Lords", "city": "London", "postal_code": "SW1A 0PW"}
MP_TITLE = "MP"  # shown in the reader's language through models.LEGISLATOR_TITLES

CONSTITUENCY_CODE = re.compile(r"[ESWN]\d{8}")
MEMBER_ID = re.compile(r"[1-9]\d{0,8}")
MP_COLUMNS = {"pcon_code", "pcon_name", "member_id", "display_as", "party_text", "member_email"}
MINISTER_COLUMNS = {"name", "parliament_member_id", "house", "post", "rank_value", "department"}
HOUSES = {"Commons", "Lords"}
# Titles and departments of ministers holding several posts are joined; the columns are bounded.
TITLE_LENGTH = 200
DEPARTMENT_LENGTH = 300


@dataclass
class UKMemberSyncResult:
    mps_created: int = 0
    mps_updated: int = 0
    mps_retired: int = 0
    ministers_created: int = 0
    ministers_updated: int = 0
    ministers_retired: int = 0
    offices: int = 0
    offices_retired: int = 0
    # Where the ministers were read from; "" when no file was found and they were left alone.
    ministers_source: str = ""


@dataclass(frozen=True)
class UKMembers:
    """The checked content of both files, ready to apply."""

    mps: list[dict]
    ministers: list[dict] | None
    mps_location: str
    ministers_location: str


def member_page(member_id: int) -> str:
    return f"https://members.parliament.uk/member/{member_id}/contact"


def _rows(location: str, columns: set[str]) -> list[dict]:
    reader = csv.DictReader(open_text(location))
    missing = columns - set(reader.fieldnames or [])
    if missing:
        raise DatasetError(f"{location} lacks the columns {', '.join(sorted(missing))}")
    try:
        return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except csv.Error as error:
        raise DatasetError(f"{location} is not a readable CSV file: {error}") from error


def _member_id(text: str, where: str) -> int:
    if not MEMBER_ID.fullmatch(text):
        raise DatasetError(f"{where}: {text!r} is not a UK Parliament member ID")
    return int(text)


def _email(text: str, where: str) -> str:
    # The MPs' file says "No email found" for the few without a published address.
    if "@" not in text:
        return ""
    try:
        validate_email(text)
    except ValidationError as error:
        raise DatasetError(f"{where}: {text!r} is not an email address") from error
    return text.lower()


def _read_mps(location: str, allow_partial: bool) -> list[dict]:
    rows = _rows(location, MP_COLUMNS)
    mps, seats, members = [], set(), set()
    for line, row in enumerate(rows, start=2):
        where = f"{location}, line {line}"
        code = row["pcon_code"]
        if not CONSTITUENCY_CODE.fullmatch(code):
            raise DatasetError(f"{where}: {code!r} is not a constituency code")
        member_id = _member_id(row["member_id"], where)
        if code in seats or member_id in members:
            raise DatasetError(f"{where}: {code} or member {member_id} appears twice")
        seats.add(code)
        members.add(member_id)
        if not row["display_as"]:
            raise DatasetError(f"{where}: the MP for {code} has no name")
        mps.append(
            {
                "kind": Target.Kind.LEGISLATOR,
                "organization": None,
                "parliament_member_id": member_id,
                "name": row["display_as"][:200],
                "title": MP_TITLE,
                "chamber": Chamber.COMMONS,
                "state": "",
                "district": None,
                "senate_rank": "",
                "constituency": code,
                "department": "",
                "party": row["party_text"][:40],
                "email": _email(row["member_email"], where),
                "website": member_page(member_id),
                "is_active": True,
            }
        )
    if len(mps) < MIN_MPS and not allow_partial:
        raise DatasetError(
            f"{location} lists only {len(mps)} MPs (expected over {MIN_MPS}); it looks "
            "truncated. Use --allow-partial if that is intended."
        )
    return mps


def _joined(parts: list[str], limit: int) -> str:
    unique = list(dict.fromkeys(part for part in parts if part))
    return "; ".join(unique)[:limit]


def _read_ministers(location: str, allow_partial: bool) -> list[dict]:
    rows = _rows(location, MINISTER_COLUMNS)
    by_member: dict[int, list[tuple[int, int, dict]]] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{location}, line {line}"
        member_id = _member_id(row["parliament_member_id"], where)
        if not row["name"] or not row["post"]:
            raise DatasetError(f"{where}: a minister's row has no name or no post")
        if row["house"] not in HOUSES:
            raise DatasetError(f"{where}: {row['house']!r} is neither Commons nor Lords")
        try:
            rank = int(row["rank_value"])
        except ValueError as error:
            raise DatasetError(f"{where}: {row['rank_value']!r} is not a rank") from error
        row["email"] = _email(row.get("email", ""), where)
        by_member.setdefault(member_id, []).append((rank, line, row))
    if len(by_member) < MIN_MINISTERS and not allow_partial:
        raise DatasetError(
            f"{location} lists only {len(by_member)} ministers (expected over "
            f"{MIN_MINISTERS}); it looks truncated. Use --allow-partial if that is intended."
        )
    ministers = []
    for member_id, posts in by_member.items():
        # The most senior post first: "Deputy Prime Minister; Secretary of State for Justice".
        posts.sort(key=lambda post: post[:2])
        first = posts[0][2]
        ministers.append(
            {
                "kind": Target.Kind.MINISTER,
                "organization": None,
                "parliament_member_id": member_id,
                "name": first["name"][:200],
                "title": _joined([row["post"] for _, _, row in posts], TITLE_LENGTH),
                "department": _joined(
                    [row["department"] for _, _, row in posts], DEPARTMENT_LENGTH
                ),
                "chamber": "",
                "constituency": "",
                "party": first.get("party", "")[:40],
                "email": next((row["email"] for _, _, row in posts if row["email"]), ""),
                "website": member_page(member_id),
                "is_active": True,
                "house": first["house"],
            }
        )
    return ministers


def read_uk_members(source: str | None = None, *, allow_partial: bool = False) -> UKMembers:
    """Both files, read and checked; raises DatasetError and changes nothing when either is
    not what we expect. The ministers' file is optional (it has no upstream URL)."""
    mps_location = resolve(
        source, MPS_FILE, getattr(settings, "TOCSIN_UK_MPS_URL", "") or MPS_UPSTREAM
    )
    mps = _read_mps(mps_location, allow_partial)
    try:
        ministers_location = resolve(
            source, MINISTERS_FILE, getattr(settings, "TOCSIN_UK_MINISTERS_URL", "")
        )
    except DatasetError:
        ministers_location = ""  # a data directory without the file
    ministers = _read_ministers(ministers_location, allow_partial) if ministers_location else None
    return UKMembers(mps, ministers, mps_location, ministers_location)


def _office_row(key: str, house: str) -> dict:
    commons = house == "Commons"
    return {
        "source_key": key,
        "kind": Office.Kind.WESTMINSTER,
        "position": 0,
        **(COMMONS_OFFICE if commons else LORDS_OFFICE),
        "state": "",
        "country": "GB",
        # Lords ministers: no public switchboard in the data (the brief's rule: none guessed).
        "phone": COMMONS_SWITCHBOARD if commons else "",
        "latitude": None,
        "longitude": None,
        "hours": "",
        "is_active": True,
    }


def _apply_people(
    people: list[dict], kind: str, key_prefix: str, now, result: UKMemberSyncResult
) -> tuple[int, int, int]:
    """Create or update `people` (all of one kind) and their Westminster office, and mark
    those of that kind no longer listed inactive; returns the counts created, changed and
    retired.

    New rows are inserted together (nothing refers to them yet, so nothing needs telling);
    a row that changed is saved on its own, so that the pages showing it forget it."""
    existing = {
        t.parliament_member_id: t
        for t in Target.objects.filter(kind=kind, parliament_member_id__isnull=False)
    }
    offices_by_key = {
        o.source_key: o for o in Office.objects.filter(source_key__startswith=key_prefix)
    }
    houses: dict[int, str] = {}
    new_targets: list[Target] = []
    targets: list[Target] = []
    changed_count = 0
    for person in people:
        fields = dict(person)
        houses[fields["parliament_member_id"]] = fields.pop("house", "Commons")
        target = existing.get(fields["parliament_member_id"])
        if target is None:
            target = Target(**fields, synced_at=now)
            new_targets.append(target)
        else:
            changed = [name for name, value in fields.items() if getattr(target, name) != value]
            for name in changed:
                setattr(target, name, fields[name])
            if changed:
                target.save(update_fields=changed)
                changed_count += 1
        targets.append(target)
    Target.objects.bulk_create(new_targets)
    Target.objects.filter(kind=kind, parliament_member_id__in=list(houses)).update(synced_at=now)

    new_offices: list[Office] = []
    for target in targets:
        row = _office_row(
            f"{key_prefix}{target.parliament_member_id}", houses[target.parliament_member_id]
        )
        office = offices_by_key.get(row["source_key"])
        if office is None:
            new_offices.append(Office(target=target, **row))
            continue
        # Corrections (phone_override, hidden, OfficeCorrection) are not in `row`.
        changed = [name for name, value in row.items() if getattr(office, name) != value]
        for name in changed:
            setattr(office, name, row[name])
        if office.target_id != target.pk:
            office.target = target
            changed.append("target")
        if changed:
            office.save(update_fields=changed)
    Office.objects.bulk_create(new_offices)
    result.offices += len(targets)

    retired = (
        Target.objects.filter(kind=kind, parliament_member_id__isnull=False, is_active=True)
        .exclude(parliament_member_id__in=list(houses))
        .update(is_active=False)
    )
    seen_offices = [f"{key_prefix}{member_id}" for member_id in houses]
    result.offices_retired += (
        Office.objects.filter(source_key__startswith=key_prefix, is_active=True)
        .exclude(source_key__in=seen_offices)
        .update(is_active=False)
    )
    return len(new_targets), changed_count, retired


def apply_uk_members(members: UKMembers) -> UKMemberSyncResult:
    """Write what read_uk_members() checked, in one transaction."""
    result = UKMemberSyncResult(ministers_source=members.ministers_location)
    now = timezone.now()
    with transaction.atomic():
        result.mps_created, result.mps_updated, result.mps_retired = _apply_people(
            members.mps, Target.Kind.LEGISLATOR, "uk-mp-", now, result
        )
        DatasetImport.objects.update_or_create(
            dataset="uk-mps",
            defaults={
                "source": members.mps_location[:500],
                "rows": len(members.mps),
                "imported_at": now,
            },
        )
        if members.ministers is not None:
            (
                result.ministers_created,
                result.ministers_updated,
                result.ministers_retired,
            ) = _apply_people(members.ministers, Target.Kind.MINISTER, "uk-minister-", now, result)
            DatasetImport.objects.update_or_create(
                dataset="uk-ministers",
                defaults={
                    "source": members.ministers_location[:500],
                    "rows": len(members.ministers),
                    "imported_at": now,
                },
            )
    return result


def sync_uk_members(
    source: str | None = None, *, allow_partial: bool = False
) -> UKMemberSyncResult:
    """MPs and ministers from `source` (a directory or URL), else TOCSIN_DATA_DIR/uk, else
    upstream. Raises DatasetError, changing nothing, when a file is not what we expect."""
    return apply_uk_members(read_uk_members(source, allow_partial=allow_partial))


def sync_uk(source: str | None = None, *, allow_partial: bool = False):
    """Constituencies, postcodes and boundaries (districts.uk), then MPs and ministers, in
    one transaction: the members' files are checked before anything is written, and a
    failure in either part leaves both as they were. Returns (places result, members result)."""
    from tocsin.districts.uk import sync_uk_places

    members = read_uk_members(source, allow_partial=allow_partial)
    with transaction.atomic():
        places = sync_uk_places(source, allow_partial=allow_partial)
        return places, apply_uk_members(members)
