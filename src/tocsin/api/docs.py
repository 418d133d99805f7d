"""/api/docs/: the API's reference, rendered on the server from the OpenAPI document that
/api/schema/ serves (no script, nothing from a CDN)."""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator


@cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref(spec: dict, item: dict) -> dict:
    while isinstance(item, dict) and "$ref" in item:
        name = item["$ref"].rsplit("/", 1)[-1]
        item = spec["components"]["schemas"].get(name, {})
    return item


def _fields(spec: dict, body: dict, prefix: str = "") -> list[dict]:
    body = _ref(spec, body)
    required = set(body.get("required", []))
    out = []
    for name, prop in body.get("properties", {}).items():
        prop = _ref(spec, prop)
        kind = prop.get("type", "object")
        if isinstance(kind, list):
            kind = " or ".join(kind)
        if kind == "array":
            items = _ref(spec, prop.get("items", {}))
            kind = f"list of {items.get('type', 'object')}"
            if items.get("properties"):
                out.append({"name": prefix + name, "type": kind, "required": name in required,
                            "help": prop.get("description", "")})  # fmt: skip
                out += _fields(spec, items, f"{prefix}{name}[].")
                continue
        choices = prop.get("enum")
        help_text = prop.get("description", "")
        if choices:
            help_text = (help_text + " One of: " + ", ".join(str(c) for c in choices)).strip()
        out.append({"name": prefix + name, "type": kind, "required": name in required,
                    "help": help_text})  # fmt: skip
        if prop.get("properties"):
            out += _fields(spec, prop, f"{prefix}{name}.")
    return out


def operations() -> list[dict]:
    spec = schema()
    found = []
    for route, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            body = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            found.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "id": operation.get("operationId", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "help": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "fields": _fields(spec, body) if body else [],
                    "responses": sorted(operation.get("responses", {}).items()),
                }
            )
    return found


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    spec = schema()
    return render(
        request,
        "api/docs.html",
        {"info": spec["info"], "operations": operations(), "version": spec["openapi"]},
    )
