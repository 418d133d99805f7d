"""Importing an organization's existing list of people from a CSV file: all or nothing.

The file is read twice, as a stream, never held whole: the first pass checks every row and
reports each bad one by its line number, and only a clean file is read again and applied, in
one transaction, in batches (a few queries per thousand rows). Importing the same file again
changes nothing: blanks are filled but nothing known is overwritten, a consent already open is
left as it is, tags already there stay, and a person who withdrew a consent here is never
subscribed again by an import, even once erased (services.suppressed).

Cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are refused, in every column, rather than quietly altered: the organizer fixes the
file and sees exactly what was imported.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from tocsin.core.countries import UnknownCountry, normalize_country
from tocsin.core.emails import MAX_LENGTH, normalize_email

from .models import Activity, Consent, PeopleImport, Supporter, Tag, Tagging
from .services import suppressed

COLUMNS = (
    "email",
    "name",
    "postcode",
    "country",
    "language",
    "tags",
    "consent_date",
    "consent_wording",
    "list",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2_000
# Errors kept to show; all are counted.
ERRORS_KEPT = 500
# Files up to this size are imported while the organizer waits; bigger ones by the worker.
INLINE_BYTES = 256 * 1024
LIMITS = {"name": 200, "postcode": 12, "consent_wording": 2_000, "list": 100}
TAG_LENGTH = 100


@dataclass
class Row:
    line: int
    email: str
    name: str = ""
    postcode: str = ""
    country: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    consent_at: datetime.datetime | None = None
    consent_wording: str = ""
    list_name: str = ""


@dataclass
class Check:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((line, message))


def open_text(path) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheets put a byte-order mark before the header.
    return open(path, encoding="utf-8-sig", newline="")


def read_rows(path, check: Check) -> Iterator[Row | None]:
    """Each data row parsed, or None for a row refused (its errors go to `check`)."""
    languages = {code for code, _name in settings.LANGUAGES}
    now = timezone.now()
    with open_text(path) as text:
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error):
            check.refuse(1, gettext("The file is not a UTF-8 CSV file."))
            return
        if header is None:
            check.refuse(1, gettext("The file is empty."))
            return
        names = [h.strip().lower() for h in header]
        unknown = [n for n in names if n not in COLUMNS]
        if "email" not in names or unknown:
            check.refuse(
                1,
                gettext("The first line must name the columns, from: %(columns)s.")
                % {"columns": ", ".join(COLUMNS)},
            )
            return
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                check.refuse(
                    reader.line_num + 1, gettext("This line is not UTF-8 text; save as UTF-8.")
                )
                return
            except csv.Error as error:
                check.refuse(
                    reader.line_num, gettext("Unreadable CSV: %(error)s") % {"error": error}
                )
                return
            if not any(c.strip() for c in cells):
                continue
            check.rows += 1
            yield _parse(
                dict(zip(names, cells, strict=False)), reader.line_num, check, languages, now
            )


def _parse(values: dict, line: int, check: Check, languages, now) -> Row | None:
    problems = []
    values = {k: v.strip() for k, v in values.items()}
    for column, value in values.items():
        if value.startswith(FORMULA_STARTS):
            problems.append(
                gettext(
                    "%(column)s starts with %(char)s, which spreadsheets run as a formula; "
                    "remove it"
                )
                % {"column": column, "char": repr(value[0])}
            )
    email = values.get("email", "")
    if not email:
        problems.append(gettext("the email address is missing"))
    elif not problems:
        try:
            if len(email) > MAX_LENGTH:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems.append(gettext("the email address is not valid"))
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            problems.append(
                gettext("%(column)s is longer than %(limit)d characters")
                % {"column": column, "limit": limit}
            )
    try:
        # "UK", "United Kingdom", "Reino Unido" and "gb" are all stored as GB.
        country = normalize_country(values.get("country", ""))
    except UnknownCountry:
        country = ""
        problems.append(
            gettext(
                "unknown country “%(country)s”: write its name (United Kingdom) or its "
                "two-letter code (GB)"
            )
            % {"country": values["country"].strip()[:40]}
        )
    language = values.get("language", "").lower()
    if language and language not in languages:
        problems.append(
            gettext("unknown language: use one of %(languages)s")
            % {"languages": ", ".join(sorted(languages))}
        )
    tags = tuple(dict.fromkeys(t.strip() for t in values.get("tags", "").split(";") if t.strip()))
    if any(len(t) > TAG_LENGTH for t in tags):
        problems.append(
            gettext("a tag is longer than %(limit)d characters") % {"limit": TAG_LENGTH}
        )
    consent_at = None
    date_text, wording = values.get("consent_date", ""), values.get("consent_wording", "")
    if date_text:
        consent_at = _moment(date_text)
        if consent_at is None:
            problems.append(gettext("consent_date is not a date like 2024-03-31"))
        elif consent_at > now:
            problems.append(gettext("consent_date is in the future"))
        if not wording:
            problems.append(gettext("a consent needs the wording it was given under"))
    elif wording:
        problems.append(gettext("a consent needs the date it was given"))
    if problems:
        message = "; ".join(problems)
        check.refuse(line, message[:1].upper() + message[1:] + ".")
        return None
    return Row(
        line=line,
        email=normalize_email(email),
        name=values.get("name", ""),
        postcode=values.get("postcode", ""),
        country=country,
        language=language,
        tags=tags,
        consent_at=consent_at,
        consent_wording=wording,
        list_name=values.get("list", ""),
    )


def _moment(text: str) -> datetime.datetime | None:
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                return None
            moment = datetime.datetime.combine(day, datetime.time(12))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def check_file(path) -> Check:
    """Every bad row of the file, by line number; a second row for the same address (however
    it is spelt) is one of them. Only the addresses are kept while reading."""
    check = Check()
    seen: dict[str, int] = {}
    for row in read_rows(path, check):
        if row is None:
            continue
        first = seen.setdefault(row.email, row.line)
        if first != row.line:
            check.refuse(
                row.line,
                gettext("The same email address as line %(line)d.") % {"line": first},
            )
    if check.rows == 0 and not check.error_count:
        check.refuse(1, gettext("The file has no rows of people."))
    return check


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    consents_added: int = 0
    kept_unsubscribed: int = 0


def apply_file(path, organization, *, list_name: str = "", filename: str = "") -> Applied:
    """Apply a file check_file found clean, all of it in one transaction."""
    applied = Applied()
    tags: dict[tuple[str, str], Tag] = {}
    with transaction.atomic():
        batch = []
        for row in read_rows(path, Check()):
            batch.append(row)
            if len(batch) >= BATCH:
                _apply_batch(batch, organization, list_name, filename, tags, applied)
                batch = []
        if batch:
            _apply_batch(batch, organization, list_name, filename, tags, applied)
    return applied


def _tag(organization, name: str, kind: str, cache: dict) -> Tag:
    key = (kind, name)
    if key not in cache:
        cache[key], _created = Tag.objects.get_or_create(
            organization=organization, kind=kind, name=name
        )
    return cache[key]


DETAILS = ("name", "postcode", "country", "language")


def _insert(model, columns: list[str], rows: list[tuple], *, ignore_conflicts=False) -> None:
    """A plain multi-row INSERT: for a hundred thousand rows the ORM's per-object work
    (building and compiling each instance, and on SQLite statements of at most 999
    parameters) costs several times the database's own."""
    if not rows:
        return
    fields = [model._meta.get_field(c) for c in columns]
    # Every other column that has a default gets it, as the ORM would give it: a column added
    # later is then never left for the database to refuse.
    listed = {f.attname for f in fields}
    defaulted = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in listed and f.has_default()
    ]
    if defaulted:
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaulted)
        fields += defaulted
        rows = [(*row, *defaults) for row in rows]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names, quoted, go into the statement.
    if ignore_conflicts and connection.vendor == "sqlite":
        sql = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    else:
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _moment_for_db(moment):
    return connection.ops.adapt_datetimefield_value(moment)


def _apply_batch(rows, organization, list_name, filename, tags, applied: Applied) -> None:
    now = timezone.now()
    emails = [r.email for r in rows]
    existing = {
        p.email: p for p in Supporter.objects.filter(organization=organization, email__in=emails)
    }
    at = _moment_for_db(now)
    new = [r for r in rows if r.email not in existing]
    _insert(
        Supporter,
        [
            "organization",
            "email",
            *DETAILS,
            "state",
            "district",
            "source",
            "first_page",
            "created_at",
            "last_action_at",
            "is_known",
        ],
        [
            (
                organization.pk,
                r.email,
                *(getattr(r, d) for d in DETAILS),
                "",
                "",
                "import",
                "",
                at,
                at,
                True,
            )
            for r in new
        ],
    )
    applied.created += len(new)
    changed = []
    for row in rows:
        person = existing.get(row.email)
        if person is None or person.erased_at is not None:
            continue
        filled = [d for d in DETAILS if getattr(row, d) and not getattr(person, d)]
        for detail in filled:
            setattr(person, detail, getattr(row, detail))
        if filled:
            changed.append(person)
    if changed:
        Supporter.objects.bulk_update(changed, DETAILS, batch_size=BATCH)
    applied.updated += len(changed)
    # The organization's own list names them: organizers see them from now on.
    unknown = [p.pk for p in existing.values() if not p.is_known and p.erased_at is None]
    if unknown:
        Supporter.objects.filter(pk__in=unknown).update(is_known=True)
    # Every person of the batch: (id, erased) by address (bulk_create gives no ids on SQLite).
    people = {
        email: (pk, erased is not None)
        for pk, email, erased in Supporter.objects.filter(
            organization=organization, email__in=emails
        ).values_list("pk", "email", "erased_at")
    }
    summary = gettext("Imported from %(file)s") % {"file": filename[:200]}
    _insert(
        Activity,
        [
            "organization",
            "supporter",
            "kind",
            "campaign_title",
            "source",
            "occurred_at",
            "summary",
            "ref_model",
        ],
        [
            (
                organization.pk,
                people[p.email][0],
                Activity.Kind.IMPORTED,
                "",
                "import",
                at,
                summary,
                "",
            )
            for p in new
        ],
    )
    _apply_consents(rows, organization, people, applied)
    taggings = []
    for row in rows:
        person_id, erased = people[row.email]
        if erased:
            continue
        names = [(n, Tag.Kind.TAG) for n in row.tags]
        names += [(n, Tag.Kind.LIST) for n in (row.list_name, list_name) if n]
        for name, kind in names:
            tag = _tag(organization, name, kind, tags)
            taggings.append((person_id, tag.pk, at, Tagging.How.IMPORT))
    _insert(Tagging, ["supporter", "tag", "created_at", "how"], taggings, ignore_conflicts=True)


def _apply_consents(rows, organization, people, applied: Applied) -> None:
    asked = [r for r in rows if r.consent_at and not people[r.email][1]]
    if not asked:
        return
    ids = [people[r.email][0] for r in asked]
    has_open = set(
        Consent.objects.open().filter(supporter_id__in=ids).values_list("supporter_id", flat=True)
    )
    withdrew = set(
        Consent.objects.filter(supporter_id__in=ids, withdrawn_at__isnull=False).values_list(
            "supporter_id", flat=True
        )
    )
    # Addresses that withdrew and were erased since: a new person here, the same owner.
    erased_after_withdrawing = suppressed(organization, [r.email for r in asked])
    consents = []
    for row in asked:
        person_id = people[row.email][0]
        if person_id in withdrew or row.email in erased_after_withdrawing:
            applied.kept_unsubscribed += 1
        elif person_id not in has_open:
            given = _moment_for_db(row.consent_at)
            language = row.language or settings.LANGUAGE_CODE
            consents.append(
                (
                    person_id,
                    organization.pk,
                    row.consent_wording,
                    language,
                    given,
                    given,
                    "import",
                    "import",
                    "",
                )
            )
    _insert(
        Consent,
        [
            "supporter",
            "organization",
            "wording",
            "language",
            "given_at",
            "confirmed_at",
            "method",
            "source",
            "page",
        ],
        consents,
    )
    applied.consents_added += len(consents)


# ---------------------------------------------------------------------------- the upload


def run_import(people_import: PeopleImport) -> PeopleImport:
    """Check the stored upload and, if clean, apply it; the outcome goes on the row and the
    file is deleted either way (it holds personal data)."""
    from pathlib import Path

    path = Path(people_import.path)
    if people_import.status != PeopleImport.Status.WAITING:
        return people_import
    try:
        check = check_file(path)
        people_import.rows = check.rows
        if check.error_count:
            people_import.status = PeopleImport.Status.REFUSED
            people_import.errors = check.errors
            people_import.error_count = check.error_count
        else:
            applied = apply_file(
                path,
                people_import.organization,
                list_name=people_import.list_name,
                filename=people_import.filename,
            )
            people_import.status = PeopleImport.Status.DONE
            people_import.created = applied.created
            people_import.updated = applied.updated
            people_import.consents_added = applied.consents_added
            people_import.kept_unsubscribed = applied.kept_unsubscribed
    except FileNotFoundError:
        people_import.status = PeopleImport.Status.REFUSED
        people_import.errors = [(0, gettext("The uploaded file is gone; upload it again."))]
        people_import.error_count = 1
    people_import.finished_at = timezone.now()
    people_import.save()
    path.unlink(missing_ok=True)
    return people_import


def store_upload(uploaded, organization, user, list_name: str = "") -> PeopleImport:
    """Write the upload under TOCSIN_VAR_DIR/imports and record it, waiting; the caller runs
    it now or enqueues it in the same transaction."""
    import uuid
    from pathlib import Path

    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    with open(path, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return PeopleImport.objects.create(
        organization=organization,
        uploaded_by=user,
        filename=Path(uploaded.name or "").name[:200],
        path=str(path),
        list_name=list_name,
    )
