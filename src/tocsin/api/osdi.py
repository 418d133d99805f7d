"""What makes Django REST framework speak OSDI as Action Network does: the OSDI-API-Token
header, per-key rate limits, a JSON parser with a size cap, HAL+JSON, page/per_page
pagination, the OData-style `filter` on dates, and errors that are always a 4xx with a
message ({"error": "..."}), never a 500 for bad input."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

from django.conf import settings
from django.db.models import DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

HEADER = "OSDI-API-Token"
MAX_BODY_BYTES = 256 * 1024
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


# --- bodies ----------------------------------------------------------------------------------


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "too_large"


class CappedJSONParser(BaseParser):
    """JSON, read at most MAX_BODY_BYTES + 1 from the stream whatever the headers claim."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if length and int(length) > MAX_BODY_BYTES:
                raise PayloadTooLarge(_("The body is over 256 kB."))
        except ValueError:
            raise exceptions.ParseError(_("Content-Length is not a number.")) from None
        if stream is None:
            return {}
        raw = stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise PayloadTooLarge(_("The body is over 256 kB."))
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from None


class HalJSONParser(CappedJSONParser):
    media_type = "application/hal+json"


class HalJSONRenderer(JSONRenderer):
    media_type = "application/hal+json"
    format = "hal"


# --- errors ----------------------------------------------------------------------------------


def _flatten(detail, path="") -> list[str]:
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            where = f"{path}.{key}" if path and key != "non_field_errors" else (path or key)
            if key == "non_field_errors":
                where = path
            out += _flatten(value, where)
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out += _flatten(value, f"{path}[{index}]")
            else:
                out += _flatten(value, path)
        return out
    return [f"{path}: {detail}" if path else str(detail)]


def handle_exception(error, context):
    """DRF's answer, reshaped as Action Network's: {"error": "..."} (and the field errors)."""
    from rest_framework.views import exception_handler  # DRF loads this module as it starts

    response = exception_handler(error, context)
    if response is None:
        return None
    data = response.data
    if isinstance(error, exceptions.ValidationError):
        response.data = {"error": "; ".join(_flatten(data)), "errors": data}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"error": str(data["detail"])}
    return response


class BadFilter(exceptions.ParseError):
    pass


# --- pagination ------------------------------------------------------------------------------


def _positive(value: str | None, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise exceptions.ParseError(
            _("%(name)s must be a whole number.") % {"name": name}
        ) from None
    if number < 1:
        raise exceptions.ParseError(_("%(name)s must be 1 or more.") % {"name": name})
    return number


def page_of(queryset, start: int, stop: int):
    """The rows from start to stop of an ordered queryset. A QuerySet's page is found as its
    ids first (a subquery the database can answer from an index alone, however deep the
    OFFSET) and the rows then read by id: a deep page no longer reads every row before it."""
    if not isinstance(queryset, QuerySet):
        return queryset[start:stop]
    return queryset.filter(pk__in=queryset.values("pk")[start:stop])


def paginate(request, queryset, *, collection: str, represent, base_url: str) -> Response:
    """One OSDI page: total_pages, per_page, page, total_records, _links (self, next,
    previous, and a link to each item) and _embedded[collection]."""
    page = _positive(request.query_params.get("page"), "page", 1)
    per_page = min(
        _positive(request.query_params.get("per_page"), "per_page", DEFAULT_PER_PAGE),
        MAX_PER_PAGE,
    )
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    rows = list(page_of(queryset, start, start + per_page)) if start < total else []
    items = [represent(row, base_url=base_url) for row in rows]
    params = request.query_params.copy()
    params["per_page"] = str(per_page)

    def link(number: int) -> dict:
        params["page"] = str(number)
        return {"href": f"{base_url}{request.path}?{params.urlencode()}"}

    links = {"self": link(page)}
    if page < pages:
        links["next"] = link(page + 1)
    if page > 1:
        links["previous"] = link(min(page - 1, pages))
    links[collection] = [item["_links"]["self"] for item in items]
    return Response(
        {
            "total_pages": pages,
            "per_page": per_page,
            "page": page,
            "total_records": total,
            "_links": links,
            "_embedded": {collection: items},
        }
    )


# --- filter=modified_date gt '…' -------------------------------------------------------------

_CLAUSE = re.compile(
    r"^\s*(?P<field>modified_date|created_date)\s+(?P<op>gt|lt|eq)\s+'(?P<value>[^']*)'\s*$"
)
_OPS = {"gt": "gt", "lt": "lt", "eq": "exact"}


def _moment(text: str) -> dt.datetime:
    moment = parse_datetime(text)
    if moment is None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise BadFilter(
                _("“%(value)s” is not a date; write it as 2024-03-25T14:36:58Z.") % {"value": text}
            ) from None
        moment = dt.datetime.combine(day, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def modified_expression(fields: list[str]):
    """The latest of these datetime columns: the first is never empty (the row's creation),
    the others fall back to it, so the expression means the same on SQLite and PostgreSQL."""
    if len(fields) == 1:
        return F(fields[0])
    first = fields[0]
    return Greatest(
        F(first),
        *(Coalesce(F(name), F(first), output_field=DateTimeField()) for name in fields[1:]),
        output_field=DateTimeField(),
    )


def apply_filter(queryset, text: str | None, *, created: str, modified: list[str]):
    """OSDI's OData subset: `modified_date gt '2024-03-25T14:36:58Z'` (gt, lt, eq; on
    modified_date or created_date), clauses joined by `and`. Anything else is a 400."""
    if not text:
        return queryset
    if len(text) > 300:
        raise BadFilter(_("The filter is too long."))
    needs_modified = False
    conditions = Q()
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        if match is None:
            raise BadFilter(
                _(
                    "Cannot read the filter “%(clause)s”. Write, for example: "
                    "modified_date gt '2024-03-25T14:36:58Z' (gt, lt or eq; modified_date "
                    "or created_date; clauses joined by and)."
                )
                % {"clause": clause[:100]}
            )
        moment = _moment(match["value"])
        if match["field"] == "modified_date":
            needs_modified = True
            column = "osdi_modified"
        else:
            column = created
        conditions &= Q(**{f"{column}__{_OPS[match['op']]}": moment})
    if needs_modified:
        queryset = queryset.annotate(osdi_modified=modified_expression(modified))
    return queryset.filter(conditions)


def site_root(request) -> str:
    """The base of every link: the configured site address, never the request's Host."""
    return settings.TOCSIN_BASE_URL
