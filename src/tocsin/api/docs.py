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
    while isinstance(item, dict) and ("$ref" in item or len(item.get("allOf", ())) == 1):
        if "allOf" in item:  # a nested serializer with a description: allOf [$ref]
            item = {**item["allOf"][0], **{k: v for k, v in item.items() if k != "allOf"}}
            continue
        name = item["$ref"].rsplit("/", 1)[-1]
        item = spec["components"]["schemas"].get(name, {})
    return item


def _name(item: dict) -> str:
    """The component a schema points at ("Person"), or ""."""
    if isinstance(item, dict) and len(item.get("allOf", ())) == 1:
        item = item["allOf"][0]
    if isinstance(item, dict) and "$ref" in item:
        return item["$ref"].rsplit("/", 1)[-1]
    return ""


def _fields(spec: dict, body: dict, prefix: str = "", stop: frozenset = frozenset()) -> list[dict]:
    """Each field of a body, nested ones as `a.b` and `a[].b`. A field whose schema is one
    of the components in `stop` (a resource inside a collection) links to it instead."""
    body = _ref(spec, body)
    required = set(body.get("required", []))
    out = []
    for name, prop in body.get("properties", {}).items():
        inner = prop.get("items", {}) if prop.get("type") == "array" else prop
        if _name(inner) in stop:
            many = "list of " if inner is not prop else ""
            out.append(
                {
                    "name": prefix + name,
                    "type": many + _name(inner),
                    "ref": _name(inner),
                    "required": name in required,
                    "help": prop.get("description", ""),
                }
            )
            continue
        prop = _ref(spec, prop)
        kind = prop.get("type", "object")
        if isinstance(kind, list):
            kind = " or ".join(kind)
        if kind == "array":
            items = _ref(spec, prop.get("items", {}))
            kind = f"list of {items.get('type', 'object')}"
            if items.get("properties"):
                out.append(
                    {
                        "name": prefix + name,
                        "type": kind,
                        "required": name in required,
                        "help": prop.get("description", ""),
                    }
                )
                out += _fields(spec, items, f"{prefix}{name}[].", stop)
                continue
        choices = prop.get("enum")
        help_text = prop.get("description", "")
        if choices:
            help_text = (help_text + " One of: " + ", ".join(str(c) for c in choices)).strip()
        out.append(
            {"name": prefix + name, "type": kind, "required": name in required, "help": help_text}
        )
        if prop.get("properties"):
            out += _fields(spec, prop, f"{prefix}{name}.", stop)
    return out


LINK = "Link"  # docs_schemas.Link: a HAL link, {"href": "…"}


def _answer(response: dict) -> str:
    """The component a response's JSON is ("PersonCollection"), or ""."""
    content = response.get("content", {})
    media = content.get("application/hal+json") or content.get("application/json") or {}
    return _name(media.get("schema", {}))


def resources() -> list[dict]:
    """Each component an answer is (Person, PersonCollection, …) with its fields, in the order
    the operations first answer with them. In a collection, the items link to their resource."""
    spec = schema()
    names: list[str] = []
    for methods in spec.get("paths", {}).values():
        for operation in methods.values():
            for response in operation.get("responses", {}).values():
                name = _answer(response)
                if name and name not in names:
                    names.append(name)
    items = frozenset(n for n in names if not n.endswith("Collection"))
    schemas = spec["components"]["schemas"]
    found = []
    for name in sorted(names, key=lambda n: (n.endswith("Collection"), n)):
        fields = _fields(spec, schemas[name], stop=items - {name} | {LINK})
        for field in fields:
            if field.get("ref") == LINK:  # {"href": "…"}: said once on the page, not linked
                field["ref"] = ""
                field["type"] = field["type"].replace(LINK, "link")
        found.append(
            {"name": name, "description": schemas[name].get("description", ""), "fields": fields}
        )
    return found


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
                    "responses": [
                        {**response, "code": code, "shape": _answer(response)}
                        for code, response in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return found


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    spec = schema()
    return render(
        request,
        "api/docs.html",
        {
            "info": spec["info"],
            "operations": operations(),
            "resources": resources(),
            "version": spec["openapi"],
        },
    )
